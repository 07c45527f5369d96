"""The engine's inputs and outputs: plain frozen values, no database (``orders.pricing``)."""

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
    funded_by: str = ""  # orders.models.FundedBy values; empty: whoever owns the rule
    platform_share_percent: Decimal = Decimal("0")

    def __post_init__(self) -> None:
        object.__setattr__(self, "funded_by", self.funded_by or _owner(self.shop_id))


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
    funded_by: str = ""  # empty: whoever owns the coupon
    platform_share_percent: Decimal = Decimal("0")
    is_typed: bool = False  # typed at checkout: if it cannot be used, the buyer is told why

    def __post_init__(self) -> None:
        object.__setattr__(self, "funded_by", self.funded_by or _owner(self.shop_id))


def _owner(shop_id: int | None) -> str:
    return "shop" if shop_id is not None else "platform"


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
