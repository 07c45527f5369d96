"""Demo offers: delivery prices (one shop with express delivery), promotions of every kind on the
demo shops (percentage off, amount off, 滿減 tiers, free shipping over an amount, buy 2 get 1, a
member price), a platform 跨店滿減 shared with the shops, shop coupons (amount off, percentage
off with a cap, public ones to claim, one by code only), platform coupons (WELCOME10 by code,
one to claim), flash sales running now and one scheduled.

Everything goes through ``orders.services`` as the shop's owner (staff for the platform's), so
the offers pass the merchants' own checks. Idempotent: an offer is made only when none of that
name (coupons: code) exists, and a delivery price only when the shop has none - a merchant's
changes stay. Flash sales are the exception: a demo flash sale is made again once the last one
has ended, so the demo always has one running and one to come.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from marketplace.accounts.models import User

from ..errors import PromotionError
from ..models import (
    Coupon,
    CouponKind,
    FlashSale,
    FundedBy,
    Promotion,
    PromotionKind,
    Scope,
    ShippingRate,
)
from ..services.coupons import CouponTerms, create_coupon
from ..services.flash_sales import create_flash_sale
from ..services.promotions import (
    ENDED,
    RUNNING,
    SCHEDULED,
    PromotionTerms,
    create_promotion,
    set_shipping_rate,
    status_of,
)
from .shops import (
    BEAUTY,
    ELECTRONICS,
    HANDMADE,
    OUTFITTERS,
    STAFF,
    WHOLESALE,
    DemoShop,
    demo_shops,
    pick,
    stocked_variants,
)

OFFER_DAYS = 365  # promotions and coupons stay on for a year of demos
FLASH_DAYS = 7  # a flash sale started by the seed runs for a week
FLASH_DISCOUNT = Decimal("0.7")  # flash price: 30 % off

# Owner -> standard delivery price, express price (None: no express delivery).
SHIPPING_RATES: dict[str, tuple[Decimal, Decimal | None]] = {
    OUTFITTERS: (Decimal("60"), Decimal("150")),
    HANDMADE: (Decimal("80"), None),
    WHOLESALE: (Decimal("300"), None),
    BEAUTY: (Decimal("60"), Decimal("120")),
    ELECTRONICS: (Decimal("0"), Decimal("100")),
}

# Names the demo looks its offers up by (the shopping demo and the tests use them too).
BUY_TWO_GET_ONE = "Buy 2, get 1 free"
PLATFORM_SPEND_THRESHOLD = "跨店滿減：滿1000減100，滿2000減250"


@dataclass(frozen=True)
class DemoFlashSale:
    owner: str
    name: str
    variant_index: int  # which of the shop's demo SKUs (see ``shops.stocked_variants``)
    status: str  # RUNNING: from now for FLASH_DAYS; SCHEDULED: from in two days, for one day
    quantity: int
    per_user_limit: int


FLASH_SALES = [
    DemoFlashSale(OUTFITTERS, "Sneaker flash sale", 1, RUNNING, 20, 2),
    DemoFlashSale(BEAUTY, "Serum flash sale", 1, RUNNING, 10, 1),
    DemoFlashSale(OUTFITTERS, "Polo shirt flash sale", 2, SCHEDULED, 15, 2),
]

# Codes of the demo coupons.
OUTFIT50, OUTFIT10, OUTFITVIP = "OUTFIT50", "OUTFIT10", "OUTFITVIP"
LIN30, MALL100, WELCOME10 = "LIN30", "MALL100", "WELCOME10"
CLAIMED_BY_SHOPPER = (OUTFIT50, OUTFIT10, LIN30, MALL100)


def run(*, log: Callable[[str], None]) -> None:
    shops = demo_shops()
    staff = User.objects.filter(email=STAFF, is_staff=True, is_active=True).first()
    if OUTFITTERS not in shops or staff is None:
        log("orders: no demo merchant or staff user yet, no demo offers")
        return
    now = timezone.now()
    rates = _shipping_rates(shops)
    promotions = _promotions(shops, staff=staff, now=now, log=log)
    coupons = _coupons(shops, staff=staff, now=now, log=log)
    flash_sales = _flash_sales(shops, now=now, log=log)
    log(
        f"orders: {rates} delivery prices, {promotions} promotions, {coupons} coupons, "
        f"{flash_sales} flash sales added"
    )


def _shipping_rates(shops: dict[str, DemoShop]) -> int:
    added = 0
    for owner, (flat_rate, express_rate) in SHIPPING_RATES.items():
        demo = shops.get(owner)
        if demo is None or ShippingRate.objects.filter(shop=demo.shop).exists():
            continue
        set_shipping_rate(
            shop=demo.shop, flat_rate=flat_rate, express_rate=express_rate, by=demo.owner
        )
        added += 1
    return added


def _promotions(
    shops: dict[str, DemoShop], *, staff: User, now: datetime, log: Callable[[str], None]
) -> int:
    start, end = now - timedelta(days=1), now + timedelta(days=OFFER_DAYS)
    outfitters = shops[OUTFITTERS]
    tee = pick(stocked_variants(outfitters.shop, count=1), 0)
    wanted: list[tuple[DemoShop | None, PromotionTerms]] = [
        (
            outfitters,
            PromotionTerms(
                name="滿300減30，滿500減60",
                kind=PromotionKind.SPEND_THRESHOLD,
                tiers=[(Decimal("300"), Decimal("30")), (Decimal("500"), Decimal("60"))],
                starts_at=start,
                ends_at=end,
            ),
        ),
        (
            outfitters,
            PromotionTerms(
                name="Free shipping over 1,500",
                kind=PromotionKind.FREE_SHIPPING,
                threshold=Decimal("1500"),
                starts_at=start,
                ends_at=end,
            ),
        ),
        (
            outfitters,
            PromotionTerms(
                name=BUY_TWO_GET_ONE,
                kind=PromotionKind.BUY_N_GET_M,
                scope=Scope.PRODUCTS,
                products=[tee.product] if tee else [],
                buy_quantity=2,
                free_quantity=1,
                starts_at=start,
                ends_at=end,
            ),
        ),
        (
            outfitters,
            PromotionTerms(
                name="Gold member price: 15% off",
                kind=PromotionKind.MEMBER_PRICE,
                percent=Decimal("15"),
                member_level="gold",
                starts_at=start,
                ends_at=end,
            ),
        ),
        (
            shops.get(HANDMADE),
            PromotionTerms(
                name="Handmade week: 10% off everything",
                kind=PromotionKind.PERCENT_OFF,
                percent=Decimal("10"),
                starts_at=start,
                ends_at=end,
            ),
        ),
        (
            shops.get(BEAUTY),
            PromotionTerms(
                name="50 off every item",
                kind=PromotionKind.AMOUNT_OFF,
                amount=Decimal("50"),
                starts_at=start,
                ends_at=end,
            ),
        ),
        (
            # The platform's, across shops (跨店滿減), its cost shared with the shops.
            None,
            PromotionTerms(
                name=PLATFORM_SPEND_THRESHOLD,
                kind=PromotionKind.SPEND_THRESHOLD,
                tiers=[(Decimal("1000"), Decimal("100")), (Decimal("2000"), Decimal("250"))],
                funded_by=FundedBy.SHARED,
                platform_share_percent=Decimal("60"),
                starts_at=start,
                ends_at=end,
            ),
        ),
    ]
    added = 0
    for demo, terms in wanted:
        if demo is None and terms.name != PLATFORM_SPEND_THRESHOLD:
            continue  # that demo shop is missing
        shop = demo.shop if demo else None
        if Promotion.objects.filter(shop=shop, name=terms.name).exists():
            continue
        try:
            create_promotion(shop=shop, by=demo.owner if demo else staff, terms=terms)
        except PromotionError as error:
            log(f"orders: promotion {terms.name!r} not made: {error.message}")
            continue
        added += 1
    return added


def _coupons(
    shops: dict[str, DemoShop], *, staff: User, now: datetime, log: Callable[[str], None]
) -> int:
    start, end = now - timedelta(days=1), now + timedelta(days=OFFER_DAYS)
    wanted: Sequence[tuple[str | None, CouponTerms]] = [
        (
            OUTFITTERS,
            CouponTerms(
                name="50 off orders over 500",
                code=OUTFIT50,
                kind=CouponKind.AMOUNT_OFF,
                amount=Decimal("50"),
                min_spend=Decimal("500"),
                total_limit=1000,
                starts_at=start,
                ends_at=end,
            ),
        ),
        (
            OUTFITTERS,
            CouponTerms(
                name="10% off, up to 150",
                code=OUTFIT10,
                kind=CouponKind.PERCENT_OFF,
                percent=Decimal("10"),
                max_discount=Decimal("150"),
                min_spend=Decimal("300"),
                starts_at=start,
                ends_at=end,
            ),
        ),
        (
            OUTFITTERS,
            CouponTerms(
                name="VIP: 80 off orders over 300",
                code=OUTFITVIP,
                kind=CouponKind.AMOUNT_OFF,
                amount=Decimal("80"),
                min_spend=Decimal("300"),
                is_public=False,
                starts_at=start,
                ends_at=end,
            ),
        ),
        (
            HANDMADE,
            CouponTerms(
                name="30 off orders over 300",
                code=LIN30,
                kind=CouponKind.AMOUNT_OFF,
                amount=Decimal("30"),
                min_spend=Decimal("300"),
                starts_at=start,
                ends_at=end,
            ),
        ),
        (
            None,
            CouponTerms(
                name="Welcome: 10% off your order, up to 200",
                code=WELCOME10,
                kind=CouponKind.PERCENT_OFF,
                percent=Decimal("10"),
                max_discount=Decimal("200"),
                is_public=False,
                funded_by=FundedBy.PLATFORM,
                starts_at=start,
                ends_at=end,
            ),
        ),
        (
            None,
            CouponTerms(
                name="Marketplace coupon: 100 off orders over 2,000",
                code=MALL100,
                kind=CouponKind.AMOUNT_OFF,
                amount=Decimal("100"),
                min_spend=Decimal("2000"),
                total_limit=5000,
                funded_by=FundedBy.PLATFORM,
                starts_at=start,
                ends_at=end,
            ),
        ),
    ]
    added = 0
    for owner, terms in wanted:
        demo = shops.get(owner) if owner else None
        if owner and demo is None:
            continue
        if Coupon.objects.filter(code__iexact=terms.code).exists():
            continue
        try:
            create_coupon(
                shop=demo.shop if demo else None, by=demo.owner if demo else staff, terms=terms
            )
        except PromotionError as error:
            log(f"orders: coupon {terms.code} not made: {error.message}")
            continue
        added += 1
    return added


def _flash_sales(shops: dict[str, DemoShop], *, now: datetime, log: Callable[[str], None]) -> int:
    added = 0
    for sale in FLASH_SALES:
        demo = shops.get(sale.owner)
        if demo is None:
            continue
        existing = FlashSale.objects.filter(shop=demo.shop, name=sale.name)
        if any(status_of(old, now=now) != ENDED for old in existing):
            continue
        variant = pick(
            stocked_variants(demo.shop, count=sale.variant_index + 1), sale.variant_index
        )
        if variant is None:
            continue
        if sale.status == RUNNING:
            starts_at, ends_at = now, now + timedelta(days=FLASH_DAYS)
        else:
            starts_at = now + timedelta(days=2)
            ends_at = starts_at + timedelta(days=1)
        try:
            create_flash_sale(
                shop=demo.shop,
                variant=variant,
                price=(variant.price * FLASH_DISCOUNT).quantize(Decimal("1")),
                quantity=min(sale.quantity, variant.stock // 2),
                per_user_limit=sale.per_user_limit,
                starts_at=starts_at,
                ends_at=ends_at,
                by=demo.owner,
                name=sale.name,
            )
        except PromotionError as error:
            log(f"orders: flash sale {sale.name!r} not made: {error.message}")
            continue
        added += 1
    return added
