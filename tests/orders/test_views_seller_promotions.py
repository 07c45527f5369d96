"""The seller's promotion pages: a merchant creates every kind of promotion, a coupon and a flash
sale through the forms and sets delivery prices; edits and ends them; bad input shows a clear
error and changes nothing. Another shop's merchant gets a 404 on every object, a shopper without
a shop and a clerk are refused, and the dashboard's menu links the pages."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.forms import DATETIME_FORMAT
from orders.models import (
    Coupon,
    CouponKind,
    FlashSale,
    Promotion,
    PromotionKind,
    Scope,
    ShippingRate,
)
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.orders.promotions_support import shop_of

from .factories import CouponFactory, FlashSaleFactory, PromotionFactory, spend_threshold_promotion

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.orders.promotions_support"]  # merchant, shop, manager, clerk, ...

D = Decimal
PROMOTIONS = "/seller/promotions/"
COUPONS = "/seller/coupons/"
FLASH_SALES = "/seller/flash-sales/"
SHIPPING = "/seller/shipping/"


def when(delta: timedelta) -> str:
    """A moment from now as the datetime-local input sends it."""
    return timezone.localtime(timezone.now() + delta).strftime(DATETIME_FORMAT)


def window(start=timedelta(0), end=timedelta(days=7)) -> dict[str, str]:
    return {"starts_at": when(start), "ends_at": when(end)}


def promotion_data(**changes) -> dict:
    data = {"name": "Spring sale", "kind": PromotionKind.PERCENT_OFF, "percent": "15"}
    data.update({"scope": Scope.ALL, **window()})
    data.update(changes)
    return data


def coupon_data(**changes) -> dict:
    data = {
        "name": "Five off",
        "code": "spring-5",
        "kind": CouponKind.AMOUNT_OFF,
        "amount": "5",
        "min_spend": "50",
        "scope": Scope.ALL,
        "is_public": "on",
        "per_user_limit": "1",
        **window(),
    }
    data.update(changes)
    return data


def flash_data(variant, **changes) -> dict:
    data = {
        "variant": variant.pk,
        "name": "Noon rush",
        "price": "6.00",
        "quantity": "5",
        "per_user_limit": "2",
        **window(timedelta(hours=1), timedelta(hours=5)),
    }
    data.update(changes)
    return data


def errors_of(response) -> str:
    """The page's error texts (field errors and the form's own alert), as one string."""
    html = response.content.decode()
    found = re.findall(
        r'class="(?:errorlist[^"]*|alert alert-error)"[^>]*>(.*?)</(?:ul|div)>', html, re.S
    )
    return " ".join(re.sub(r"<[^>]+>", " ", part) for part in found)


def snapshot(obj) -> dict:
    obj.refresh_from_db()
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def owner_client(client_as, merchant):
    return client_as(merchant)


@pytest.fixture
def variant(shop):
    return VariantFactory(
        product=ProductFactory(shop=shop, title="Teapot"), price=D("10.00"), stock=20
    )


def test_the_urls_are_under_the_seller_dashboard():
    assert reverse("orders:seller-promotions") == PROMOTIONS
    assert reverse("orders:seller-promotion-create") == "/seller/promotions/new/"
    assert reverse("orders:seller-promotion", args=[3]) == "/seller/promotions/3/"
    assert reverse("orders:seller-promotion-end", args=[3]) == "/seller/promotions/3/end/"
    assert reverse("orders:seller-coupons") == COUPONS
    assert reverse("orders:seller-coupon-create") == "/seller/coupons/new/"
    assert reverse("orders:seller-coupon", args=[3]) == "/seller/coupons/3/"
    assert reverse("orders:seller-coupon-end", args=[3]) == "/seller/coupons/3/end/"
    assert reverse("orders:seller-flash-sales") == FLASH_SALES
    assert reverse("orders:seller-flash-sale-create") == "/seller/flash-sales/new/"
    assert reverse("orders:seller-flash-sale", args=[3]) == "/seller/flash-sales/3/"
    assert reverse("orders:seller-flash-sale-end", args=[3]) == "/seller/flash-sales/3/end/"
    assert reverse("orders:seller-shipping") == SHIPPING


# --- Promotions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"kind": PromotionKind.PERCENT_OFF, "percent": "15"},
            {"percent": D("15.00"), "amount": None},
        ),
        (
            {"kind": PromotionKind.AMOUNT_OFF, "amount": "3.50", "percent": "15"},
            {"amount": D("3.50"), "percent": None},  # the other kinds' fields are dropped
        ),
        (
            {"kind": PromotionKind.FREE_SHIPPING, "threshold": "99"},
            {"threshold": D("99.00"), "percent": None},
        ),
        (
            {"kind": PromotionKind.BUY_N_GET_M, "buy_quantity": "2", "free_quantity": "1"},
            {"buy_quantity": 2, "free_quantity": 1, "percent": None},
        ),
        (
            {"kind": PromotionKind.MEMBER_PRICE, "percent": "5", "member_level": " gold "},
            {"percent": D("5.00"), "member_level": "gold"},
        ),
    ],
    ids=["percent", "amount", "free-shipping", "buy-n-get-m", "member-price"],
)
def test_the_owner_creates_each_kind_of_promotion(owner_client, shop, merchant, fields, expected):
    response = owner_client.post("/seller/promotions/new/", promotion_data(**fields), follow=True)

    assert response.redirect_chain == [(PROMOTIONS, 302)]
    assert "Promotion created." in response.content.decode()
    promotion = Promotion.objects.get()
    assert (promotion.shop, promotion.kind, promotion.created_by) == (
        shop,
        fields["kind"],
        merchant,
    )
    assert {field: getattr(promotion, field) for field in expected} == expected
    assert f'id="promotion-{promotion.pk}"' in response.content.decode()


@pytest.mark.parametrize(
    "tiers", ["300:30, 500:60", "滿300減30，滿500減60"], ids=["ascii", "chinese"]
)
def test_the_owner_creates_a_spend_threshold_promotion_from_typed_tiers(owner_client, tiers):
    data = promotion_data(
        kind=PromotionKind.SPEND_THRESHOLD, percent="", tiers=tiers, is_repeating="on"
    )

    response = owner_client.post("/seller/promotions/new/", data)

    assert response.status_code == 302
    promotion = Promotion.objects.get()
    assert promotion.is_repeating is True
    assert promotion.percent is None
    assert list(promotion.tiers.order_by("threshold").values_list("threshold", "discount")) == [
        (D("300.00"), D("30.00")),
        (D("500.00"), D("60.00")),
    ]


def test_the_list_shows_each_promotion_with_what_it_gives(owner_client, shop):
    spend_threshold_promotion(shop=shop, name="Big spender", tiers=((300, 30),))
    PromotionFactory(shop=shop, name="Ten percent")
    PromotionFactory(name="Another shop's")

    html = owner_client.get(PROMOTIONS).content.decode()

    assert "Big spender" in html and "Ten percent" in html
    assert "Another shop&#x27;s" not in html and "Another shop's" not in html
    assert "10% off" in html
    assert re.search(r"spend \S*300\.00, \S*30\.00 off", html)


def test_a_promotion_can_cover_chosen_products_of_the_shop(owner_client, shop):
    mine = ProductFactory(shop=shop)

    response = owner_client.post(
        "/seller/promotions/new/", promotion_data(scope=Scope.PRODUCTS, products=[mine.pk])
    )

    assert response.status_code == 302
    promotion = Promotion.objects.get()
    assert list(promotion.products.all()) == [mine]


def test_a_promotion_cannot_cover_another_shops_product(owner_client):
    theirs = ProductFactory()

    response = owner_client.post(
        "/seller/promotions/new/", promotion_data(scope=Scope.PRODUCTS, products=[theirs.pk])
    )

    assert response.status_code == 200
    assert "Select a valid choice" in errors_of(response)
    assert not Promotion.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": PromotionKind.AMOUNT_OFF, "amount": "-5"}, "greater than or equal to 0"),
        ({"kind": PromotionKind.AMOUNT_OFF, "amount": "0"}, "The amount off must be more than 0."),
        ({"percent": "-10"}, "The percentage must be more than 0 and less than 100."),
        ({"percent": "100"}, "The percentage must be more than 0 and less than 100."),
        ({"kind": PromotionKind.FREE_SHIPPING, "threshold": "-1"}, "greater than or equal to 0"),
        (
            {"starts_at": when(timedelta(days=2)), "ends_at": when(timedelta(days=1))},
            "The end must come after the start.",
        ),
        (
            {"starts_at": when(timedelta(days=-3)), "ends_at": when(timedelta(days=-1))},
            "The end must be in the future.",
        ),
        (
            {"kind": PromotionKind.SPEND_THRESHOLD, "tiers": "300 minus 30"},
            "write each tier as spend:discount",
        ),
        ({"kind": PromotionKind.SPEND_THRESHOLD, "tiers": ""}, "Add at least one spend tier"),
        (
            {"kind": PromotionKind.SPEND_THRESHOLD, "tiers": "500:60, 300:30"},
            "List the tiers from the smallest spend up",
        ),
        (
            {"kind": PromotionKind.SPEND_THRESHOLD, "tiers": "300:-30"},
            "write each tier as spend:discount",
        ),
        (
            {"kind": PromotionKind.SPEND_THRESHOLD, "tiers": "300:300"},
            "the discount must be less than the spend",
        ),
        (
            {"kind": PromotionKind.BUY_N_GET_M, "buy_quantity": "2"},
            "Buy N get M needs N and M of at least 1.",
        ),
        ({"kind": PromotionKind.BUY_N_GET_M, "buy_quantity": "-2"}, "greater than or equal to 1"),
        (
            {"kind": PromotionKind.MEMBER_PRICE, "member_level": " "},
            "Name the member level the price is for.",
        ),
        ({"scope": Scope.CATEGORIES}, "Choose at least one category."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_promotion_input_is_explained_and_nothing_is_created(owner_client, fields, message):
    response = owner_client.post("/seller/promotions/new/", promotion_data(**fields))

    assert response.status_code == 200
    assert message in errors_of(response)
    assert not Promotion.objects.exists()


def test_the_edit_page_shows_the_promotion_as_saved(owner_client, shop):
    promotion = spend_threshold_promotion(
        shop=shop, name="Big spender", tiers=((300, 30), (500, 60))
    )

    html = owner_client.get(f"/seller/promotions/{promotion.pk}/").content.decode()

    assert 'value="Big spender"' in html
    assert 'value="300:30, 500:60"' in html
    assert f'action="/seller/promotions/{promotion.pk}/end/"' in html


def test_the_owner_edits_a_promotion(owner_client, shop):
    promotion = spend_threshold_promotion(shop=shop, name="Big spender", tiers=((300, 30),))

    response = owner_client.post(
        f"/seller/promotions/{promotion.pk}/",
        promotion_data(
            name="Bigger spender", kind=PromotionKind.SPEND_THRESHOLD, tiers="200:20, 400:50"
        ),
    )

    assert response.status_code == 302
    assert response.url == PROMOTIONS
    promotion.refresh_from_db()
    assert promotion.name == "Bigger spender"
    assert list(promotion.tiers.order_by("threshold").values_list("threshold", "discount")) == [
        (D("200.00"), D("20.00")),
        (D("400.00"), D("50.00")),
    ]


def test_a_bad_edit_changes_nothing(owner_client, shop):
    promotion = spend_threshold_promotion(shop=shop, tiers=((300, 30),))
    before = snapshot(promotion)

    response = owner_client.post(
        f"/seller/promotions/{promotion.pk}/",
        promotion_data(
            kind=PromotionKind.SPEND_THRESHOLD,
            tiers="200:20",
            starts_at=when(timedelta(days=2)),
            ends_at=when(timedelta(days=1)),
        ),
    )

    assert response.status_code == 200
    assert "The end must come after the start." in errors_of(response)
    assert snapshot(promotion) == before
    assert list(promotion.tiers.values_list("threshold", flat=True)) == [D("300.00")]


def test_the_owner_ends_a_promotion(owner_client, shop):
    promotion = PromotionFactory(shop=shop)

    response = owner_client.post(f"/seller/promotions/{promotion.pk}/end/", follow=True)

    assert response.redirect_chain == [(PROMOTIONS, 302)]
    assert "The promotion has ended." in response.content.decode()
    promotion.refresh_from_db()
    assert promotion.is_active is False
    assert promotion.ends_at <= timezone.now()


def test_ending_an_ended_promotion_says_so(owner_client, shop):
    promotion = PromotionFactory(shop=shop, is_active=False)

    response = owner_client.post(f"/seller/promotions/{promotion.pk}/end/", follow=True)

    assert "This promotion has already ended." in response.content.decode()


def test_an_ended_promotion_cannot_be_edited(owner_client, shop):
    promotion = PromotionFactory(shop=shop, is_active=False)
    before = snapshot(promotion)

    get = owner_client.get(f"/seller/promotions/{promotion.pk}/").content.decode()
    response = owner_client.post(f"/seller/promotions/{promotion.pk}/", promotion_data(name="New"))

    assert "<fieldset disabled>" in get
    assert "An ended promotion cannot be changed." in errors_of(response)
    assert snapshot(promotion) == before


def test_ending_only_answers_a_post(owner_client, shop):
    promotion = PromotionFactory(shop=shop)

    assert owner_client.get(f"/seller/promotions/{promotion.pk}/end/").status_code == 405
    promotion.refresh_from_db()
    assert promotion.is_active is True


def test_the_list_filters_by_status(owner_client, shop):
    PromotionFactory(shop=shop, name="Running one")
    PromotionFactory(shop=shop, name="Over one", is_active=False)

    html = owner_client.get(PROMOTIONS, {"status": "ended"}).content.decode()

    assert "Over one" in html
    assert "Running one" not in html


# --- Coupons ------------------------------------------------------------------------------------


def test_the_owner_creates_a_coupon_stored_in_capitals(owner_client, shop, merchant):
    response = owner_client.post("/seller/coupons/new/", coupon_data(), follow=True)

    assert response.redirect_chain == [(COUPONS, 302)]
    assert "Coupon created." in response.content.decode()
    coupon = Coupon.objects.get()
    assert (coupon.shop, coupon.created_by, coupon.code) == (shop, merchant, "SPRING-5")
    assert (coupon.amount, coupon.min_spend, coupon.is_public) == (D("5.00"), D("50.00"), True)
    assert "SPRING-5" in response.content.decode()


def test_the_owner_creates_a_code_only_percentage_coupon(owner_client):
    data = coupon_data(
        kind=CouponKind.PERCENT_OFF, amount="", percent="20", max_discount="30", total_limit="100"
    )
    del data["is_public"]

    response = owner_client.post("/seller/coupons/new/", data)

    assert response.status_code == 302
    coupon = Coupon.objects.get()
    assert (coupon.percent, coupon.max_discount, coupon.amount) == (D("20.00"), D("30.00"), None)
    assert (coupon.is_public, coupon.total_limit) == (False, 100)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "-5"}, "greater than or equal to 0"),
        ({"amount": ""}, "The amount off must be more than 0."),
        ({"min_spend": "-1"}, "greater than or equal to 0"),
        ({"kind": CouponKind.PERCENT_OFF, "percent": "0"}, "more than 0 and less than 100"),
        ({"kind": CouponKind.PERCENT_OFF, "percent": "20", "max_discount": "-3"}, "greater than"),
        ({"code": "a!"}, "A code has 3 to 40 letters, digits, hyphens or underscores."),
        (
            {"starts_at": when(timedelta(days=2)), "ends_at": when(timedelta(days=1))},
            "The end must come after the start.",
        ),
        ({"per_user_limit": "0"}, "greater than or equal to 1"),
        ({"scope": Scope.PRODUCTS}, "Choose at least one product."),
    ],
)
def test_bad_coupon_input_is_explained_and_nothing_is_created(owner_client, fields, message):
    response = owner_client.post("/seller/coupons/new/", coupon_data(**fields))

    assert response.status_code == 200
    assert message in errors_of(response)
    assert not Coupon.objects.exists()


def test_a_taken_code_is_refused_whatever_the_case(owner_client):
    CouponFactory(code="SPRING-5")

    response = owner_client.post("/seller/coupons/new/", coupon_data(code="Spring-5"))

    assert "The code SPRING-5 is already taken." in errors_of(response)
    assert Coupon.objects.count() == 1


def test_the_owner_edits_a_coupon(owner_client, shop):
    coupon = CouponFactory(shop=shop, code="OLD-CODE")

    page = owner_client.get(f"/seller/coupons/{coupon.pk}/").content.decode()
    response = owner_client.post(
        f"/seller/coupons/{coupon.pk}/", coupon_data(code="old-code", amount="8")
    )

    assert 'value="OLD-CODE"' in page
    assert response.status_code == 302
    coupon.refresh_from_db()
    assert (coupon.code, coupon.amount, coupon.min_spend) == ("OLD-CODE", D("8.00"), D("50.00"))


def test_a_bad_coupon_edit_changes_nothing(owner_client, shop):
    coupon = CouponFactory(shop=shop)
    before = snapshot(coupon)

    response = owner_client.post(
        f"/seller/coupons/{coupon.pk}/", coupon_data(code=coupon.code, amount="-1")
    )

    assert response.status_code == 200
    assert "greater than or equal to 0" in errors_of(response)
    assert snapshot(coupon) == before


def test_the_owner_ends_a_coupon(owner_client, shop):
    coupon = CouponFactory(shop=shop)

    response = owner_client.post(f"/seller/coupons/{coupon.pk}/end/", follow=True)

    assert response.redirect_chain == [(COUPONS, 302)]
    assert "The coupon has ended." in response.content.decode()
    coupon.refresh_from_db()
    assert coupon.is_active is False


# --- Flash sales --------------------------------------------------------------------------------


def test_the_owner_creates_a_flash_sale(owner_client, shop, variant):
    response = owner_client.post("/seller/flash-sales/new/", flash_data(variant), follow=True)

    assert response.redirect_chain == [(FLASH_SALES, 302)]
    assert "Flash sale created." in response.content.decode()
    sale = FlashSale.objects.get()
    assert (sale.shop, sale.variant, sale.name) == (shop, variant, "Noon rush")
    assert (sale.price, sale.quantity, sale.quantity_left, sale.per_user_limit) == (
        D("6.00"),
        5,
        5,
        2,
    )
    assert f'id="flash-sale-{sale.pk}"' in response.content.decode()


def test_the_form_offers_only_the_shops_skus(owner_client, variant):
    theirs = VariantFactory(sku="THEIR-SKU", stock=5)

    html = owner_client.get("/seller/flash-sales/new/").content.decode()

    assert variant.sku in html
    assert theirs.sku not in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"price": "10.00"}, "The flash price must be below the normal price"),
        ({"price": "12.00"}, "The flash price must be below the normal price"),
        ({"price": "-1"}, "greater than or equal to 0.01"),
        ({"quantity": "21"}, "Only 20 in stock: the sale cannot offer more."),
        ({"quantity": "0"}, "greater than or equal to 1"),
        ({"per_user_limit": "0"}, "greater than or equal to 1"),
        (
            {"starts_at": when(timedelta(hours=5)), "ends_at": when(timedelta(hours=1))},
            "The end must come after the start.",
        ),
    ],
)
def test_bad_flash_sale_input_is_explained_and_nothing_is_created(
    owner_client, variant, fields, message
):
    response = owner_client.post("/seller/flash-sales/new/", flash_data(variant, **fields))

    assert response.status_code == 200
    assert message in errors_of(response)
    assert not FlashSale.objects.exists()


def test_a_flash_sale_of_another_shops_sku_is_refused(owner_client):
    theirs = VariantFactory(stock=20)

    response = owner_client.post("/seller/flash-sales/new/", flash_data(theirs))

    assert "Select a valid choice" in errors_of(response)
    assert not FlashSale.objects.exists()


def test_two_flash_sales_of_one_sku_cannot_overlap(owner_client, shop, variant):
    FlashSaleFactory(variant=variant, shop=shop)

    response = owner_client.post("/seller/flash-sales/new/", flash_data(variant))

    assert "This SKU already has a flash sale at that time." in errors_of(response)
    assert FlashSale.objects.count() == 1


def test_the_owner_edits_a_scheduled_flash_sale(owner_client, shop, variant):
    sale = FlashSaleFactory(
        variant=variant,
        shop=shop,
        starts_at=timezone.now() + timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=3),
    )
    data = flash_data(variant, price="7.50", quantity="8")
    del data["variant"]

    response = owner_client.post(f"/seller/flash-sales/{sale.pk}/", data)

    assert response.status_code == 302
    sale.refresh_from_db()
    assert (sale.price, sale.quantity, sale.quantity_left) == (D("7.50"), 8, 8)


def test_a_scheduled_flash_sale_cannot_be_raised_above_stock_or_price(owner_client, shop, variant):
    sale = FlashSaleFactory(
        variant=variant,
        shop=shop,
        starts_at=timezone.now() + timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=3),
    )
    before = snapshot(sale)
    data = flash_data(variant, quantity="50")
    del data["variant"]

    too_many = owner_client.post(f"/seller/flash-sales/{sale.pk}/", data)
    too_dear = owner_client.post(
        f"/seller/flash-sales/{sale.pk}/", {**data, "quantity": "5", "price": "10"}
    )

    assert "Only 20 in stock" in errors_of(too_many)
    assert "below the normal price" in errors_of(too_dear)
    assert snapshot(sale) == before


def test_a_running_flash_sale_can_only_be_ended(owner_client, shop, variant):
    sale = FlashSaleFactory(variant=variant, shop=shop)
    before = snapshot(sale)
    data = flash_data(variant, price="4.00")
    del data["variant"]

    response = owner_client.post(f"/seller/flash-sales/{sale.pk}/", data)
    ended = owner_client.post(f"/seller/flash-sales/{sale.pk}/end/", follow=True)

    assert "A flash sale that has started can only be ended." in errors_of(response)
    assert snapshot(sale)["price"] == before["price"]
    assert ended.redirect_chain == [(FLASH_SALES, 302)]
    assert "The flash sale has ended." in ended.content.decode()
    sale.refresh_from_db()
    assert sale.is_active is False


# --- Delivery prices ----------------------------------------------------------------------------


def test_the_owner_sets_flat_and_express_delivery_prices(owner_client, shop):
    first = owner_client.get(SHIPPING).content.decode()
    response = owner_client.post(SHIPPING, {"flat_rate": "60", "express_rate": "120"}, follow=True)

    assert "You have not set a delivery price yet" in first
    assert response.redirect_chain == [(SHIPPING, 302)]
    assert "Delivery prices saved." in response.content.decode()
    rate = ShippingRate.objects.get(shop=shop)
    assert (rate.flat_rate, rate.express_rate) == (D("60.00"), D("120.00"))
    assert 'value="60.00"' in response.content.decode()


def test_the_owner_drops_express_delivery(owner_client, shop):
    ShippingRate.objects.create(shop=shop, flat_rate=D("60"), express_rate=D("120"))

    owner_client.post(SHIPPING, {"flat_rate": "50", "express_rate": ""})

    rate = ShippingRate.objects.get(shop=shop)
    assert (rate.flat_rate, rate.express_rate) == (D("50.00"), None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"flat_rate": "-1", "express_rate": ""}, "greater than or equal to 0"),
        ({"flat_rate": "60", "express_rate": "-5"}, "greater than or equal to 0"),
        (
            {"flat_rate": "60", "express_rate": "40"},
            "Express delivery cannot cost less than standard delivery.",
        ),
        ({"flat_rate": "", "express_rate": "40"}, "This field is required."),
    ],
)
def test_bad_delivery_prices_are_explained_and_nothing_changes(owner_client, shop, data, message):
    rate = ShippingRate.objects.create(shop=shop, flat_rate=D("60"), express_rate=D("120"))
    before = snapshot(rate)

    response = owner_client.post(SHIPPING, data)

    assert response.status_code == 200
    assert message in errors_of(response)
    assert snapshot(rate) == before


# --- Who may ------------------------------------------------------------------------------------


@pytest.fixture
def offers(shop):
    """One promotion, coupon and flash sale of ``shop``, scheduled so all could still change."""
    later = {
        "starts_at": timezone.now() + timedelta(hours=1),
        "ends_at": timezone.now() + timedelta(days=2),
    }
    variant = VariantFactory(product=ProductFactory(shop=shop), price=D("10.00"), stock=20)
    return {
        "promotion": PromotionFactory(shop=shop, **later),
        "coupon": CouponFactory(shop=shop, **later),
        "flash-sale": FlashSaleFactory(variant=variant, shop=shop, **later),
    }


def object_posts(offers, variant):
    """Every object URL of ``offers`` with a valid POST body for it."""
    promotion, coupon, sale = offers["promotion"], offers["coupon"], offers["flash-sale"]
    sale_data = flash_data(variant, price="4.00")
    del sale_data["variant"]
    return [
        (f"/seller/promotions/{promotion.pk}/", promotion_data(name="Hijacked")),
        (f"/seller/promotions/{promotion.pk}/end/", {}),
        (f"/seller/coupons/{coupon.pk}/", coupon_data(code=coupon.code, amount="99")),
        (f"/seller/coupons/{coupon.pk}/end/", {}),
        (f"/seller/flash-sales/{sale.pk}/", sale_data),
        (f"/seller/flash-sales/{sale.pk}/end/", {}),
    ]


def snapshots(offers) -> dict:
    return {name: snapshot(obj) for name, obj in offers.items()}


def test_the_owner_can_change_every_object_the_others_cannot(client_as, merchant, offers, variant):
    """The pair of the 404 test below: the same posts by the owner do change things."""
    before = snapshots(offers)

    for url, data in object_posts(offers, variant):
        assert client_as(merchant).post(url, data).status_code == 302, url

    after = snapshots(offers)
    assert all(after[name] != before[name] for name in offers)


def test_another_shops_merchant_gets_404_on_every_object(
    client_as, other_merchant, offers, variant
):
    client = client_as(other_merchant)
    before = snapshots(offers)

    for url, data in object_posts(offers, variant):
        assert client.post(url, data).status_code == 404, url
        if not url.endswith("/end/"):
            assert client.get(url).status_code == 404, url

    assert snapshots(offers) == before


def test_a_shops_lists_show_only_its_own_offers(client_as, merchant, other_merchant, offers):
    rows = [
        (PROMOTIONS, f'id="promotion-{offers["promotion"].pk}"'),
        (COUPONS, f'id="coupon-{offers["coupon"].pk}"'),
        (FLASH_SALES, f'id="flash-sale-{offers["flash-sale"].pk}"'),
    ]

    for url, row in rows:
        assert row in client_as(merchant).get(url).content.decode(), url
        response = client_as(other_merchant).get(url)
        assert response.status_code == 200
        assert row not in response.content.decode(), url


def test_another_shops_merchant_sets_their_own_delivery_price_only(client_as, shop, other_merchant):
    ShippingRate.objects.create(shop=shop, flat_rate=D("60"))

    client_as(other_merchant).post(SHIPPING, {"flat_rate": "1", "express_rate": ""})

    assert ShippingRate.objects.get(shop=shop).flat_rate == D("60.00")
    assert ShippingRate.objects.get(shop=shop_of(other_merchant)).flat_rate == D("1.00")


SELLER_PAGES = [
    PROMOTIONS,
    "/seller/promotions/new/",
    COUPONS,
    "/seller/coupons/new/",
    FLASH_SALES,
    "/seller/flash-sales/new/",
    SHIPPING,
]


def test_a_shopper_without_a_shop_is_sent_to_apply(client_as, user, offers, variant):
    client = client_as(user)
    before = snapshots(offers)

    for url in SELLER_PAGES:
        response = client.get(url)
        assert (response.status_code, response.url) == (302, reverse("sellers:apply")), url
    for url, data in object_posts(offers, variant):
        assert client.post(url, data).url == reverse("sellers:apply"), url
    client.post("/seller/promotions/new/", promotion_data())
    client.post(SHIPPING, {"flat_rate": "1"})

    assert snapshots(offers) == before
    assert Promotion.objects.count() == 1
    assert not ShippingRate.objects.exists()


def test_a_visitor_is_sent_to_log_in(client):
    for url in SELLER_PAGES:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login")), url


def test_a_clerk_reads_the_lists_without_the_buttons_to_change(client_as, clerk, offers):
    client = client_as(clerk)

    for url, button in [
        (PROMOTIONS, "/seller/promotions/new/"),
        (COUPONS, "/seller/coupons/new/"),
        (FLASH_SALES, "/seller/flash-sales/new/"),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert f'href="{button}"' not in response.content.decode()
    page = client.get(f"/seller/promotions/{offers['promotion'].pk}/").content.decode()
    assert "Only the shop's owner or a manager can change this." in page
    assert "End now" not in page


@pytest.mark.parametrize(
    "url", ["/seller/promotions/new/", "/seller/coupons/new/", "/seller/flash-sales/new/"]
)
def test_a_clerk_cannot_open_the_create_forms(client_as, clerk, url):
    assert client_as(clerk).get(url).status_code == 403


def test_a_clerk_cannot_create_change_or_end_anything(client_as, clerk, shop, offers, variant):
    client = client_as(clerk)
    ShippingRate.objects.create(shop=shop, flat_rate=D("60"))
    before = snapshots(offers)

    created = [
        client.post("/seller/promotions/new/", promotion_data()),
        client.post("/seller/coupons/new/", coupon_data(code="CLERK-1")),
        client.post(
            "/seller/flash-sales/new/",
            flash_data(variant, **window(timedelta(days=3), timedelta(days=4))),
        ),
    ]
    changed = {url: client.post(url, data) for url, data in object_posts(offers, variant)}
    shipping = client.post(SHIPPING, {"flat_rate": "1", "express_rate": ""})

    assert [response.status_code for response in created] == [403, 403, 403]
    for url, response in changed.items():
        if url.endswith("/end/"):
            assert response.status_code == 403, url
        else:
            assert response.status_code == 200, url
            assert "Only the shop&#x27;s owner or a manager can change promotions." in (
                errors_of(response)
            ), url
    assert "Only the shop&#x27;s owner or a manager can change promotions." in errors_of(shipping)
    assert snapshots(offers) == before
    assert (Promotion.objects.count(), Coupon.objects.count(), FlashSale.objects.count()) == (
        1,
        1,
        1,
    )
    assert ShippingRate.objects.get(shop=shop).flat_rate == D("60.00")


def test_a_manager_creates_and_ends_offers(client_as, manager, shop, variant):
    client = client_as(manager)

    assert client.post("/seller/promotions/new/", promotion_data()).status_code == 302
    assert client.post("/seller/coupons/new/", coupon_data()).status_code == 302
    assert client.post("/seller/flash-sales/new/", flash_data(variant)).status_code == 302
    assert client.post(SHIPPING, {"flat_rate": "30", "express_rate": ""}).status_code == 302
    promotion = Promotion.objects.get(shop=shop)
    assert client.post(f"/seller/promotions/{promotion.pk}/end/").status_code == 302
    promotion.refresh_from_db()
    assert promotion.is_active is False
    assert promotion.created_by == manager


# --- Navigation ---------------------------------------------------------------------------------


def test_the_dashboard_menu_links_the_promotion_pages(owner_client):
    html = owner_client.get(reverse("sellers:dashboard")).content.decode()

    nav = re.search(r'<nav class="side-nav".*?</nav>', html, re.S).group(0)
    for url, label in [
        (PROMOTIONS, "Promotions"),
        (COUPONS, "Coupons"),
        (FLASH_SALES, "Flash sales"),
        (SHIPPING, "Delivery prices"),
    ]:
        assert re.search(rf'<a href="{url}"[^>]*>{label}</a>', nav), label


def test_a_clerk_sees_the_promotion_pages_in_the_menu(client_as, clerk):
    html = client_as(clerk).get(reverse("sellers:dashboard")).content.decode()

    for url in (PROMOTIONS, COUPONS, FLASH_SALES, SHIPPING):
        assert f'href="{url}"' in html


@pytest.mark.parametrize(
    ("url", "label"),
    [
        (PROMOTIONS, "Promotions"),
        ("/seller/promotions/new/", "Promotions"),
        (COUPONS, "Coupons"),
        ("/seller/coupons/new/", "Coupons"),
        (FLASH_SALES, "Flash sales"),
        ("/seller/flash-sales/new/", "Flash sales"),
        (SHIPPING, "Delivery prices"),
    ],
)
def test_the_section_tabs_mark_the_current_page(owner_client, url, label):
    html = owner_client.get(url).content.decode()

    tabs = re.search(r'<nav class="cluster section-tabs".*?</nav>', html, re.S).group(0)
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]*)</a>', tabs)
    assert current == [label]


@pytest.mark.parametrize(
    ("url", "label"),
    [
        (PROMOTIONS, "Promotions"),
        (COUPONS, "Coupons"),
        (FLASH_SALES, "Flash sales"),
        (SHIPPING, "Delivery prices"),
    ],
)
def test_the_dashboard_menu_marks_the_current_section(owner_client, url, label):
    html = owner_client.get(url).content.decode()

    nav = re.search(r'<nav class="side-nav".*?</nav>', html, re.S).group(0)
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]*)</a>', nav)
    assert current == [label]


@pytest.mark.parametrize(
    ("url", "heading", "button", "empty"),
    [
        (PROMOTIONS, "Promotions", "New promotion", "No promotions yet"),
        (COUPONS, "Coupons", "New coupon", "No coupons yet"),
        (FLASH_SALES, "Flash sales", "New flash sale", "No flash sales yet"),
    ],
)
def test_an_empty_list_has_its_heading_button_and_empty_state(
    owner_client, url, heading, button, empty
):
    html = owner_client.get(url).content.decode()

    assert f"<title>{heading} ·" in html and f"<h1>{heading}</h1>" in html
    assert button in html and empty in html
    filtered = owner_client.get(url, {"status": "ended"}).content.decode()
    assert "with this status" in filtered and empty not in filtered
