"""The cart quote: what stops each line (stock, minimum order quantity, off sale, shop not open),
the flash-sale units a buyer may still have (counting what they already hold), typed coupon codes
that cannot be used and why, claimed coupons applied when they are the best choice, delivery
chosen per shop, totals equal to the engine's for the same inputs, and a query count that does
not grow with the cart."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import ProductStatus
from catalog.services.inventory import take_stock
from marketplace.sellers.models import ShopStatus
from orders.models import (
    CouponClaim,
    CouponKind,
    FlashSaleAllocation,
    PromotionKind,
    ShippingRate,
)
from orders.pricing import Buyer, CouponRule, FlashOffer, LineInput, PromotionRule, price_cart
from orders.services.quotes import member_level_of, quote_lines
from tests.accounts.factories import UserFactory
from tests.catalog.factories import (
    AttributeOptionFactory,
    CategoryFactory,
    PriceTierFactory,
    ProductFactory,
    VariantFactory,
)
from tests.sellers.factories import ShopFactory

from .factories import (
    CouponFactory,
    FlashSaleFactory,
    PromotionFactory,
    placed_order,
    spend_threshold_promotion,
)
from .lifecycle_support import hold_flash_units, use_coupon

pytestmark = pytest.mark.django_db

D = Decimal
DEFAULT_SHIPPING = D("5.00")


def sku(*, price="10.00", stock=50, shop=None, **product):
    """A variant on sale (of a new product of ``shop``, or of a new shop)."""
    if shop is not None:
        product["shop"] = shop
    return VariantFactory(product=ProductFactory(**product), price=D(price), stock=stock)


def only_line(quote):
    (line,) = quote.lines
    return line


def claimed(coupon, user):
    return CouponClaim.objects.create(coupon=coupon, user=user)


# --- member_level_of ----------------------------------------------------------------------------


def test_a_guest_or_nobody_has_no_member_level():
    assert member_level_of(None) == ""
    assert member_level_of(AnonymousUser()) == ""


def test_a_shopper_has_the_level_they_carry(user):
    assert member_level_of(user) == ""  # accounts brings no level yet
    user.member_level = "gold"
    assert member_level_of(user) == "gold"
    user.member_level = None
    assert member_level_of(user) == ""


def test_a_member_price_applies_to_the_buyer_of_that_level_only(user, other_user):
    variant = sku(price="100.00")
    PromotionFactory(
        shop=variant.product.shop,
        kind=PromotionKind.MEMBER_PRICE,
        percent=D("20"),
        member_level="gold",
    )
    user.member_level = "gold"

    gold = only_line(quote_lines(pairs=[(variant.pk, 1)], user=user))
    plain = only_line(quote_lines(pairs=[(variant.pk, 1)], user=other_user))

    assert (gold.price.discount, gold.price.total) == (D("20.00"), D("80.00"))
    assert (plain.price.discount, plain.price.total) == (D("0.00"), D("100.00"))


# --- What stops a line --------------------------------------------------------------------------


def test_lines_on_sale_and_in_stock_have_no_problems(user):
    mug, tea = sku(price="12.00", stock=5), sku(price="3.50", stock=10)

    quote = quote_lines(pairs=[(mug.pk, 5), (tea.pk, 2)], user=user)

    assert [line.problems for line in quote.lines] == [[], []]
    assert quote.problems == [] and quote.has_problems is False
    assert quote.quote.items_total == D("67.00")
    assert quote.quote.total == D("67.00") + 2 * DEFAULT_SHIPPING  # two shops, two deliveries


@pytest.mark.parametrize(
    ("stock", "quantity", "problem"),
    [
        (0, 1, "Sold out."),
        (1, 2, "Only 1 unit left."),
        (3, 4, "Only 3 units left."),
    ],
)
def test_a_line_beyond_the_stock_says_so(user, stock, quantity, problem):
    variant = sku(stock=stock)

    quote = quote_lines(pairs=[(variant.pk, quantity)], user=user)

    assert only_line(quote).problems == [problem]
    assert quote.has_problems is True


def test_stock_taken_since_adding_counts(user):
    variant = sku(stock=4)
    take_stock(variant=variant, quantity=3, reference="another order")

    quote = quote_lines(pairs=[(variant.pk, 2)], user=user)

    assert only_line(quote).problems == ["Only 1 unit left."]


def test_below_the_minimum_order_quantity_is_a_problem(user):
    variant = sku(stock=100, min_order_quantity=10)

    below = quote_lines(pairs=[(variant.pk, 9)], user=user)
    enough = quote_lines(pairs=[(variant.pk, 10)], user=user)

    assert only_line(below).problems == ["Sold in quantities of at least 10 units."]
    assert only_line(enough).problems == []


def test_a_line_can_have_several_problems(user):
    variant = sku(stock=3, min_order_quantity=5)

    quote = quote_lines(pairs=[(variant.pk, 4)], user=user)

    assert only_line(quote).problems == [
        "Only 3 units left.",
        "Sold in quantities of at least 5 units.",
    ]


@pytest.mark.parametrize(
    "status", [ProductStatus.DELISTED, ProductStatus.REMOVED, ProductStatus.DRAFT]
)
def test_a_product_off_sale_is_a_problem_and_left_out_of_the_totals(user, status):
    gone = sku(price="40.00", status=status)
    kept = sku(price="10.00")

    quote = quote_lines(pairs=[(gone.pk, 1), (kept.pk, 1)], user=user)

    gone_line, kept_line = quote.lines
    assert gone_line.problems == ["No longer available."]
    assert kept_line.problems == []
    assert [price.variant_id for price in quote.quote.lines] == [kept.pk]
    assert quote.quote.items_total == D("10.00")
    assert quote.shops[0].price.total == D("0.00")  # the shop of the gone line pays nothing


def test_an_inactive_sku_is_no_longer_available(user):
    variant = sku()
    variant.is_active = False
    variant.save(update_fields=["is_active"])

    quote = quote_lines(pairs=[(variant.pk, 1)], user=user)

    assert only_line(quote).problems == ["No longer available."]
    assert quote.quote.lines == ()


@pytest.mark.parametrize(
    ("status", "until", "problem"),
    [
        (ShopStatus.CLOSED, None, "This shop is closed, so its products cannot be bought."),
        (ShopStatus.SUSPENDED, None, "This shop is suspended, so its products cannot be bought."),
        (ShopStatus.SUSPENDED, timedelta(days=3), "This shop is suspended until"),
    ],
)
def test_a_shop_that_is_not_open_stops_its_lines(user, status, until, problem):
    shop = ShopFactory(status=status, suspended_until=timezone.now() + until if until else None)
    variant = sku(shop=shop, price="25.00")
    other = sku(price="10.00")

    quote = quote_lines(pairs=[(variant.pk, 1), (other.pk, 1)], user=user)

    blocked, fine = quote.lines
    assert len(blocked.problems) == 1 and blocked.problems[0].startswith(problem)
    assert fine.problems == []
    assert quote.quote.items_total == D("10.00")
    assert quote.quote.total == D("10.00") + DEFAULT_SHIPPING  # no delivery for the closed shop


def test_a_suspension_that_has_run_out_stops_nothing(user):
    shop = ShopFactory(
        status=ShopStatus.SUSPENDED, suspended_until=timezone.now() - timedelta(minutes=1)
    )
    variant = sku(shop=shop)

    quote = quote_lines(pairs=[(variant.pk, 1)], user=user)

    assert only_line(quote).problems == []
    assert quote.quote.items_total == D("10.00")


def test_a_sku_that_no_longer_exists_is_left_out_with_a_cart_problem(user):
    variant = sku()
    gone = sku(stock=0)  # no stock movements, so it can be deleted
    gone_pk = gone.pk
    gone.delete()

    quote = quote_lines(pairs=[(gone_pk, 1), (variant.pk, 1)], user=user)

    assert [line.variant.pk for line in quote.lines] == [variant.pk]
    assert quote.problems == ["An item in your cart no longer exists; it has been left out."]
    assert quote.has_problems is True


def test_a_line_in_another_currency_is_a_problem(user):
    euro = sku(currency="EUR")
    usd = sku()

    quote = quote_lines(pairs=[(euro.pk, 1), (usd.pk, 1)], user=user)

    odd, fine = quote.lines
    assert odd.problems and "buy it separately" in odd.problems[0]
    assert fine.problems == []
    assert quote.quote.items_total == D("10.00")


# --- Flash sales --------------------------------------------------------------------------------


def hold(user, sale, units):
    FlashSaleAllocation.objects.create(flash_sale=sale, user=user, quantity=units)


def test_a_buyer_gets_the_flash_price_up_to_the_per_shopper_limit(user):
    sale = FlashSaleFactory(price=D("5.00"), per_user_limit=2, variant=sku(price="10.00"))

    line = only_line(quote_lines(pairs=[(sale.variant_id, 3)], user=user))

    assert (line.price.flash_sale_id, line.price.flash_units) == (sale.pk, 2)
    assert line.price.subtotal == D("20.00")  # 2 x 5.00 + 1 x 10.00
    assert line.notes == [
        "The flash price applies to 2 units per shopper; the rest at the normal price."
    ]
    assert line.problems == []


def test_units_the_buyer_already_holds_count_against_the_limit(user, other_user):
    sale = FlashSaleFactory(price=D("5.00"), per_user_limit=2, variant=sku(price="10.00"))
    hold(user, sale, 1)

    mine = only_line(quote_lines(pairs=[(sale.variant_id, 2)], user=user))
    theirs = only_line(quote_lines(pairs=[(sale.variant_id, 2)], user=other_user))

    assert (mine.price.flash_units, mine.price.subtotal) == (1, D("15.00"))
    assert mine.notes == [
        "The flash price applies to 2 units per shopper; the rest at the normal price."
    ]
    assert (theirs.price.flash_units, theirs.price.subtotal) == (2, D("10.00"))
    assert theirs.notes == []


def test_a_buyer_at_the_limit_pays_the_normal_price(user):
    sale = FlashSaleFactory(price=D("5.00"), per_user_limit=2, variant=sku(price="10.00"))
    hold(user, sale, 2)

    line = only_line(quote_lines(pairs=[(sale.variant_id, 1)], user=user))

    assert line.price.flash_units == 0
    assert line.price.subtotal == D("10.00")
    assert line.notes == [
        "The flash price applies to 2 units per shopper; the rest at the normal price."
    ]


def test_a_placed_order_holding_flash_units_counts_for_the_next_quote(user):
    """The allocation checkout writes (here as the life-cycle tests write it) is what counts."""
    sale = FlashSaleFactory(price=D("5.00"), per_user_limit=1, variant=sku(price="10.00"))
    order = placed_order(buyer=user, variant=sale.variant, quantity=1)
    hold_flash_units(order, sale, 1)

    line = only_line(quote_lines(pairs=[(sale.variant_id, 1)], user=user))

    assert line.price.flash_units == 0
    assert line.price.subtotal == D("10.00")


def test_only_the_units_left_get_the_flash_price(user):
    sale = FlashSaleFactory(
        price=D("5.00"), quantity=10, quantity_left=1, per_user_limit=5, variant=sku()
    )

    line = only_line(quote_lines(pairs=[(sale.variant_id, 3)], user=user))

    assert line.price.flash_units == 1
    assert line.notes == ["Only 1 unit is left at the flash price; the rest at the normal price."]


def test_a_guest_gets_the_flash_price_up_to_the_limit():
    sale = FlashSaleFactory(price=D("5.00"), per_user_limit=2, variant=sku(price="10.00"))

    line = only_line(quote_lines(pairs=[(sale.variant_id, 2)], user=AnonymousUser()))

    assert line.price.flash_units == 2


@pytest.mark.parametrize(
    "changes",
    [
        {"is_active": False},
        {"starts_at": timedelta(hours=1), "ends_at": timedelta(hours=2)},
        {"starts_at": timedelta(hours=-2), "ends_at": timedelta(hours=-1)},
        {"quantity_left": 0},
    ],
    ids=["ended-early", "not-started", "over", "sold-out"],
)
def test_a_flash_sale_not_on_now_gives_nothing(user, changes):
    now = timezone.now()
    changes = {k: now + v if isinstance(v, timedelta) else v for k, v in changes.items()}
    sale = FlashSaleFactory(price=D("5.00"), variant=sku(price="10.00"), **changes)

    line = only_line(quote_lines(pairs=[(sale.variant_id, 1)], user=user))

    assert (line.price.flash_sale_id, line.price.subtotal) == (None, D("10.00"))
    assert line.notes == []


# --- Coupons ------------------------------------------------------------------------------------


def test_unusable_typed_codes_are_listed_with_the_reason(user):
    variant = sku(price="30.00")
    shop = variant.product.shop
    now = timezone.now()
    CouponFactory(
        shop=shop,
        code="EXPIRED",
        ends_at=now - timedelta(hours=1),
        starts_at=now - timedelta(days=2),
    )
    CouponFactory(shop=shop, code="ENDED", is_active=False)
    CouponFactory(shop=shop, code="LATER", starts_at=now + timedelta(days=1))
    CouponFactory(shop=shop, code="GONE", total_limit=3, used_count=3)
    CouponFactory(shop=shop, code="BIGSPEND", min_spend=D("100"))
    CouponFactory(shop=shop, code="EUROS", currency="EUR")
    CouponFactory(code="ELSEWHERE")  # another shop's

    quote = quote_lines(
        pairs=[(variant.pk, 1)],
        user=user,
        coupon_codes=[
            "expired",
            "ENDED",
            "later",
            "gone",
            "bigspend",
            "euros",
            "elsewhere",
            "nope",
            " ",
        ],
    )

    assert dict(quote.unusable_coupons) == {
        "EXPIRED": "This coupon has expired.",
        "ENDED": "This coupon has expired.",
        "LATER": "This coupon is not valid yet.",
        "GONE": "This coupon has been used up.",
        "EUROS": "This coupon is for another currency.",
        "NOPE": "There is no coupon with this code.",
        "ELSEWHERE": "Nothing in your cart is from the shop of this coupon.",
        "BIGSPEND": "Spend at least US$100.00 on the items it covers to use it (so far US$30.00).",
    }
    assert quote.quote.applied_coupon_ids == ()
    assert quote.quote.total == D("30.00") + DEFAULT_SHIPPING


def test_typed_codes_are_answered_even_when_nothing_in_the_cart_can_be_bought(user):
    gone = sku(status=ProductStatus.DELISTED)
    coupon = CouponFactory(shop=gone.product.shop, code="SHOP-5")

    quote = quote_lines(pairs=[(gone.pk, 1)], user=user, coupon_codes=["nope", "shop-5"])

    assert dict(quote.unusable_coupons) == {
        "NOPE": "There is no coupon with this code.",
        "SHOP-5": "Nothing in your cart is from the shop of this coupon.",
    }
    assert coupon.pk not in quote.quote.applied_coupon_ids


def test_a_coupon_the_buyer_has_used_up_is_unusable_until_the_use_is_released(user):
    variant = sku(price="30.00")
    coupon = CouponFactory(shop=variant.product.shop, code="ONCE", per_user_limit=1)
    use = use_coupon(placed_order(buyer=user).group, coupon)
    coupon.used_count = 0  # only the buyer's own uses matter here
    coupon.save(update_fields=["used_count"])

    used = quote_lines(pairs=[(variant.pk, 1)], user=user, coupon_codes=["once"])
    use.released_at = timezone.now()
    use.save(update_fields=["released_at"])
    released = quote_lines(pairs=[(variant.pk, 1)], user=user, coupon_codes=["once"])

    assert used.unusable_coupons == [
        ("ONCE", "You have already used this coupon as many times as it allows.")
    ]
    assert released.unusable_coupons == []
    assert released.quote.applied_coupon_ids == (coupon.pk,)


def test_a_typed_code_in_any_case_applies(user):
    variant = sku(price="30.00")
    coupon = CouponFactory(shop=variant.product.shop, code="SPRING-5", is_public=False)

    quote = quote_lines(pairs=[(variant.pk, 1)], user=user, coupon_codes=[" spring-5 "])

    assert quote.unusable_coupons == []
    assert quote.quote.applied_coupon_ids == (coupon.pk,)
    assert quote.quote.total == D("25.00") + DEFAULT_SHIPPING


def test_a_claimed_coupon_applies_by_itself(user):
    variant = sku(price="30.00")
    coupon = CouponFactory(shop=variant.product.shop, amount=D("5.00"))
    claimed(coupon, user)

    quote = quote_lines(pairs=[(variant.pk, 1)], user=user)

    assert quote.quote.applied_coupon_ids == (coupon.pk,)
    assert quote.shops[0].price.shop_discount == D("5.00")
    assert quote.quote.total == D("25.00") + DEFAULT_SHIPPING


def test_the_best_claimed_coupon_is_picked_and_the_others_stay_quietly(user):
    variant = sku(price="100.00")
    shop = variant.product.shop
    small = CouponFactory(shop=shop, amount=D("5.00"))
    big = CouponFactory(shop=shop, kind=CouponKind.PERCENT_OFF, amount=None, percent=D("20"))
    unreachable = CouponFactory(shop=shop, amount=D("50.00"), min_spend=D("500"))
    for coupon in (small, big, unreachable):
        claimed(coupon, user)

    quote = quote_lines(pairs=[(variant.pk, 1)], user=user)

    assert quote.quote.applied_coupon_ids == (big.pk,)
    assert quote.shops[0].price.shop_discount == D("20.00")
    assert quote.unusable_coupons == []  # claimed coupons left out are not complaints


def test_claimed_coupons_of_others_or_not_running_do_not_apply(user, other_user):
    variant = sku(price="30.00")
    shop = variant.product.shop
    claimed(CouponFactory(shop=shop), other_user)
    claimed(CouponFactory(shop=shop, is_active=False), user)
    claimed(CouponFactory(shop=shop, starts_at=timezone.now() + timedelta(days=1)), user)

    quote = quote_lines(pairs=[(variant.pk, 1)], user=user)

    assert quote.quote.applied_coupon_ids == ()
    assert quote.unusable_coupons == []


def test_a_guest_has_no_wallet_but_may_type_a_code():
    variant = sku(price="30.00")
    coupon = CouponFactory(shop=variant.product.shop)
    claimed(coupon, UserFactory())

    guest = quote_lines(pairs=[(variant.pk, 1)], user=AnonymousUser())
    typed = quote_lines(pairs=[(variant.pk, 1)], user=None, coupon_codes=[coupon.code])

    assert guest.quote.applied_coupon_ids == ()
    assert typed.quote.applied_coupon_ids == (coupon.pk,)


# --- Delivery -----------------------------------------------------------------------------------


def test_delivery_is_chosen_per_shop(user):
    fast = sku(price="100.00")
    ShippingRate.objects.create(
        shop=fast.product.shop, flat_rate=D("6.00"), express_rate=D("15.00")
    )
    plain = sku(price="20.00")

    quote = quote_lines(
        pairs=[(fast.pk, 1), (plain.pk, 1)],
        user=user,
        delivery={fast.product.shop_id: "express", plain.product.shop_id: "express"},
    )

    fast_shop, plain_shop = quote.shops
    assert [option.code for option in fast_shop.delivery_options] == ["standard", "express"]
    assert (fast_shop.delivery.code, fast_shop.price.shipping) == ("express", D("15.00"))
    # a shop without express falls back to its first option
    assert [option.code for option in plain_shop.delivery_options] == ["standard"]
    assert (plain_shop.delivery.code, plain_shop.price.shipping) == ("standard", DEFAULT_SHIPPING)
    assert quote.quote.shipping_total == D("15.00") + DEFAULT_SHIPPING
    assert quote.quote.total == D("120.00") + D("15.00") + DEFAULT_SHIPPING


def test_without_a_choice_the_cheapest_delivery_is_used(user):
    variant = sku()
    ShippingRate.objects.create(
        shop=variant.product.shop, flat_rate=D("6.00"), express_rate=D("15.00")
    )

    quote = quote_lines(pairs=[(variant.pk, 1)], user=user)

    assert quote.shops[0].delivery.code == "standard"
    assert quote.quote.shipping_total == D("6.00")


def test_free_shipping_takes_off_the_chosen_delivery(user):
    variant = sku(price="100.00")
    shop = variant.product.shop
    ShippingRate.objects.create(shop=shop, flat_rate=D("6.00"), express_rate=D("15.00"))
    PromotionFactory(shop=shop, kind=PromotionKind.FREE_SHIPPING, percent=None, threshold=D("50"))

    quote = quote_lines(pairs=[(variant.pk, 1)], user=user, delivery={shop.pk: "express"})

    price = quote.shops[0].price
    assert (price.shipping, price.shipping_discount, price.total) == (
        D("15.00"),
        D("15.00"),
        D("100.00"),
    )


# --- The same totals as the engine --------------------------------------------------------------


def test_the_quote_is_the_engines_price_of_the_same_inputs(user):
    now = timezone.now()
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent)
    mug = sku(price="120.00", stock=30, category=child)
    shop = mug.product.shop
    type(shop).objects.filter(pk=shop.pk).update(kind="b2b")  # only wholesalers have tiers
    tiered = sku(price="20.00", stock=100, shop=shop, category=parent)
    PriceTierFactory(variant=tiered, min_quantity=10, unit_price=D("15.00"))
    flash = FlashSaleFactory(price=D("50.00"), per_user_limit=1, variant=sku(price="80.00"))
    other_shop = flash.shop
    ShippingRate.objects.create(shop=other_shop, flat_rate=D("7.00"), express_rate=D("12.00"))

    percent = PromotionFactory(shop=shop, percent=D("10"), scope="categories")
    percent.categories.set([parent])
    tiers = spend_threshold_promotion(shop=shop, tiers=((200, 20), (400, 50)))
    platform = spend_threshold_promotion(shop=None, tiers=((300, 15),))
    coupon = CouponFactory(shop=other_shop, amount=D("8.00"))
    claimed(coupon, user)

    quote = quote_lines(
        pairs=[(mug.pk, 2), (tiered.pk, 10), (flash.variant_id, 2)],
        user=user,
        now=now,
        delivery={other_shop.pk: "express"},
    )

    def rule(promotion, **fields):
        return PromotionRule(
            id=promotion.pk,
            shop_id=promotion.shop_id,
            name=promotion.name,
            kind=promotion.kind,
            scope=promotion.scope,
            funded_by=promotion.funded_by,
            **fields,
        )

    expected = price_cart(
        lines=[
            LineInput(mug.pk, mug.product_id, shop.pk, (child.pk, parent.pk), 2, D("120.00")),
            LineInput(
                tiered.pk,
                tiered.product_id,
                shop.pk,
                (parent.pk,),
                10,
                D("20.00"),
                tiers=((10, D("15.00")),),
            ),
            LineInput(
                flash.variant_id,
                flash.variant.product_id,
                other_shop.pk,
                (flash.variant.product.category_id,),
                2,
                D("80.00"),
                flash=FlashOffer(flash.pk, D("50.00"), 1, flash.ends_at),
            ),
        ],
        buyer=Buyer(user_id=user.pk),
        now=now,
        promotions=[
            rule(percent, category_ids=frozenset({parent.pk}), percent=D("10.00")),
            rule(tiers, tiers=((D("200.00"), D("20.00")), (D("400.00"), D("50.00")))),
            rule(platform, tiers=((D("300.00"), D("15.00")),)),
        ],
        coupons=[
            CouponRule(
                id=coupon.pk,
                shop_id=other_shop.pk,
                name=coupon.name,
                code=coupon.code,
                kind=coupon.kind,
                scope=coupon.scope,
                amount=D("8.00"),
                min_spend=D("0.00"),
                funded_by=coupon.funded_by,
            )
        ],
        shipping={shop.pk: DEFAULT_SHIPPING, other_shop.pk: D("12.00")},
        currency="USD",
    )
    assert quote.quote == expected
    # and the engine did apply every kind of offer in play
    assert expected.applied_coupon_ids == (coupon.pk,)
    assert sum(line.discount for line in expected.lines) > 0
    assert expected.platform_discounts
    assert [line.price for line in quote.lines] == list(expected.lines)
    assert [shop.price for shop in quote.shops] == list(expected.shops)


# --- Queries ------------------------------------------------------------------------------------


def cart_of(shops: int, lines_per_shop: int, user):
    """Lines across ``shops`` shops with everything a quote loads: tiers, images' products,
    options, categories three deep, promotions, coupons claimed and typed, flash sales held,
    delivery rates (every other shop), one off-sale line per shop."""
    pairs, codes = [], []
    top = CategoryFactory()
    middle = CategoryFactory(parent=top)
    for n in range(shops):
        shop = ShopFactory()
        if n % 2:
            ShippingRate.objects.create(shop=shop, flat_rate=D("4"), express_rate=D("9"))
        spend_threshold_promotion(shop=shop, tiers=((50, 5),))
        promotion = PromotionFactory(shop=shop, scope="categories")
        promotion.categories.set([top])
        claimed(CouponFactory(shop=shop), user)
        codes.append(CouponFactory(shop=shop, is_public=False).code)
        for m in range(lines_per_shop):
            variant = sku(shop=shop, category=CategoryFactory(parent=middle), stock=50)
            PriceTierFactory(variant=variant)
            variant.options.add(AttributeOptionFactory())
            sale = FlashSaleFactory(variant=variant, per_user_limit=2)
            FlashSaleAllocation.objects.create(flash_sale=sale, user=user, quantity=1)
            pairs.append((variant.pk, 2 + m))
        pairs.append((sku(shop=shop, status=ProductStatus.DELISTED).pk, 1))
    spend_threshold_promotion(shop=None, tiers=((100, 10),))
    claimed(CouponFactory(shop=None), user)
    codes.append("NO-SUCH-CODE")
    return pairs, codes


def queries_of(pairs, codes, user) -> int:
    with CaptureQueriesContext(connection) as context:
        quote_lines(pairs=pairs, user=user, coupon_codes=codes)
    return len(context.captured_queries)


def test_the_query_count_does_not_grow_with_lines_or_shops(user):
    small = cart_of(1, 1, user)
    large = cart_of(4, 3, user)

    count = queries_of(*small, user)
    assert 0 < count == queries_of(*large, user)


def test_a_quote_takes_a_fixed_handful_of_queries(user, django_assert_max_num_queries):
    pairs, codes = cart_of(3, 2, user)

    with django_assert_max_num_queries(12):
        quote = quote_lines(pairs=pairs, user=user, coupon_codes=codes)

    # templates read these afterwards: they must already be loaded
    with django_assert_max_num_queries(0):
        for line in quote.lines:
            _ = [line.variant.product.shop.name, line.variant.product.category.parent]
            _ = list(line.variant.options.all())
            _ = list(line.variant.product.images.all())


def test_a_claimed_coupon_stays_usable_after_the_shop_hides_it(user):
    variant = VariantFactory(price=D("50.00"), stock=5)
    coupon = CouponFactory(shop=variant.product.shop, amount=D("5.00"), min_spend=D("0"))
    claimed(coupon, user)
    coupon.is_public = False  # the shop stops showing it
    coupon.save()

    quote = quote_lines(pairs=[(variant.pk, 1)], user=user)

    assert [d.coupon_id for d in quote.shops[0].price.discounts] == [coupon.pk]


def test_price_tiers_are_read_for_wholesale_shops_only(user):
    retail = sku(price="20.00", stock=100)
    wholesale = sku(price="20.00", stock=100)
    type(wholesale.product.shop).objects.filter(pk=wholesale.product.shop_id).update(kind="b2b")
    for variant in (retail, wholesale):
        PriceTierFactory(variant=variant, min_quantity=10, unit_price=D("15.00"))
    quote = quote_lines(pairs=[(retail.pk, 10), (wholesale.pk, 10)], user=user)
    prices = {line.variant.pk: line.price.unit_price for line in quote.lines}
    # A tier left on a shop that is no longer wholesale does not apply (catalog refuses new ones).
    assert prices == {retail.pk: D("20.00"), wholesale.pk: D("15.00")}
