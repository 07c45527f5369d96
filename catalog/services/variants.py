"""Every write of a product's variants (SKUs) by its merchant: the variant matrix built from the
category's variant attributes, bulk edits of prices and details, single variants (CSV import),
B2B quantity price tiers and low-stock alert levels.

Each service checks every row first and raises ``ProductError`` before it writes, so a refused
change changes nothing. Stock is never written here: it goes through
``catalog.services.inventory.set_stock`` once the variants' own transaction is done. The
product's denormalised price range follows its variants on sale (``refresh_price_range``), and
its derived ``ProductOption`` rows follow its variants' options and activation, refreshed once
at the end of a service's writes (``refreshing_options``), not once per variant.
"""

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Min
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.sellers.models import SellerKind, Shop

from ..errors import ProductError
from ..models import (
    Attribute,
    AttributeOption,
    Category,
    PriceTier,
    Product,
    ProductStatus,
    Variant,
)
from . import inventory, listing
from .product_options import refreshing_options

MAX_VARIANTS = 200
LISTED = (ProductStatus.ACTIVE, ProductStatus.PENDING_REVIEW)


def is_b2b(shop: Shop) -> bool:
    return shop.kind == SellerKind.WHOLESALER


# --- The matrix -----------------------------------------------------------------------------


def variant_attributes(category: Category) -> list[Attribute]:
    return list(category.attributes.filter(is_variant=True).prefetch_related("options"))


def build_variants(
    *, product: Product, by: Any, option_ids: Iterable[int], price: Decimal | None = None
) -> list[Variant]:
    """One variant per combination of the chosen options (one per variant attribute); the
    combinations that already exist are kept as they are. Returns the new variants."""
    chosen = set(option_ids)
    axes = []
    for attribute in variant_attributes(product.category):
        options = [option for option in attribute.options.all() if option.pk in chosen]
        chosen -= {option.pk for option in options}
        if options:
            axes.append(options)
    if chosen:
        raise ProductError(
            _("Some options do not belong to this category's variant attributes."),
            code="foreign_option",
        )
    combinations = list(itertools.product(*axes)) if axes else [()]
    if len(combinations) > MAX_VARIANTS:
        raise ProductError(
            _("That makes %(count)s variants; at most %(max)s are allowed.")
            % {"count": len(combinations), "max": MAX_VARIANTS},
            code="too_many_variants",
        )
    if price is not None and price < 0:
        raise ProductError(_("A price cannot be negative."), code="negative_price")
    existing = {
        frozenset(o.pk for o in variant.options.all())
        for variant in product.variants.prefetch_related("options")
    }
    if not axes and existing:
        return []
    start_price = price if price is not None else _first_price(product)
    created = []
    with transaction.atomic(), refreshing_options():
        position = product.variants.aggregate(top=Max("position"))["top"] or 0
        skus = set(product.variants.values_list("sku", flat=True))
        for combination in combinations:
            if frozenset(o.pk for o in combination) in existing:
                continue
            position += 1
            sku = _new_sku(product, combination, taken=skus)
            skus.add(sku)
            variant = Variant.objects.create(
                product=product, sku=sku, price=start_price, position=position
            )
            variant.options.set(combination)
            created.append(variant)
        refresh_price_range(product=product)
        if created and product.status in LISTED:
            listing.product_changed(product=product, by=by)
    return created


def _first_price(product: Product) -> Decimal:
    first = product.variants.order_by("position", "pk").values_list("price", flat=True).first()
    return first if first is not None else Decimal("0.00")


def _new_sku(product: Product, options: Sequence[AttributeOption], *, taken: set[str]) -> str:
    parts = [f"P{product.pk}"] + [slugify(o.value).upper() or f"O{o.pk}" for o in options]
    base = "-".join(parts)[:56]
    sku, n = base, 1
    while sku in taken:
        n += 1
        sku = f"{base}-{n}"
    return sku


@dataclass(frozen=True)
class VariantChange:
    """The new values of one row of the variant grid; ``stock=None`` leaves stock alone."""

    variant_id: int
    price: Decimal
    compare_at_price: Decimal | None = None
    stock: int | None = None
    weight_grams: int = 0
    barcode: str = ""
    is_active: bool = True
    low_stock_threshold: int | None = None
    sku: str | None = None


def check_variant_change(change: VariantChange, *, label: str) -> None:
    if change.price < 0:
        raise ProductError(_("%(sku)s: a price cannot be negative.") % {"sku": label}, code="price")
    if change.compare_at_price is not None and change.compare_at_price <= change.price:
        raise ProductError(
            _("%(sku)s: the compare-at price must be higher than the price.") % {"sku": label},
            code="compare_at",
        )
    if change.stock is not None and change.stock < 0:
        raise ProductError(_("%(sku)s: stock cannot be negative.") % {"sku": label}, code="stock")
    if change.weight_grams < 0:
        raise ProductError(_("%(sku)s: weight cannot be negative.") % {"sku": label}, code="weight")
    if change.sku is not None and not change.sku.strip():
        raise ProductError(_("Every variant needs a SKU code."), code="sku_required")


def bulk_update_variants(
    *, product: Product, by: Any, changes: Sequence[VariantChange]
) -> list[Variant]:
    """Every row is checked first; then prices and details are saved together, and stock moves
    through the inventory ledger (one adjustment per changed row)."""
    variants = {v.pk: v for v in product.variants.all()}
    for change in changes:
        variant = variants.get(change.variant_id)
        if variant is None:
            raise ProductError(_("That variant is not part of this product."), code="foreign")
        check_variant_change(change, label=change.sku or variant.sku)
    final_skus = [
        c.sku.strip() if c.sku is not None else variants[c.variant_id].sku for c in changes
    ]
    changed_ids = {c.variant_id for c in changes}
    kept = [v.sku for pk, v in variants.items() if pk not in changed_ids]
    if len(set(final_skus + kept)) != len(final_skus) + len(kept):
        raise ProductError(_("Two variants have the same SKU code."), code="sku_duplicate")
    fields = ["price", "compare_at_price", "weight_grams", "barcode", "is_active", "sku"]
    updated = []
    with transaction.atomic(), refreshing_options():
        for change in changes:
            variant = variants[change.variant_id]
            variant.price = change.price
            variant.compare_at_price = change.compare_at_price
            variant.weight_grams = change.weight_grams
            variant.barcode = change.barcode.strip()[:64]
            variant.is_active = change.is_active
            if change.sku is not None:
                variant.sku = change.sku.strip()[:64]
            if change.low_stock_threshold is not None:
                variant.low_stock_threshold = change.low_stock_threshold
            variant.save(update_fields=[*fields, "low_stock_threshold"])
            updated.append(variant)
        refresh_price_range(product=product)
        if product.status in LISTED:
            listing.product_changed(product=product, by=by)
    for change in changes:
        if change.stock is not None:
            inventory.set_stock(
                variant=variants[change.variant_id], quantity=change.stock, by=by, note=""
            )
    return updated


def refresh_price_range(*, product: Product) -> None:
    """The product's lowest and highest price follow its variants on sale."""
    prices = product.variants.filter(is_active=True).aggregate(low=Min("price"), high=Max("price"))
    Product.objects.filter(pk=product.pk).update(price_min=prices["low"], price_max=prices["high"])
    product.price_min, product.price_max = prices["low"], prices["high"]


# --- B2B price tiers ------------------------------------------------------------------------


def check_price_tiers(
    *, shop: Shop, price: Decimal, label: str, tiers: Sequence[tuple[int, Decimal]]
) -> list[tuple[int, Decimal]]:
    """The tiers sorted by quantity; each starts at 2 units or more, and buying more always costs
    less per unit (than the variant's price and than the tier before)."""
    if tiers and not is_b2b(shop):
        raise ProductError(_("Only wholesale (B2B) shops can set price tiers."), code="tiers_b2b")
    ordered = sorted(tiers)
    previous_quantity, previous_price = 1, price
    for quantity, unit_price in ordered:
        if quantity < 2:
            raise ProductError(
                _("%(sku)s: a price tier starts at 2 units or more.") % {"sku": label},
                code="tier_quantity",
            )
        if quantity == previous_quantity:
            raise ProductError(
                _("%(sku)s: two tiers start at %(qty)s units.") % {"sku": label, "qty": quantity},
                code="tier_duplicate",
            )
        if unit_price < 0 or unit_price >= previous_price:
            raise ProductError(
                _("%(sku)s: the unit price from %(qty)s units must be lower than %(price)s.")
                % {"sku": label, "qty": quantity, "price": previous_price},
                code="tier_price",
            )
        previous_quantity, previous_price = quantity, unit_price
    return ordered


def set_price_tiers(
    *, variant: Variant, by: Any, tiers: Sequence[tuple[int, Decimal]]
) -> list[PriceTier]:
    """The variant's quantity prices are replaced by ``tiers`` (min quantity, unit price)."""
    ordered = check_price_tiers(
        shop=variant.product.shop, price=variant.price, label=variant.sku, tiers=tiers
    )
    with transaction.atomic():
        variant.price_tiers.all().delete()
        return PriceTier.objects.bulk_create(
            PriceTier(variant=variant, min_quantity=quantity, unit_price=price)
            for quantity, price in ordered
        )


def add_variant(
    *,
    product: Product,
    by: Any,
    sku: str,
    options: Sequence[AttributeOption],
    change: VariantChange,
) -> Variant:
    """A new variant with its own SKU code and options (the CSV import's way in); stock is left
    at 0 for the caller to set through the inventory ledger."""
    sku = sku.strip()
    check_variant_change(change, label=sku)
    if not sku:
        raise ProductError(_("Every variant needs a SKU code."), code="sku_required")
    if product.variants.filter(sku=sku).exists():
        raise ProductError(_("Two variants have the same SKU code."), code="sku_duplicate")
    allowed = {a.pk for a in variant_attributes(product.category)}
    if any(option.attribute_id not in allowed for option in options):
        raise ProductError(
            _("Some options do not belong to this category's variant attributes."),
            code="foreign_option",
        )
    with transaction.atomic(), refreshing_options():
        position = product.variants.aggregate(top=Max("position"))["top"] or 0
        variant = Variant.objects.create(
            product=product,
            sku=sku[:64],
            price=change.price,
            compare_at_price=change.compare_at_price,
            weight_grams=change.weight_grams,
            barcode=change.barcode.strip()[:64],
            is_active=change.is_active,
            position=position + 1,
            **(
                {"low_stock_threshold": change.low_stock_threshold}
                if change.low_stock_threshold is not None
                else {}
            ),
        )
        variant.options.set(options)
        refresh_price_range(product=product)
    return variant


def set_low_stock_threshold(*, variant: Variant, threshold: int) -> Variant:
    """The merchant is told when the variant's stock falls to ``threshold`` or below."""
    if threshold < 0:
        raise ProductError(_("The alert level cannot be negative."), code="threshold")
    variant.low_stock_threshold = threshold
    variant.save(update_fields=["low_stock_threshold"])
    return variant
