"""Checkout with shipping templates, end to end: the order keeps the template's price and the
chosen option (eco packaging included); a shop that does not deliver to the address stops the
order with a clear message and nothing is placed; the page shows options for the chosen address,
CO2 and duties; the cart page's queries do not grow with templates, shops or lines."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from logistics.models import ProductShippingTemplate, ServiceLevel, ShopLogistics
from orders.errors import CheckoutError
from orders.models import Cart, CartLine, Order, OrderGroup
from orders.services.checkout import place_order
from orders.services.quotes import quote_lines
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.sellers.factories import ShopFactory

from .factories import DutyRateFactory, ShippingRegionFactory, ShippingTemplateFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def buyer():
    return UserFactory()


def shop_with_template(*, eco=False, name=None):
    shop = ShopFactory(**({"name": name} if name else {}))
    ShopLogistics.objects.create(shop=shop, ships_from_region="Taipei", offers_eco_packaging=eco)
    template = ShippingTemplateFactory(shop=shop)
    ShippingRegionFactory(template=template, countries=["TW"])  # 60 first kg, 20 per 500 g
    ShippingRegionFactory(
        template=template, countries=["TW"], level=ServiceLevel.EXPRESS, first_price=D("150")
    )
    ShippingRegionFactory(template=template, countries=["JP"], first_price=D("200"))
    return shop


def sku(shop, *, grams=800, price="100.00"):
    return VariantFactory(
        product=ProductFactory(shop=shop), weight_grams=grams, price=D(price), stock=20
    )


def test_the_order_keeps_the_templates_price_and_the_chosen_eco_option(buyer):
    shop = shop_with_template(eco=True)
    shirt = sku(shop, grams=800)
    home = AddressFactory(user=buyer, country="TW", region="Taipei")

    group = place_order(
        buyer=buyer,
        pairs=[(shirt.pk, 2)],  # 1,600 g: 60 + 2 x 20
        address=home,
        delivery={shop.pk: "standard-eco"},
        idempotency_key=uuid.uuid4(),
    )

    order = group.orders.get()
    assert (order.delivery_option, order.delivery_label) == (
        "standard-eco",
        "Standard delivery, eco packaging",
    )
    assert order.shipping_price == D("100.00")
    assert order.total == D("300.00")
    assert group.shipping_total == D("100.00")


def test_a_shop_that_does_not_deliver_to_the_address_stops_the_order(buyer):
    no_row, refused_row = shop_with_template(), shop_with_template(name="Island Only")
    ShippingRegionFactory(
        template=refused_row.shipping_templates.get(), countries=["US"], is_served=False
    )
    pairs = [(sku(no_row).pk, 1), (sku(refused_row).pk, 1)]
    abroad = AddressFactory(user=buyer, country="US", region="CA")

    quote = quote_lines(pairs=pairs, user=buyer, address=abroad)
    with pytest.raises(CheckoutError) as refused:
        place_order(buyer=buyer, pairs=pairs, address=abroad, idempotency_key=uuid.uuid4())

    message = "does not deliver to this address: choose another address or remove its items."
    assert quote.has_problems
    assert [p for p in quote.problems if message in p] == [
        f"{no_row.name} {message}",
        f"Island Only {message}",
    ]
    assert message in refused.value.message
    assert not OrderGroup.objects.exists() and not Order.objects.exists()


def test_the_checkout_page_quotes_the_chosen_address_with_co2_and_duties(client_as, buyer):
    shop = shop_with_template(eco=True)
    DutyRateFactory(country="JP", duty_percent=D("5"), tax_percent=D("10"), de_minimis=D("50"))
    client = client_as(buyer)
    AddressFactory(user=buyer, country="TW", region="Taipei", is_default=True)
    tokyo = AddressFactory(user=buyer, country="JP", region="Tokyo")
    client.post("/cart/add/", {"variant": sku(shop, grams=500).pk, "quantity": 1})

    home = client.get("/checkout/")
    abroad = client.post("/checkout/", {"address": tokyo.pk, "action": "refresh"})

    home_shop = home.context["quote"].shops[0]
    assert [(o.code, o.price) for o in home_shop.delivery_options] == [
        ("standard", D("60.00")),
        ("standard-eco", D("60.00")),
        ("express", D("150.00")),
        ("express-eco", D("150.00")),
    ]
    html = home.content.decode()
    assert "About 303 g of CO2e (same province or state, estimate)" in html
    assert "Estimated import duties" not in html
    tokyo_shop = abroad.context["quote"].shops[0]
    assert [(o.code, o.price) for o in tokyo_shop.delivery_options] == [
        ("standard", D("200.00")),
        ("standard-eco", D("200.00")),
    ]
    assert tokyo_shop.delivery.duties == D("15.50")  # 5.00 duty + 10.50 tax
    html = abroad.content.decode()
    assert "Estimated import duties and taxes: US$15.50." in html
    assert "About 675 g of CO2e (same continent, estimate)" in html
    assert abroad.context["quote"].quote.total == D("300.00")  # duties are not charged


def test_placing_from_the_page_charges_the_price_shown_for_the_address(client_as, buyer):
    shop = shop_with_template()
    client = client_as(buyer)
    tokyo = AddressFactory(user=buyer, country="JP", region="Tokyo", is_default=True)
    client.post("/cart/add/", {"variant": sku(shop).pk, "quantity": 1})
    page = client.get("/checkout/")

    response = client.post(
        "/checkout/",
        {
            "idempotency_key": str(page.context["idempotency_key"]),
            "expected_total": str(page.context["quote"].quote.total),
            "address": tokyo.pk,
            f"delivery-{shop.pk}": "standard",
            "action": "place",
        },
    )

    assert response.status_code == 302
    order = Order.objects.get(buyer=buyer)
    assert (order.shipping_price, order.total) == (D("200.00"), D("300.00"))


def _cart_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/cart/").status_code == 200
    return len(captured)


def _fill(cart, *, shops: int, lines_per_shop: int) -> None:
    for n in range(shops):
        shop = shop_with_template(eco=bool(n % 2))
        bulky = ShippingTemplateFactory(shop=shop, is_default=False)
        ShippingRegionFactory(template=bulky, first_price=D("300"))
        for m in range(lines_per_shop):
            variant = sku(shop)
            if m % 2:
                ProductShippingTemplate.objects.create(product=variant.product, template=bulky)
            CartLine.objects.create(cart=cart, variant=variant, quantity=1)


def test_the_cart_page_with_templates_costs_the_same_queries_however_many_shops(client_as, buyer):
    other = UserFactory()
    small, large = Cart.objects.create(user=buyer), Cart.objects.create(user=other)
    _fill(small, shops=1, lines_per_shop=1)
    _fill(large, shops=4, lines_per_shop=3)

    small_count = _cart_page_queries(client_as(buyer))
    large_count = _cart_page_queries(client_as(other))

    assert large_count == small_count <= 30
