"""The promotions engine on plain values: every kind of offer, the stacking rules, the choice of
the best combination, who funds what, and how platform discounts are shared out to the cent."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from orders.pricing import (
    Buyer,
    CouponRule,
    FlashOffer,
    LineInput,
    PromotionRule,
    Quote,
    price_cart,
)

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
BUYER = Buyer(user_id=1)


def D(value) -> Decimal:
    return Decimal(str(value))


def line(variant=1, *, shop=1, price="100", quantity=1, product=None, categories=(10,), **kw):
    return LineInput(
        variant_id=variant,
        product_id=product or variant,
        shop_id=shop,
        category_ids=tuple(categories),
        quantity=quantity,
        unit_price=D(price),
        **kw,
    )


def promo(id=1, kind="percent_off", *, shop=1, scope="all", name=None, **kw):
    return PromotionRule(id=id, shop_id=shop, name=name or f"P{id}", kind=kind, scope=scope, **kw)


def spend(id=1, tiers=((300, 30),), *, shop=1, **kw):
    tiers = tuple((D(t), D(d)) for t, d in tiers)
    return promo(id, "spend_threshold", shop=shop, tiers=tiers, **kw)


def coupon(id=1, *, shop=1, amount="5", kind="amount_off", scope="all", **kw):
    kw.setdefault("code", f"C{id}")
    if kind == "amount_off":
        kw.setdefault("amount", D(amount))
    return CouponRule(id=id, shop_id=shop, name=f"K{id}", kind=kind, scope=scope, **kw)


def quote(lines, **kw) -> Quote:
    kw.setdefault("buyer", BUYER)
    kw.setdefault("now", NOW)
    kw.setdefault("currency", "USD")
    return price_cart(lines=lines, **kw)


def shop_of(result: Quote, shop_id: int):
    return next(shop for shop in result.shops if shop.shop_id == shop_id)


# --- Line prices -------------------------------------------------------------------------------


def test_plain_cart_is_prices_times_quantities_plus_delivery():
    result = quote(
        [line(1, price="12.50", quantity=2), line(2, shop=2, price="3")], shipping={1: D(5)}
    )
    assert [price.total for price in result.lines] == [D("25.00"), D("3.00")]
    assert result.items_total == D("28.00")
    assert result.shipping_total == D("5.00")
    assert result.total == D("33.00")
    assert result.discount_total == 0
    assert [shop.shop_id for shop in result.shops] == [1, 2]


def test_b2b_tier_price_follows_the_quantity():
    tiers = ((10, D("8")), (50, D("6")))
    assert quote([line(price="10", quantity=9, tiers=tiers)]).lines[0].unit_price == D("10.00")
    assert quote([line(price="10", quantity=10, tiers=tiers)]).lines[0].unit_price == D("8.00")
    result = quote([line(price="10", quantity=60, tiers=tiers)])
    assert result.lines[0].subtotal == D("360.00")
    assert "Volume price" in result.lines[0].explanations[0]


def test_flash_price_for_the_buyers_units_and_the_normal_price_for_the_rest():
    flash = FlashOffer(flash_sale_id=7, price=D("5"), units_for_buyer=1, ends_at=NOW + timedelta(1))
    result = quote([line(price="20", quantity=3, flash=flash)])
    price = result.lines[0]
    assert (price.flash_units, price.flash_sale_id) == (1, 7)
    assert price.subtotal == D("45.00")  # 5 + 2 x 20
    assert price.unit_price == D("15.00")  # averaged
    assert "Flash sale: 1 at US$5.00" in price.explanations[0]
    assert "2 more at the normal price" in price.explanations[1]


def test_flash_sale_is_ignored_when_over_or_used_up():
    over = FlashOffer(flash_sale_id=7, price=D("5"), units_for_buyer=1, ends_at=NOW)
    used_up = FlashOffer(
        flash_sale_id=8, price=D("5"), units_for_buyer=0, ends_at=NOW + timedelta(1)
    )
    for flash in (over, used_up):
        price = quote([line(price="20", flash=flash)]).lines[0]
        assert (price.flash_units, price.flash_sale_id, price.total) == (0, None, D("20.00"))


def test_flash_units_get_no_item_promotion():
    flash = FlashOffer(flash_sale_id=7, price=D("5"), units_for_buyer=2, ends_at=NOW + timedelta(1))
    result = quote([line(price="20", quantity=3, flash=flash)], promotions=[promo(percent=D(50))])
    assert result.lines[0].discount == D("10.00")  # half of the one normal unit only
    assert result.lines[0].total == D("20.00")


# --- Item promotions ---------------------------------------------------------------------------


def test_percent_off():
    result = quote([line(price="33.33", quantity=1)], promotions=[promo(percent=D("10"))])
    assert result.lines[0].discount == D("3.33")
    assert result.lines[0].explanations == ("P1: 10% off",)
    discount = result.shops[0].discounts[0]
    assert (discount.amount, discount.promotion_id, discount.funded_by) == (D("3.33"), 1, "shop")


def test_amount_off_each_item_is_capped_at_the_unit_price():
    result = quote(
        [line(price="3", quantity=2)], promotions=[promo(kind="amount_off", amount=D(5))]
    )
    assert result.lines[0].discount == D("6.00")
    assert result.lines[0].total == 0
    assert result.lines[0].explanations == ("P1: US$5.00 off each item",)


def test_member_price_only_for_the_members_level():
    rule = promo(kind="member_price", percent=D(20), member_level="gold")
    lines = [line(price="50")]
    assert quote(lines, promotions=[rule], buyer=Buyer(1, "gold")).lines[0].discount == D("10.00")
    assert quote(lines, promotions=[rule], buyer=Buyer(1, "silver")).lines[0].discount == 0
    assert quote(lines, promotions=[rule], buyer=Buyer(1)).lines[0].discount == 0
    any_level = promo(kind="member_price", percent=D(20))
    assert quote(lines, promotions=[any_level], buyer=Buyer(1, "silver")).lines[0].discount == D(10)


def test_buy_n_get_m_makes_m_units_free_for_every_full_group():
    rule = promo(kind="buy_n_get_m", buy_quantity=2, free_quantity=1)
    assert quote([line(price="10", quantity=2)], promotions=[rule]).lines[0].discount == 0
    assert quote([line(price="10", quantity=3)], promotions=[rule]).lines[0].discount == D(10)
    result = quote([line(price="10", quantity=7)], promotions=[rule])
    assert result.lines[0].discount == D("20.00")
    assert result.lines[0].explanations == ("P1: buy 2, get 1 free",)


def test_a_line_gets_only_the_best_item_promotion():
    rules = [
        promo(1, percent=D(10)),
        promo(2, kind="amount_off", amount=D(3)),
        promo(3, percent=D(30)),
    ]
    result = quote([line(price="20", quantity=2)], promotions=rules)
    assert result.lines[0].discount == D("12.00")
    assert [d.promotion_id for d in result.shops[0].discounts] == [3]


def test_equal_item_promotions_tie_to_the_lowest_id():
    rules = [promo(9, percent=D(10)), promo(4, kind="amount_off", amount=D(1))]
    result = quote([line(price="10")], promotions=rules)
    assert [d.promotion_id for d in result.shops[0].discounts] == [4]


def test_item_promotion_scope_by_category_product_and_shop():
    by_category = promo(1, scope="categories", category_ids=frozenset({2}), percent=D(10))
    by_product = promo(2, scope="products", product_ids=frozenset({5}), percent=D(20))
    other_shop = promo(3, shop=9, percent=D(50))
    lines = [line(1, categories=(1, 2)), line(2, product=5), line(3, categories=(3,))]
    result = quote(lines, promotions=[by_category, by_product, other_shop])
    assert [price.discount for price in result.lines] == [D(10), D(20), 0]


def test_one_record_per_promotion_per_shop_order():
    lines = [line(1, price="10"), line(2, price="30")]
    result = quote(lines, promotions=[promo(percent=D(10))])
    assert [(d.promotion_id, d.amount) for d in result.shops[0].discounts] == [(1, D("4.00"))]


# --- Shop order discounts ----------------------------------------------------------------------


def test_spend_threshold_tiers():
    rule = spend(tiers=((300, 30), (500, 60)))
    assert quote([line(price="299.99")], promotions=[rule]).shops[0].shop_discount == 0
    assert quote([line(price="350")], promotions=[rule]).shops[0].shop_discount == D(30)
    result = quote([line(price="550")], promotions=[rule])
    assert result.shops[0].shop_discount == D(60)
    assert result.shops[0].discounts[0].label == "P1: spend US$500.00, get US$60.00 off"


def test_repeating_spend_threshold_repeats_the_top_tier_reached():
    assert quote([line(price="650")], promotions=[spend(is_repeating=True)]).total == D(590)
    both = spend(tiers=((300, 30), (500, 60)), is_repeating=True)
    assert quote([line(price="650")], promotions=[both]).total == D(590)
    result = quote([line(price="1000")], promotions=[both])
    assert result.shops[0].shop_discount == D(120)
    assert "(x2)" in result.shops[0].discounts[0].label


def test_spend_threshold_is_measured_after_item_promotions_and_within_scope():
    rules = [promo(1, percent=D(10)), spend(2, scope="categories", category_ids=frozenset({10}))]
    assert quote([line(price="320")], promotions=rules).shops[0].shop_discount == 0  # 288 < 300
    lines = [line(1, price="250"), line(2, price="100", categories=(11,))]
    assert quote(lines, promotions=[rules[1]]).shops[0].shop_discount == 0


def test_only_one_spend_threshold_per_shop_the_best_and_the_other_explained():
    rules = [spend(1, tiers=((100, 10),)), spend(2, tiers=((100, 15),), name="Big")]
    result = quote([line(price="100")], promotions=rules)
    assert result.shops[0].shop_discount == D(15)
    assert "P1 was not applied" in result.explanations[-1]


def test_free_shipping_over_a_threshold():
    rule = promo(kind="free_shipping", threshold=D(50), name="Free")
    below = quote([line(price="49.99")], promotions=[rule], shipping={1: D(6)})
    assert below.shops[0].shipping_discount == 0
    assert below.total == D("55.99")
    reached = quote([line(price="50")], promotions=[rule], shipping={1: D(6)})
    assert reached.shops[0].shipping_discount == D(6)
    assert reached.shops[0].discounts[0].applies_to_shipping
    assert reached.shops[0].discounts[0].label == "Free: free delivery on US$50.00 or more"
    assert reached.total == D(50)
    assert quote([line()], promotions=[rule], shipping={1: D(0)}).shops[0].discounts == ()


def test_free_shipping_counts_only_its_shop():
    rule = promo(kind="free_shipping", threshold=D(50))
    result = quote(
        [line(1, price="40"), line(2, shop=2, price="40")],
        promotions=[rule],
        shipping={1: D(5), 2: D(5)},
    )
    assert result.shipping_total - sum(s.shipping_discount for s in result.shops) == D(10)


def test_shop_coupon_amount_and_percent_with_a_cap():
    assert quote([line(price="80")], coupons=[coupon(amount="15")]).total == D(65)
    percent = coupon(kind="percent_off", percent=D(20), max_discount=D(10))
    result = quote([line(price="80")], coupons=[percent])
    assert result.total == D(70)
    assert result.applied_coupon_ids == (1,)
    assert result.shops[0].discounts[0].label == "Coupon K1: 20% off, at most US$10.00"
    assert result.shops[0].discounts[0].coupon_id == 1


def test_coupon_min_spend_not_reached_is_explained_when_typed_and_quiet_when_claimed():
    typed = coupon(1, min_spend=D(100), is_typed=True)
    claimed = coupon(2, min_spend=D(100))
    result = quote([line(price="99")], coupons=[typed, claimed])
    assert result.shops[0].shop_discount == 0
    assert result.unusable_coupons == (
        ("C1", "Spend at least US$100.00 on the items it covers to use it (so far US$99.00)."),
    )


def test_coupon_scope_and_min_spend_count_only_covered_items():
    rule = coupon(
        scope="products", product_ids=frozenset({2}), min_spend=D(50), is_typed=True, amount="100"
    )
    lines = [line(1, price="500"), line(2, price="60")]
    result = quote(lines, coupons=[rule])
    assert result.shops[0].shop_discount == D(60)  # never more than the covered items
    nothing = quote([line(1, price="500")], coupons=[rule])
    assert nothing.unusable_coupons == (("C1", "Nothing in your cart is covered by this coupon."),)
    other_shop = quote([line(1, price="500")], coupons=[coupon(shop=2, is_typed=True)])
    assert (
        other_shop.unusable_coupons[0][1] == "Nothing in your cart is from the shop of this coupon."
    )


def test_one_shop_coupon_per_shop_the_best_and_the_typed_other_told():
    result = quote(
        [line(price="100")], coupons=[coupon(1, amount="5", is_typed=True), coupon(2, amount="8")]
    )
    assert result.applied_coupon_ids == (2,)
    assert result.unusable_coupons[0][0] == "C1"
    assert "saves you more" in result.unusable_coupons[0][1]


def test_spend_threshold_and_coupon_stack_and_never_exceed_the_shop_items():
    result = quote([line(price="300")], promotions=[spend()], coupons=[coupon(amount="20")])
    assert result.shops[0].shop_discount == D(50)
    capped = quote([line(price="300")], promotions=[spend()], coupons=[coupon(amount="290")])
    assert capped.shops[0].shop_discount == D(300)
    assert capped.total == 0


def test_best_combination_uses_no_offer_that_adds_nothing():
    # 60 off 50 is already everything: the 滿減 would add nothing, so it is left out.
    result = quote(
        [line(price="50")], promotions=[spend(tiers=((50, 10),))], coupons=[coupon(amount="60")]
    )
    assert result.total == 0
    assert [d.coupon_id for d in result.shops[0].discounts] == [1]
    assert "P1 was not applied" in result.explanations[-1]


def test_best_combination_ties_go_to_the_lowest_ids():
    result = quote([line(price="100")], coupons=[coupon(5, amount="8"), coupon(3, amount="8")])
    assert result.applied_coupon_ids == (3,)


# --- Platform ----------------------------------------------------------------------------------


def three_shops(*prices, ids=(1, 2, 3)):
    return [line(shop, shop=shop, price=price) for shop, price in zip(ids, prices, strict=True)]


def test_cross_shop_spend_threshold_is_shared_in_proportion():
    rule = spend(shop=None, tiers=((300, 30),), name="跨店滿300減30")
    result = quote(three_shops(100, 100, 100), promotions=[rule])
    assert [s.platform_discount for s in result.shops] == [D(10)] * 3
    assert result.platform_discounts[0].amount == D(30)
    assert result.platform_discounts[0].shop_id is None
    assert result.platform_discounts[0].funded_by == "platform"
    assert result.total == D(270)


def test_allocation_to_the_cent_by_largest_remainder_ties_by_shop_id():
    rule = spend(shop=None, tiers=((300, 10),))
    result = quote(three_shops(100, 100, 100, ids=(7, 3, 5)), promotions=[rule])
    shares = {s.shop_id: s.platform_discount for s in result.shops}
    assert shares == {3: D("3.34"), 5: D("3.33"), 7: D("3.33")}
    assert sum(shares.values()) == D(10)


def test_allocation_is_after_shop_discounts():
    rule = spend(shop=None, tiers=((200, 20),))
    shop_coupon = coupon(shop=1, amount="100")
    result = quote(three_shops(200, 100, ids=(1, 2)), promotions=[rule], coupons=[shop_coupon])
    assert [s.platform_discount for s in result.shops] == [D(10), D(10)]


def test_scoped_platform_coupon_falls_only_on_covered_shops():
    rule = coupon(shop=None, amount="10", scope="categories", category_ids=frozenset({99}))
    lines = [line(1, shop=1, price="100"), line(2, shop=2, price="100", categories=(99,))]
    result = quote(lines, coupons=[rule])
    assert [s.platform_discount for s in result.shops] == [0, D(10)]


def test_one_platform_coupon_stacked_with_shop_coupons():
    coupons = [
        coupon(1, shop=None, amount="10"),
        coupon(2, shop=None, amount="12"),
        coupon(3, shop=1),
    ]
    result = quote(three_shops(100, 100, ids=(1, 2)), coupons=coupons)
    assert result.applied_coupon_ids == (2, 3)
    assert result.total == D(200) - D(5) - D(12)
    assert sum(d.amount for d in result.platform_discounts) == D(12)


def test_platform_coupon_min_spend_over_the_whole_cart():
    rule = coupon(shop=None, amount="10", min_spend=D(150), is_typed=True)
    assert quote(three_shops(100, 100, ids=(1, 2)), coupons=[rule]).total == D(190)
    result = quote(three_shops(100, ids=(1,)), coupons=[rule])
    assert result.total == D(100)
    assert result.unusable_coupons[0][0] == "C1"


# --- Funding -----------------------------------------------------------------------------------


def test_shared_funding_gives_the_platform_its_share_half_up():
    rule = promo(funded_by="shared", platform_share_percent=D(50), percent=D("3.33"))
    discount = quote([line(price="100")], promotions=[rule]).shops[0].discounts[0]
    assert discount.amount == D("3.33")
    assert (discount.platform_funded, discount.shop_funded) == (D("1.67"), D("1.66"))


def test_shared_platform_discount_split_on_each_share():
    rule = spend(shop=None, tiers=((300, 10),), funded_by="shared", platform_share_percent=D(30))
    result = quote(three_shops(100, 100, 100), promotions=[rule])
    for shop in result.shops:
        (part,) = shop.discounts
        assert part.shop_funded + part.platform_funded == part.amount
    whole = result.platform_discounts[0]
    assert whole.platform_funded == D("3.00")
    assert whole.shop_funded + whole.platform_funded == D(10)


def test_funding_defaults_to_the_owner():
    assert promo(shop=None).funded_by == "platform"
    assert promo(shop=1).funded_by == "shop"
    assert coupon(shop=None).funded_by == "platform"
    assert promo(shop=None, funded_by="shop").funded_by == "shop"


def test_every_discount_record_adds_up_to_the_shop_figures():
    rules = [promo(1, percent=D(10)), spend(2, tiers=((100, 10),)), promo(3, kind="free_shipping")]
    rules.append(spend(4, shop=None, tiers=((100, 5),)))
    coupons = [coupon(5, amount="3"), coupon(6, shop=None, amount="2")]
    result = quote(
        three_shops(80, 150, ids=(1, 2)), promotions=rules, coupons=coupons, shipping={1: D(4)}
    )
    for shop in result.shops:
        recorded = sum(d.amount for d in shop.discounts)
        assert (
            recorded
            == shop.item_discount
            + shop.shop_discount
            + shop.platform_discount
            + shop.shipping_discount
        )
        assert shop.total == shop.items_subtotal + shop.shipping - recorded
    assert result.total == sum(s.total for s in result.shops)
    assert result.discount_total == result.items_total + result.shipping_total - result.total
