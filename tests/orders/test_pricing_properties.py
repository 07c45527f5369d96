"""Invariants of the promotions engine over generated carts and offers (hypothesis): a total is
never negative, a discount never exceeds what it discounts, the result is deterministic, and
every sum adds up to the cent."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.pricing import Buyer, CouponRule, FlashOffer, LineInput, PromotionRule, price_cart

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
SHOPS = (1, 2, 3)
CATEGORIES = (10, 11, 12)
PRODUCTS = (100, 101, 102, 103)

money = st.decimals(min_value=0, max_value=500, places=2)
positive = st.decimals(min_value=Decimal("0.01"), max_value=500, places=2)
percent = st.decimals(min_value=0, max_value=100, places=2)
owner = st.sampled_from((None, *SHOPS))
funding = st.sampled_from(("", "shop", "platform", "shared"))


@st.composite
def lines(draw):
    count = draw(st.integers(min_value=1, max_value=6))
    result = []
    for variant in range(1, count + 1):
        price = draw(money)
        flash = None
        if draw(st.booleans()):
            flash = FlashOffer(
                flash_sale_id=variant,
                price=draw(positive),
                units_for_buyer=draw(st.integers(0, 3)),
                ends_at=NOW + timedelta(hours=draw(st.integers(-1, 2))),
            )
        tiers = tuple(
            sorted(
                draw(
                    st.dictionaries(st.integers(2, 20), money, max_size=2),
                ).items()
            )
        )
        result.append(
            LineInput(
                variant_id=variant,
                product_id=draw(st.sampled_from(PRODUCTS)),
                shop_id=draw(st.sampled_from(SHOPS)),
                category_ids=tuple(draw(st.sets(st.sampled_from(CATEGORIES), max_size=2))),
                quantity=draw(st.integers(1, 12)),
                unit_price=price,
                tiers=tiers,
                flash=flash,
            )
        )
    return result


def scope(draw):
    kind = draw(st.sampled_from(("all", "categories", "products")))
    return {
        "scope": kind,
        "category_ids": frozenset(draw(st.sets(st.sampled_from(CATEGORIES), max_size=2))),
        "product_ids": frozenset(draw(st.sets(st.sampled_from(PRODUCTS), max_size=2))),
    }


@st.composite
def promotions(draw):
    result = []
    for id_ in range(1, draw(st.integers(0, 6)) + 1):
        kind = draw(
            st.sampled_from(
                (
                    "percent_off",
                    "amount_off",
                    "member_price",
                    "buy_n_get_m",
                    "spend_threshold",
                    "free_shipping",
                )
            )
        )
        tiers = tuple(
            sorted(
                (threshold, min(off, threshold - Decimal("0.01")))
                for threshold, off in draw(st.dictionaries(positive, positive, max_size=3)).items()
                if threshold > Decimal("0.01")
            )
        )
        result.append(
            PromotionRule(
                id=id_,
                shop_id=draw(owner),
                name=f"P{id_}",
                kind=kind,
                percent=draw(st.none() | percent),
                amount=draw(st.none() | money),
                tiers=tiers,
                is_repeating=draw(st.booleans()),
                threshold=draw(st.none() | money),
                buy_quantity=draw(st.integers(1, 3)),
                free_quantity=draw(st.integers(1, 2)),
                member_level=draw(st.sampled_from(("", "gold"))),
                funded_by=draw(funding),
                platform_share_percent=draw(percent),
                **scope(draw),
            )
        )
    return result


@st.composite
def coupons(draw):
    result = []
    for id_ in range(1, draw(st.integers(0, 5)) + 1):
        result.append(
            CouponRule(
                id=id_,
                shop_id=draw(owner),
                name=f"K{id_}",
                code=f"C{id_}",
                kind=draw(st.sampled_from(("amount_off", "percent_off"))),
                amount=draw(st.none() | money),
                percent=draw(st.none() | percent),
                max_discount=draw(st.none() | money),
                min_spend=draw(money),
                funded_by=draw(funding),
                platform_share_percent=draw(percent),
                is_typed=draw(st.booleans()),
                **scope(draw),
            )
        )
    return result


carts = st.fixed_dictionaries(
    {
        "lines": lines(),
        "promotions": promotions(),
        "coupons": coupons(),
        "shipping": st.dictionaries(st.sampled_from(SHOPS), money),
        "buyer": st.builds(Buyer, st.just(1), st.sampled_from(("", "gold", "silver"))),
    }
)
moderate = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def price(cart):
    return price_cart(now=NOW, currency="USD", **cart)


@moderate
@given(carts)
def test_no_total_is_negative_and_no_discount_exceeds_what_it_discounts(cart):
    quote = price(cart)
    assert quote.total >= 0
    for line in quote.lines:
        assert 0 <= line.discount <= line.subtotal
        assert line.total == line.subtotal - line.discount >= 0
        assert line.flash_units <= line.quantity
    for shop in quote.shops:
        after_items = shop.items_subtotal - shop.item_discount
        assert 0 <= shop.shop_discount + shop.platform_discount <= after_items
        assert 0 <= shop.shipping_discount <= shop.shipping
        assert shop.total >= 0
        for discount in shop.discounts:
            assert discount.amount > 0
            assert discount.shop_funded >= 0 and discount.platform_funded >= 0
            assert discount.shop_funded + discount.platform_funded == discount.amount
            assert discount.shop_id == shop.shop_id


@moderate
@given(carts)
def test_sums_are_exact_to_the_cent(cart):
    quote = price(cart)
    cent = Decimal("0.01")
    assert quote.total == sum(shop.total for shop in quote.shops)
    assert quote.items_total == sum(line.subtotal for line in quote.lines)
    assert quote.discount_total == quote.items_total + quote.shipping_total - quote.total
    for shop in quote.shops:
        mine = [line for line in quote.lines if line.shop_id == shop.shop_id]
        assert shop.items_subtotal == sum(line.subtotal for line in mine)
        assert shop.item_discount == sum(line.discount for line in mine)
        recorded = sum(d.amount for d in shop.discounts)
        assert recorded == (
            shop.item_discount
            + shop.shop_discount
            + shop.platform_discount
            + shop.shipping_discount
        )
        assert shop.total.quantize(cent) == shop.total
    for whole in quote.platform_discounts:
        parts = [
            d.amount
            for shop in quote.shops
            for d in shop.discounts
            if (d.promotion_id, d.coupon_id) == (whole.promotion_id, whole.coupon_id)
        ]
        assert sum(parts) == whole.amount
    assert sum(s.platform_discount for s in quote.shops) == sum(
        d.amount for d in quote.platform_discounts
    )
    assert len(quote.platform_discounts) <= 2
    assert len(quote.applied_coupon_ids) <= len({s.shop_id for s in quote.shops}) + 1


@moderate
@given(carts)
def test_at_most_one_offer_of_each_kind_per_shop_order(cart):
    quote = price(cart)
    kinds = {r.id: r.kind for r in cart["promotions"]}
    owners = {r.id: r.shop_id for r in cart["promotions"]}
    coupon_owner = {c.id: c.shop_id for c in cart["coupons"]}
    for shop in quote.shops:
        own = [d for d in shop.discounts if d.promotion_id and owners[d.promotion_id] is not None]
        thresholds = [d for d in own if kinds[d.promotion_id] == "spend_threshold"]
        shop_coupons = [d for d in shop.discounts if d.coupon_id and coupon_owner[d.coupon_id]]
        assert len(thresholds) <= 1
        assert len(shop_coupons) <= 1
        assert sum(1 for d in shop.discounts if d.applies_to_shipping) <= 1


@moderate
@given(carts)
def test_deterministic_whatever_the_order_of_the_offers(cart):
    first = price(cart)
    assert price(cart) == first
    shuffled = dict(
        cart, promotions=list(reversed(cart["promotions"])), coupons=list(reversed(cart["coupons"]))
    )
    assert price(shuffled) == first
