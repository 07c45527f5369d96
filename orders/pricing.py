"""The promotions engine: the one place a price is computed.

``price_cart()`` is pure: it takes plain values (the lines with their catalogue prices, the buyer,
the moment, the offers in force, the coupons the buyer holds or typed, and each shop's delivery
price) and returns every line's price and discount, each shop's subtotal, delivery and discounts,
the platform's discounts and the total, with a sentence explaining each discount. It reads no
database and writes nothing; ``orders.services.quotes`` loads its inputs. Cart pages, checkout and
order placement all call it, so what the buyer saw is what the order records.

Rules (see docs/glossary.md for the Chinese terms):
- A line's base unit price is the flash-sale price when a flash sale is running for it and the
  buyer still has flash units left (units beyond that pay the normal price), else the B2B tier
  price for the line's quantity, else the variant price.
- Item promotions (percentage off, amount off, member price, buy N get M) lower line prices;
  a line gets at most one item promotion: the best one for the buyer. Flash-sale units get none.
- Order-level shop promotions and coupons: at most one spend-threshold (滿減) promotion, one
  free-shipping promotion and one shop coupon per shop order; at most one platform coupon and
  one platform spend-threshold promotion per order group. Where several could apply the engine
  picks the combination best for the buyer and explains it.
- A platform discount spanning several shops is allocated to the shops in proportion to their
  subtotals after shop discounts, to the cent (largest remainder).
- Rounding: HALF_UP at the line, then sums; a discount never exceeds what it discounts; totals
  are never negative; the result is deterministic (ties broken by id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

# --- Inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlashOffer:
    flash_sale_id: int
    price: Decimal
    units_for_buyer: int  # min(quantity left, per-user limit minus what the buyer already holds)
    ends_at: datetime


@dataclass(frozen=True)
class LineInput:
    variant_id: int
    product_id: int
    shop_id: int
    category_ids: tuple[int, ...]  # the product's category and its ancestors
    quantity: int
    unit_price: Decimal  # the variant price
    tiers: tuple[tuple[int, Decimal], ...] = ()  # (from quantity, unit price), B2B
    flash: FlashOffer | None = None


@dataclass(frozen=True)
class Buyer:
    user_id: int | None
    member_level: str = ""


@dataclass(frozen=True)
class PromotionRule:
    """A promotion in force (the loader passes only active ones in their window)."""

    id: int
    shop_id: int | None  # None: platform
    name: str
    kind: str  # orders.models.PromotionKind values
    scope: str  # orders.models.Scope values
    category_ids: frozenset[int] = frozenset()
    product_ids: frozenset[int] = frozenset()
    percent: Decimal | None = None
    amount: Decimal | None = None
    tiers: tuple[tuple[Decimal, Decimal], ...] = ()  # (spend at least, get off), ascending
    is_repeating: bool = False
    threshold: Decimal | None = None  # free shipping from
    buy_quantity: int | None = None
    free_quantity: int | None = None
    member_level: str = ""
    funded_by: str = "shop"  # orders.models.FundedBy values
    platform_share_percent: Decimal = Decimal("0")


@dataclass(frozen=True)
class CouponRule:
    """A coupon the buyer may use now (claimed, or typed; within window and limits)."""

    id: int
    shop_id: int | None  # None: platform
    name: str
    code: str
    kind: str  # orders.models.CouponKind values
    scope: str
    category_ids: frozenset[int] = frozenset()
    product_ids: frozenset[int] = frozenset()
    amount: Decimal | None = None
    percent: Decimal | None = None
    max_discount: Decimal | None = None
    min_spend: Decimal = Decimal("0")
    funded_by: str = "shop"
    platform_share_percent: Decimal = Decimal("0")


# --- Outputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Discount:
    source: str  # orders.models.DiscountSource values
    label: str  # human-readable, in the active language: "滿300減30: 30.00 off"
    amount: Decimal
    shop_id: int | None  # the shop order it is recorded on (allocations of platform ones too)
    funded_by: str
    shop_funded: Decimal
    platform_funded: Decimal
    promotion_id: int | None = None
    coupon_id: int | None = None
    applies_to_shipping: bool = False


@dataclass(frozen=True)
class LinePrice:
    variant_id: int
    shop_id: int
    quantity: int
    unit_price: Decimal  # before item discounts (flash/tier/base, averaged if flash is partial)
    subtotal: Decimal  # unit prices x quantity
    discount: Decimal  # item promotions on this line
    total: Decimal
    flash_sale_id: int | None = None
    flash_units: int = 0
    explanations: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShopPrice:
    shop_id: int
    items_subtotal: Decimal  # sum of line subtotals
    item_discount: Decimal  # sum of line discounts
    shop_discount: Decimal  # shop 滿減 + shop coupon
    platform_discount: Decimal  # this shop's share of platform discounts
    shipping: Decimal
    shipping_discount: Decimal
    total: Decimal
    discounts: tuple[Discount, ...] = ()  # everything recorded on this shop's order


@dataclass(frozen=True)
class Quote:
    currency: str
    lines: tuple[LinePrice, ...]
    shops: tuple[ShopPrice, ...]
    items_total: Decimal
    discount_total: Decimal  # item + shop + platform + shipping discounts
    shipping_total: Decimal  # before shipping discounts
    total: Decimal
    platform_discounts: tuple[Discount, ...] = ()  # before allocation, for display
    applied_coupon_ids: tuple[int, ...] = ()
    explanations: tuple[str, ...] = ()
    unusable_coupons: tuple[tuple[str, str], ...] = field(default=())  # (code, why)


def price_cart(
    *,
    lines: list[LineInput] | tuple[LineInput, ...],
    buyer: Buyer,
    now: datetime,
    promotions: list[PromotionRule] | tuple[PromotionRule, ...] = (),
    coupons: list[CouponRule] | tuple[CouponRule, ...] = (),
    shipping: dict[int, Decimal] | None = None,
    currency: str,
) -> Quote:
    """Every price, discount and total of these lines for this buyer at this moment."""
    raise NotImplementedError
