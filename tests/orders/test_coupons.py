"""Coupons as services: creating and changing them (codes unique whatever the case, every bad
input refused with nothing saved, who may write), claiming (public and running only; twice gives
the same claim and counts once), what product and shop pages offer, and the shopper's wallet."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from marketplace.sellers.models import ShopStatus
from orders.errors import PromotionError
from orders.models import Coupon, CouponClaim, CouponKind, CouponUse, FundedBy, Scope
from orders.services import coupons as svc
from orders.services.coupons import CouponTerms
from tests.catalog.factories import CategoryFactory, ProductFactory
from tests.orders.factories import CouponFactory, placed_order
from tests.sellers.factories import ShopFactory

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.orders.promotions_support"]  # merchant, shop, manager, clerk, ...

D = Decimal


def terms(**changes) -> CouponTerms:
    now = timezone.now()
    values = {
        "name": "Five off",
        "code": "five-off",
        "kind": CouponKind.AMOUNT_OFF,
        "amount": D("5"),
        "starts_at": now,
        "ends_at": now + timedelta(days=3),
    }
    values.update(changes)
    return CouponTerms(**values)


def claim_count(coupon) -> int:
    coupon.refresh_from_db()
    return coupon.claimed_count


# --- Creating and changing ----------------------------------------------------------------------


def test_the_owner_creates_a_coupon_with_its_code_in_capitals(shop, merchant):
    coupon = svc.create_coupon(shop=shop, by=merchant, terms=terms(percent=D("10")))

    assert coupon.code == "FIVE-OFF"
    assert coupon.percent is None  # an amount coupon keeps no percentage
    assert coupon.shop == shop
    assert coupon.funded_by == FundedBy.SHOP


def test_codes_are_unique_whatever_the_case(shop, merchant, other_merchant):
    CouponFactory(code="SUMMER")
    other_shop = other_merchant.merchant_memberships.get().merchant.shop

    with pytest.raises(PromotionError) as error:
        svc.create_coupon(shop=other_shop, by=other_merchant, terms=terms(code="summer"))

    assert error.value.code == "code_taken"
    assert "SUMMER" in error.value.message
    assert Coupon.objects.count() == 1


BAD_TERMS = [
    ({"name": ""}, "no_name"),
    ({"code": "no spaces"}, "bad_code"),
    ({"code": "折扣"}, "bad_code"),
    ({"code": "AB"}, "bad_code"),
    ({"kind": "gift"}, "bad_kind"),
    ({"amount": D("0")}, "bad_amount"),
    ({"kind": CouponKind.PERCENT_OFF, "percent": D("100")}, "bad_percent"),
    (
        {"kind": CouponKind.PERCENT_OFF, "percent": D("10"), "max_discount": D("0")},
        "bad_max_discount",
    ),
    ({"min_spend": D("-1")}, "bad_min_spend"),
    ({"per_user_limit": 0}, "bad_limit"),
    ({"total_limit": 0}, "bad_limit"),
    ({"ends_at": timezone.now() - timedelta(days=1)}, "bad_window"),
    ({"scope": Scope.PRODUCTS, "products": []}, "no_products"),
    ({"funded_by": FundedBy.PLATFORM}, "platform_funding"),
]


@pytest.mark.parametrize(("changes", "code"), BAD_TERMS)
def test_bad_coupons_are_refused_and_nothing_is_saved(shop, merchant, changes, code):
    with pytest.raises(PromotionError) as error:
        svc.create_coupon(shop=shop, by=merchant, terms=terms(**changes))

    assert error.value.code == code
    assert not Coupon.objects.exists()


def test_a_shop_coupon_covers_only_the_shops_products(shop, merchant):
    with pytest.raises(PromotionError) as error:
        svc.create_coupon(
            shop=shop, by=merchant, terms=terms(scope=Scope.PRODUCTS, products=[ProductFactory()])
        )

    assert error.value.code == "foreign_product"
    assert not Coupon.objects.exists()


def test_a_clerk_or_another_shop_cannot_create_change_or_end_a_coupon(shop, clerk, other_merchant):
    coupon = CouponFactory(shop=shop, name="Original")

    for user in (clerk, other_merchant):
        with pytest.raises(PromotionError):
            svc.create_coupon(shop=shop, by=user, terms=terms())
        with pytest.raises(PromotionError):
            svc.update_coupon(coupon=coupon, by=user, terms=terms(name="Changed"))
        with pytest.raises(PromotionError):
            svc.end_coupon(coupon=coupon, by=user)

    coupon.refresh_from_db()
    assert (coupon.name, coupon.is_active, Coupon.objects.count()) == ("Original", True, 1)


def test_only_staff_create_platform_coupons(merchant, staff_user):
    platform = terms(funded_by=FundedBy.PLATFORM)
    with pytest.raises(PromotionError):
        svc.create_coupon(shop=None, by=merchant, terms=platform)

    coupon = svc.create_coupon(shop=None, by=staff_user, terms=platform)

    assert coupon.shop is None


def test_updating_keeps_its_own_code_and_refuses_a_limit_below_the_uses(shop, merchant):
    coupon = svc.create_coupon(shop=shop, by=merchant, terms=terms(total_limit=10))
    Coupon.objects.filter(pk=coupon.pk).update(used_count=4)
    coupon.refresh_from_db()

    svc.update_coupon(coupon=coupon, by=merchant, terms=terms(name="Renamed", total_limit=4))
    with pytest.raises(PromotionError) as error:
        svc.update_coupon(coupon=coupon, by=merchant, terms=terms(total_limit=3))

    coupon.refresh_from_db()
    assert error.value.code == "limit_below_used"
    assert (coupon.name, coupon.total_limit) == ("Renamed", 4)


def test_an_ended_coupon_cannot_change(shop, merchant):
    coupon = CouponFactory(shop=shop)
    svc.end_coupon(coupon=coupon, by=merchant)

    with pytest.raises(PromotionError) as error:
        svc.update_coupon(coupon=coupon, by=merchant, terms=terms(code=coupon.code))

    assert error.value.code == "ended"


# --- Claiming (領券) -----------------------------------------------------------------------------


def test_claiming_puts_the_coupon_in_the_wallet_and_counts_it(user):
    coupon = CouponFactory()

    claim = svc.claim_coupon(coupon=coupon, user=user)

    assert (claim.coupon, claim.user) == (coupon, user)
    assert claim_count(coupon) == 1


def test_claiming_twice_returns_the_same_claim_and_counts_once(user):
    coupon = CouponFactory()

    first = svc.claim_coupon(coupon=coupon, user=user)
    again = svc.claim_coupon(coupon=coupon, user=user)

    assert again.pk == first.pk
    assert CouponClaim.objects.count() == 1
    assert claim_count(coupon) == 1


def test_two_shoppers_claiming_count_two(user, other_user):
    coupon = CouponFactory()

    svc.claim_coupon(coupon=coupon, user=user)
    svc.claim_coupon(coupon=coupon, user=other_user)

    assert claim_count(coupon) == 2


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"is_public": False}, "not_public"),
        ({"is_active": False}, "coupon_ended"),
        (
            {
                "starts_at": timezone.now() - timedelta(days=3),
                "ends_at": timezone.now() - timedelta(days=1),
            },
            "coupon_ended",
        ),
        (
            {
                "starts_at": timezone.now() + timedelta(days=1),
                "ends_at": timezone.now() + timedelta(days=3),
            },
            "coupon_scheduled",
        ),
        ({"total_limit": 2, "used_count": 2}, "used_up"),
    ],
)
def test_only_public_running_coupons_with_uses_left_can_be_claimed(user, fields, code):
    coupon = CouponFactory(**fields)

    with pytest.raises(PromotionError) as error:
        svc.claim_coupon(coupon=coupon, user=user)

    assert error.value.code == code
    assert not CouponClaim.objects.exists()
    assert claim_count(coupon) == 0


def test_a_closed_shops_coupon_cannot_be_claimed(user):
    coupon = CouponFactory(shop=ShopFactory(status=ShopStatus.CLOSED))

    with pytest.raises(PromotionError) as error:
        svc.claim_coupon(coupon=coupon, user=user)

    assert error.value.code == "shop_closed"


def test_claims_are_not_capped_by_the_total_uses(user, other_user):
    coupon = CouponFactory(total_limit=1)

    svc.claim_coupon(coupon=coupon, user=user)
    svc.claim_coupon(coupon=coupon, user=other_user)

    assert claim_count(coupon) == 2


def test_a_guest_cannot_claim():
    coupon = CouponFactory()

    with pytest.raises(PromotionError) as error:
        svc.claim_coupon(coupon=coupon, user=AnonymousUser())

    assert error.value.code == "login_required"


# --- What pages offer --------------------------------------------------------------------------


def test_a_shop_page_offers_its_public_running_coupons_and_the_platforms(shop, user):
    mine = CouponFactory(shop=shop, min_spend=D("100"))
    cheaper = CouponFactory(shop=shop, min_spend=D("0"))
    platform = CouponFactory(shop=None, funded_by=FundedBy.PLATFORM)
    CouponFactory(shop=None, scope=Scope.PRODUCTS)  # a platform coupon for some products only
    CouponFactory(shop=shop, is_public=False)
    CouponFactory(shop=shop, is_active=False)
    CouponFactory(shop=shop, starts_at=timezone.now() + timedelta(days=1))
    CouponFactory()  # another shop's
    svc.claim_coupon(coupon=mine, user=user)

    offered = svc.coupons_for_display(shop=shop, user=user)

    assert [c.pk for c in offered] == [cheaper.pk, mine.pk, platform.pk]
    assert [c.is_claimed for c in offered] == [False, True, False]


def test_a_product_page_offers_the_coupons_covering_the_product(shop):
    top = CategoryFactory()
    leaf = CategoryFactory(parent=top)
    product = ProductFactory(shop=shop, category=leaf)
    whole_shop = CouponFactory(shop=shop)
    by_top_category = CouponFactory(shop=shop, scope=Scope.CATEGORIES)
    by_top_category.categories.add(top)
    by_product = CouponFactory(shop=shop, scope=Scope.PRODUCTS)
    by_product.products.add(product)
    other_product = CouponFactory(shop=shop, scope=Scope.PRODUCTS)
    other_product.products.add(ProductFactory(shop=shop))
    other_category = CouponFactory(shop=None, scope=Scope.CATEGORIES)
    other_category.categories.add(CategoryFactory())
    platform_leaf = CouponFactory(shop=None, scope=Scope.CATEGORIES)
    platform_leaf.categories.add(leaf)

    offered = svc.coupons_for_display(product=product)

    assert {c.pk for c in offered} == {
        whole_shop.pk,
        by_top_category.pk,
        by_product.pk,
        platform_leaf.pk,
    }
    assert not any(c.is_claimed for c in offered)


def test_a_used_up_coupon_is_offered_as_used_up(shop):
    CouponFactory(shop=shop, total_limit=3, used_count=3)

    (offered,) = svc.coupons_for_display(shop=shop)

    assert offered.is_used_up


# --- The wallet --------------------------------------------------------------------------------


def test_the_wallet_sorts_claims_into_usable_used_and_expired(user):
    usable = CouponFactory()
    used = CouponFactory(per_user_limit=1)
    released = CouponFactory(per_user_limit=1)
    expired = CouponFactory()
    for coupon in (usable, used, released, expired):
        svc.claim_coupon(coupon=coupon, user=user)
    Coupon.objects.filter(pk=expired.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    group = placed_order(buyer=user).group
    CouponUse.objects.create(coupon=used, user=user, group=group, amount=D("5"))
    other_group = placed_order(buyer=user).group
    CouponUse.objects.create(
        coupon=released, user=user, group=other_group, amount=D("5"), released_at=timezone.now()
    )
    CouponFactory()  # not claimed

    wallet = svc.coupon_wallet(user=user)

    assert {section: [e.coupon.pk for e in entries] for section, entries in wallet.items()} == {
        "usable": [usable.pk, released.pk],
        "upcoming": [],
        "used": [used.pk],
        "expired": [expired.pk],
    }


def test_the_wallet_is_one_query(user, django_assert_num_queries):
    for _ in range(5):
        svc.claim_coupon(coupon=CouponFactory(), user=user)

    with django_assert_num_queries(1):
        svc.coupon_wallet(user=user)
