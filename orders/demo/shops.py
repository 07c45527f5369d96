"""The demo shops the orders demo uses, found by their owners' e-mail addresses (the sellers
seed makes them), and the SKUs it sells: the first active, in-stock variant of each of a shop's
first products, so that the small catalogue of the tests (one product per leaf) has them too.

Reads only; never writes.
"""

from dataclasses import dataclass

from catalog.models import ProductStatus, Variant
from marketplace.accounts.models import User
from marketplace.sellers.models import MemberRole, MerchantMember, Shop

SHOPPER = "shopper@example.com"
STAFF = "staff@example.com"
# Owners of the demo shops (marketplace.sellers.demo.onboarding).
OUTFITTERS = "merchant@example.com"  # Demo Outfitters, the demo merchant's own shop
HANDMADE = "lin@example.com"  # Lin's Handmade
WHOLESALE = "wholesale@example.com"  # Harbour Wholesale
BEAUTY = "agent@example.com"  # Sakura Beauty Official Store
ELECTRONICS = "distributor@example.com"  # Island Electronics
OWNERS = (OUTFITTERS, HANDMADE, WHOLESALE, BEAUTY, ELECTRONICS)

# A SKU the demo sells keeps this many units at least, so the demo orders and a few re-runs
# never run it out.
MIN_STOCK = 10


@dataclass(frozen=True)
class DemoShop:
    shop: Shop
    owner: User


def demo_shops() -> dict[str, DemoShop]:
    """The demo shops that exist, by their owner's e-mail address."""
    members = MerchantMember.objects.filter(
        user__email__in=OWNERS, role=MemberRole.OWNER, merchant__shop__isnull=False
    ).select_related("user", "merchant__shop")
    return {
        member.user.email: DemoShop(shop=member.merchant.shop, owner=member.user)
        for member in members
    }


def stocked_variants(shop: Shop, *, count: int) -> list[Variant]:
    """Up to ``count`` SKUs of different products of the shop, on sale and well in stock: the
    first variant (by id) of each of its first products."""
    variants = (
        Variant.objects.filter(
            product__shop=shop,
            product__status=ProductStatus.ACTIVE,
            is_active=True,
            stock__gte=MIN_STOCK,
        )
        .select_related("product")
        .order_by("product_id", "pk")
    )
    chosen: dict[int, Variant] = {}
    for variant in variants.iterator(chunk_size=200):
        chosen.setdefault(variant.product_id, variant)
        if len(chosen) == count:
            break
    return list(chosen.values())


def pick(variants: list[Variant], index: int) -> Variant | None:
    """The ``index``-th SKU, or an earlier one when the shop has fewer products."""
    return variants[index % len(variants)] if variants else None
