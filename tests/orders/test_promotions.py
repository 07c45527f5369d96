"""Promotions, flash sales and delivery prices as services: every bad input refused with a clear
error and nothing saved, who may write (owner and manager; not a clerk, not another shop's
owner; only staff for the platform), ending, and the demo data safe to run twice."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.sellers.models import MemberRole
from orders.errors import PromotionError
from orders.models import (
    Coupon,
    FlashSale,
    FundedBy,
    Promotion,
    PromotionKind,
    PromotionTier,
    Scope,
    ShippingRate,
)
from orders.services import flash_sales
from orders.services import promotions as svc
from orders.services.promotions import PromotionTerms
from tests.catalog.factories import CategoryFactory, ProductFactory, VariantFactory
from tests.sellers.factories import MerchantMemberFactory

from .factories import FlashSaleFactory, PromotionFactory

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.orders.promotions_support"]  # merchant, shop, manager, clerk, ...

D = Decimal


def terms(**changes) -> PromotionTerms:
    now = timezone.now()
    values = {
        "name": "Ten off",
        "kind": PromotionKind.PERCENT_OFF,
        "percent": D("10"),
        "starts_at": now,
        "ends_at": now + timedelta(days=3),
    }
    values.update(changes)
    return PromotionTerms(**values)


def spend(*tiers):
    return terms(
        kind=PromotionKind.SPEND_THRESHOLD, percent=None, tiers=[(D(a), D(b)) for a, b in tiers]
    )


# --- Creating and changing promotions -----------------------------------------------------------


def test_the_owner_creates_a_spend_threshold_promotion_with_its_tiers(shop, merchant):
    promotion = svc.create_promotion(shop=shop, by=merchant, terms=spend((300, 30), (500, 60)))

    assert promotion.shop == shop
    assert promotion.kind == PromotionKind.SPEND_THRESHOLD
    assert promotion.percent is None  # fields of other kinds are cleared
    assert promotion.funded_by == FundedBy.SHOP
    assert promotion.created_by == merchant
    assert list(promotion.tiers.values_list("threshold", "discount")) == [
        (D("300.00"), D("30.00")),
        (D("500.00"), D("60.00")),
    ]


def test_a_manager_creates_a_promotion(shop, manager):
    promotion = svc.create_promotion(shop=shop, by=manager, terms=terms())

    assert promotion.percent == D("10")


def test_a_clerk_cannot_create_a_promotion(shop, clerk):
    with pytest.raises(PromotionError) as error:
        svc.create_promotion(shop=shop, by=clerk, terms=terms())

    assert error.value.code == "not_promotion_manager"
    assert not Promotion.objects.exists()


def test_another_shops_owner_cannot_create_or_end_a_promotion(shop, other_merchant):
    promotion = PromotionFactory(shop=shop)

    with pytest.raises(PromotionError):
        svc.create_promotion(shop=shop, by=other_merchant, terms=terms())
    with pytest.raises(PromotionError):
        svc.end_promotion(promotion=promotion, by=other_merchant)

    promotion.refresh_from_db()
    assert promotion.is_active
    assert Promotion.objects.count() == 1


BAD_TERMS = [
    ({"name": "  "}, "no_name"),
    ({"kind": "nonsense"}, "bad_kind"),
    ({"ends_at": timezone.now() - timedelta(days=2), "starts_at": timezone.now()}, "bad_window"),
    (
        {
            "starts_at": timezone.now() - timedelta(days=3),
            "ends_at": timezone.now() - timedelta(days=1),
        },
        "ended_window",
    ),
    ({"percent": D("0")}, "bad_percent"),
    ({"percent": D("100")}, "bad_percent"),
    ({"percent": None}, "bad_percent"),
    ({"kind": PromotionKind.AMOUNT_OFF, "amount": D("0")}, "bad_amount"),
    ({"kind": PromotionKind.AMOUNT_OFF, "amount": None}, "bad_amount"),
    ({"kind": PromotionKind.FREE_SHIPPING, "threshold": None}, "bad_threshold"),
    ({"kind": PromotionKind.BUY_N_GET_M, "buy_quantity": 0, "free_quantity": 1}, "bad_buy_n_get_m"),
    (
        {"kind": PromotionKind.BUY_N_GET_M, "buy_quantity": 2, "free_quantity": None},
        "bad_buy_n_get_m",
    ),
    ({"kind": PromotionKind.MEMBER_PRICE, "member_level": " "}, "no_level"),
    ({"kind": PromotionKind.SPEND_THRESHOLD, "tiers": []}, "no_tiers"),
    ({"scope": Scope.CATEGORIES, "categories": []}, "no_categories"),
    ({"scope": Scope.PRODUCTS, "products": []}, "no_products"),
    ({"funded_by": FundedBy.PLATFORM}, "platform_funding"),
    ({"funded_by": FundedBy.SHARED, "platform_share_percent": D("50")}, "platform_funding"),
]


@pytest.mark.parametrize(("changes", "code"), BAD_TERMS)
def test_bad_terms_are_refused_and_nothing_is_saved(shop, merchant, changes, code):
    with pytest.raises(PromotionError) as error:
        svc.create_promotion(shop=shop, by=merchant, terms=terms(**changes))

    assert error.value.code == code
    assert error.value.message
    assert not Promotion.objects.exists()
    assert not PromotionTier.objects.exists()


@pytest.mark.parametrize(
    ("tiers", "code"),
    [
        (((300, 300),), "tier_discount_too_big"),
        (((300, 400),), "tier_discount_too_big"),
        (((500, 60), (300, 30)), "tiers_not_ascending"),
        (((300, 30), (300, 40)), "tiers_not_ascending"),
        (((300, 60), (500, 30)), "tiers_not_ascending"),
        (((0, 0),), "bad_tier"),
        (tuple((n * 100, n) for n in range(1, 12)), "too_many_tiers"),
    ],
)
def test_bad_tiers_are_refused(shop, merchant, tiers, code):
    with pytest.raises(PromotionError) as error:
        svc.create_promotion(shop=shop, by=merchant, terms=spend(*tiers))

    assert error.value.code == code
    assert not Promotion.objects.exists()


def test_a_shop_promotion_covers_only_the_shops_own_products(shop, merchant):
    foreign = ProductFactory()

    with pytest.raises(PromotionError) as error:
        svc.create_promotion(
            shop=shop,
            by=merchant,
            terms=terms(scope=Scope.PRODUCTS, products=[ProductFactory(shop=shop), foreign]),
        )

    assert error.value.code == "foreign_product"
    assert not Promotion.objects.exists()


def test_scope_is_saved_and_cleared_with_the_scope(shop, merchant):
    category = CategoryFactory()
    promotion = svc.create_promotion(
        shop=shop, by=merchant, terms=terms(scope=Scope.CATEGORIES, categories=[category])
    )
    assert list(promotion.categories.all()) == [category]

    svc.update_promotion(
        promotion=promotion, by=merchant, terms=terms(scope=Scope.ALL, categories=[category])
    )

    assert list(promotion.categories.all()) == []


def test_only_staff_create_platform_promotions_funded_by_the_platform(merchant, staff_user):
    with pytest.raises(PromotionError) as error:
        svc.create_promotion(shop=None, by=merchant, terms=spend((300, 30)))
    assert error.value.code == "not_promotion_manager"
    with pytest.raises(PromotionError) as error:
        svc.create_promotion(shop=None, by=staff_user, terms=spend((300, 30)))
    assert error.value.code == "bad_funding"  # a platform promotion has no shop to pay

    shared = replace(spend((300, 30)), funded_by=FundedBy.SHARED, platform_share_percent=D("50"))
    promotion = svc.create_promotion(shop=None, by=staff_user, terms=shared)
    assert promotion.shop is None
    assert promotion.platform_share_percent == D("50")


def test_updating_changes_the_terms_and_replaces_the_tiers(shop, merchant):
    promotion = svc.create_promotion(shop=shop, by=merchant, terms=spend((300, 30), (500, 60)))

    svc.update_promotion(promotion=promotion, by=merchant, terms=spend((200, 20)))

    assert list(promotion.tiers.values_list("threshold", "discount")) == [(D("200.00"), D("20.00"))]


def test_a_refused_update_changes_nothing(shop, merchant):
    promotion = svc.create_promotion(shop=shop, by=merchant, terms=spend((300, 30)))

    with pytest.raises(PromotionError):
        svc.update_promotion(promotion=promotion, by=merchant, terms=spend((300, 30), (200, 50)))

    assert list(promotion.tiers.values_list("threshold", "discount")) == [(D("300.00"), D("30.00"))]


def test_a_clerk_cannot_update_a_promotion(shop, clerk):
    promotion = PromotionFactory(shop=shop, percent=D("10"))

    with pytest.raises(PromotionError):
        svc.update_promotion(promotion=promotion, by=clerk, terms=terms(percent=D("50")))

    promotion.refresh_from_db()
    assert promotion.percent == D("10")


def test_ending_a_running_promotion_stops_it_now_and_cannot_be_repeated(shop, merchant):
    promotion = PromotionFactory(shop=shop)

    ended = svc.end_promotion(promotion=promotion, by=merchant)

    assert not ended.is_active
    assert ended.ends_at <= timezone.now()
    assert svc.status_of(ended) == svc.ENDED
    with pytest.raises(PromotionError) as error:
        svc.end_promotion(promotion=ended, by=merchant)
    assert error.value.code == "already_ended"
    with pytest.raises(PromotionError) as error:
        svc.update_promotion(promotion=ended, by=merchant, terms=terms())
    assert error.value.code == "ended"


def test_ending_a_scheduled_promotion_keeps_its_window(shop, merchant):
    later = timezone.now() + timedelta(days=1)
    promotion = PromotionFactory(shop=shop, starts_at=later, ends_at=later + timedelta(days=1))

    ended = svc.end_promotion(promotion=promotion, by=merchant)

    assert not ended.is_active
    assert ended.starts_at == later


def test_the_list_shows_each_status_and_filters_by_it(shop):
    now = timezone.now()
    running = PromotionFactory(shop=shop)
    scheduled = PromotionFactory(
        shop=shop, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2)
    )
    ended = PromotionFactory(shop=shop, is_active=False)
    PromotionFactory()  # another shop's

    statuses = {p.pk: p.status for p in svc.promotions_for_shop(shop=shop)}

    assert statuses == {running.pk: "running", scheduled.pk: "scheduled", ended.pk: "ended"}
    assert [p.pk for p in svc.promotions_for_shop(shop=shop, status="scheduled")] == [scheduled.pk]


# --- Flash sales ----------------------------------------------------------------------------------


def flash(shop, merchant, variant, **changes):
    now = timezone.now()
    values = {
        "price": D("5.00"),
        "quantity": 10,
        "per_user_limit": 1,
        "starts_at": now,
        "ends_at": now + timedelta(hours=6),
    }
    values.update(changes)
    return flash_sales.create_flash_sale(shop=shop, variant=variant, by=merchant, **values)


@pytest.fixture
def variant(shop):
    return VariantFactory(product=ProductFactory(shop=shop), price=D("10.00"), stock=20)


def test_a_flash_sale_sets_its_units_aside(shop, merchant, variant):
    sale = flash(shop, merchant, variant, quantity=20, name=" Midnight ")

    assert (sale.quantity, sale.quantity_left, sale.name) == (20, 20, "Midnight")
    assert sale.currency == variant.product.currency


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"price": D("10.00")}, "price_not_lower"),
        ({"price": D("12.00")}, "price_not_lower"),
        ({"price": D("0")}, "bad_price"),
        ({"quantity": 21}, "quantity_over_stock"),
        ({"quantity": 0}, "bad_quantity"),
        ({"per_user_limit": 0}, "bad_limit"),
        ({"ends_at": timezone.now() - timedelta(days=1)}, "bad_window"),
    ],
)
def test_bad_flash_sales_are_refused(shop, merchant, variant, changes, code):
    with pytest.raises(PromotionError) as error:
        flash(shop, merchant, variant, **changes)

    assert error.value.code == code
    assert not FlashSale.objects.exists()


def test_a_flash_sale_needs_a_sku_of_the_shop(shop, merchant):
    with pytest.raises(PromotionError) as error:
        flash(shop, merchant, VariantFactory(stock=20))

    assert error.value.code == "bad_variant"
    assert not FlashSale.objects.exists()


def test_flash_sales_of_one_sku_cannot_overlap(shop, merchant, variant):
    now = timezone.now()
    flash(shop, merchant, variant, starts_at=now, ends_at=now + timedelta(hours=6))

    with pytest.raises(PromotionError) as error:
        flash(
            shop,
            merchant,
            variant,
            starts_at=now + timedelta(hours=5),
            ends_at=now + timedelta(hours=8),
        )
    assert error.value.code == "flash_overlap"

    later = flash(
        shop,
        merchant,
        variant,
        starts_at=now + timedelta(hours=6),
        ends_at=now + timedelta(hours=8),
    )
    assert later.pk
    assert FlashSale.objects.count() == 2


def test_a_clerk_cannot_create_a_flash_sale(shop, clerk, variant):
    with pytest.raises(PromotionError):
        flash(shop, clerk, variant)

    assert not FlashSale.objects.exists()


def test_a_scheduled_flash_sale_can_change_and_a_started_one_only_end(shop, merchant, variant):
    now = timezone.now()
    scheduled = flash(
        shop, merchant, variant, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2)
    )
    changed = flash_sales.update_flash_sale(
        flash_sale=scheduled,
        by=merchant,
        price=D("6.00"),
        quantity=5,
        per_user_limit=2,
        starts_at=scheduled.starts_at,
        ends_at=scheduled.ends_at,
    )
    assert (changed.price, changed.quantity, changed.quantity_left) == (D("6.00"), 5, 5)

    running = FlashSaleFactory(
        shop=shop,
        variant=variant,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    with pytest.raises(PromotionError) as error:
        flash_sales.update_flash_sale(
            flash_sale=running,
            by=merchant,
            price=D("1.00"),
            quantity=5,
            per_user_limit=1,
            starts_at=running.starts_at,
            ends_at=running.ends_at,
        )
    assert error.value.code == "flash_started"

    ended = flash_sales.end_flash_sale(flash_sale=running, by=merchant)
    assert not ended.is_active
    running.refresh_from_db()
    assert running.price == D("5.00")


def test_the_product_banner_shows_the_running_sale_before_an_upcoming_one(shop, variant):
    now = timezone.now()
    upcoming = FlashSaleFactory(
        variant=variant, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2)
    )
    assert flash_sales.flash_sale_for_product(product=variant.product) == upcoming
    running = FlashSaleFactory(
        variant=variant, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=3)
    )
    FlashSaleFactory(
        variant=variant, starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=2)
    )

    assert flash_sales.flash_sale_for_product(product=variant.product) == running


# --- Delivery prices ----------------------------------------------------------------------------


def test_setting_the_delivery_price_twice_keeps_one_row(shop, merchant):
    svc.set_shipping_rate(shop=shop, flat_rate=D("60"), by=merchant)
    rate = svc.set_shipping_rate(shop=shop, flat_rate=D("80"), express_rate=D("150"), by=merchant)

    assert ShippingRate.objects.count() == 1
    assert (rate.flat_rate, rate.express_rate) == (D("80"), D("150"))


@pytest.mark.parametrize(
    ("flat", "express", "code"), [(D("-1"), None, "bad_rate"), (D("80"), D("50"), "bad_express")]
)
def test_bad_delivery_prices_are_refused(shop, merchant, flat, express, code):
    with pytest.raises(PromotionError) as error:
        svc.set_shipping_rate(shop=shop, flat_rate=flat, express_rate=express, by=merchant)

    assert error.value.code == code
    assert not ShippingRate.objects.exists()


def test_a_clerk_or_another_shop_cannot_set_the_delivery_price(shop, clerk, other_merchant):
    for user in (clerk, other_merchant):
        with pytest.raises(PromotionError):
            svc.set_shipping_rate(shop=shop, flat_rate=D("1"), by=user)

    assert not ShippingRate.objects.exists()


def test_an_inactive_manager_cannot_write(shop, merchant):
    user = MerchantMemberFactory(merchant=shop.merchant, role=MemberRole.MANAGER).user
    user.is_active = False
    user.save()

    assert not svc.can_manage_promotions(shop=shop, by=user)


# --- Demo data ----------------------------------------------------------------------------------


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Promotion, PromotionTier, Coupon, FlashSale, ShippingRate)
    }
