"""The display currency in the pages: the header chooser for guests and users, and the
approximate amounts next to base-currency prices (cards, product page, cart, checkout, orders),
with the charge currency said plainly at checkout."""

import re
import uuid
from decimal import Decimal

import pytest

from orders.models import OrderGroup
from orders.services.checkout import place_order
from payments.services.currencies import SESSION_KEY
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import CategoryFactory, VariantFactory
from tests.catalog.storefront_support import listed

from .currency_support import with_rates

pytestmark = pytest.mark.django_db


def approx_amounts(html: str) -> list[str]:
    return re.findall(r'<span class="money-approx"[^>]*>≈ ([^<]+)</span>', html)


def add_to_cart(client, variant, quantity=1):
    return client.post("/cart/add/", {"variant": variant.pk, "quantity": quantity})


# --- The chooser --------------------------------------------------------------------------------


def test_the_header_offers_every_configured_currency(client, settings):
    html = client.get("/").content.decode()

    chooser = html[html.index('class="menu currency-menu"') :]
    chooser = chooser[: chooser.index("</details>")]
    assert re.findall(r'name="currency" value="(\w+)"', chooser) == settings.CURRENCIES
    assert 'action="/payments/currency/"' in chooser
    assert 'value="USD" aria-current="true"' in chooser


def test_a_guest_chooses_a_currency_for_the_session_and_goes_back(client):
    response = client.post("/payments/currency/", {"currency": "TWD", "next": "/search/?q=mug"})

    assert response.status_code == 302
    assert response["Location"] == "/search/?q=mug"
    assert client.session[SESSION_KEY] == "TWD"
    html = client.get("/").content.decode()
    assert 'value="TWD" aria-current="true"' in html


def test_a_user_chooses_a_currency_which_the_account_keeps(client_as):
    user = UserFactory(currency="")
    client = client_as(user)

    client.post("/payments/currency/", {"currency": "JPY", "next": "/"})

    user.refresh_from_db()
    assert user.currency == "JPY"


def test_an_unknown_currency_is_refused_with_a_message_and_changes_nothing(client_as):
    user = UserFactory(currency="TWD")
    client = client_as(user)

    response = client.post("/payments/currency/", {"currency": "XYZ", "next": "/"}, follow=True)

    assert "XYZ is not a currency the marketplace shows prices in." in response.content.decode()
    user.refresh_from_db()
    assert user.currency == "TWD"
    assert SESSION_KEY not in client.session


def test_the_chooser_only_goes_back_to_this_site(client):
    response = client.post(
        "/payments/currency/", {"currency": "EUR", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_the_chooser_takes_only_posts(client):
    assert client.get("/payments/currency/?currency=TWD").status_code == 405
    assert SESSION_KEY not in client.session


# --- Approximate amounts ------------------------------------------------------------------------


def test_product_cards_show_an_approximate_range_in_the_chosen_currency(client):
    with_rates(TWD="31.5")
    category = CategoryFactory(slug="mugs")
    product = listed(title="Mug", category=category, price="10.00")
    VariantFactory(product=product, price=Decimal("12.99"), stock=3)
    product.price_max = Decimal("12.99")
    product.save(update_fields=["price_max"])
    client.post("/payments/currency/", {"currency": "TWD"})

    html = client.get("/c/mugs/").content.decode()

    assert approx_amounts(html) == ["NT$315 \N{EN DASH} NT$409"]
    assert "US$10.00" in html  # the price itself stays in the base currency


def test_nothing_is_added_in_the_base_currency_or_without_a_rate(client):
    category = CategoryFactory(slug="mugs")
    listed(title="Mug", category=category, price="10.00")

    assert approx_amounts(client.get("/c/mugs/").content.decode()) == []
    client.post("/payments/currency/", {"currency": "EUR"})  # no EUR rate in the table
    assert approx_amounts(client.get("/c/mugs/").content.decode()) == []


def test_the_product_page_shows_the_approximate_price(client):
    with_rates(EUR="0.9215")
    product = listed(title="Kettle", price="25.00")
    client.post("/payments/currency/", {"currency": "EUR"})

    html = client.get(f"/p/{product.slug}/").content.decode()

    assert approx_amounts(html) == ["€23.04"]  # 23.0375 rounded half up
    assert re.search(r'<strong id="variant-price">US\$25.00</strong>', html)


def test_the_cart_shows_approximate_shop_and_grand_totals(client_as):
    with_rates(TWD="31.5")
    user = UserFactory(currency="TWD")
    client = client_as(user)
    add_to_cart(client, VariantFactory(stock=5, price=Decimal("10.00")), quantity=2)

    html = client.get("/cart/").content.decode()

    # 20.00 + 5.00 delivery = 25.00 -> NT$788 (787.5 half up), for the shop and in all
    assert approx_amounts(html) == ["NT$788", "NT$788"]


def test_checkout_says_the_charge_is_in_the_base_currency(client_as):
    with_rates(TWD="31.5")
    user = UserFactory(currency="TWD")
    client = client_as(user)
    AddressFactory(user=user)
    add_to_cart(client, VariantFactory(stock=5, price=Decimal("10.00")))

    html = client.get("/checkout/").content.decode()

    assert approx_amounts(html) == ["NT$473", "NT$473"]  # 15.00 * 31.5 = 472.5
    notice = re.search(r'<p class="charge-currency" id="charge-currency">(.*?)</p>', html)
    assert "You will be charged in USD." in notice.group(1)
    assert "Amounts in TWD are approximate" in notice.group(1)


def test_checkout_in_the_base_currency_still_names_the_charge_currency(client_as):
    user = UserFactory()
    client = client_as(user)
    AddressFactory(user=user)
    add_to_cart(client, VariantFactory(stock=5))

    html = client.get("/checkout/").content.decode()

    notice = re.search(r'<p class="charge-currency" id="charge-currency">(.*?)</p>', html)
    assert notice.group(1) == "You will be charged in USD."
    assert approx_amounts(html) == []


# --- The rate an order recorded -----------------------------------------------------------------


def test_placing_an_order_records_the_rate_the_buyer_saw(client_as):
    with_rates(TWD="31.5")
    user = UserFactory(currency="TWD")
    client = client_as(user)
    address = AddressFactory(user=user)
    add_to_cart(client, VariantFactory(stock=5, price=Decimal("10.00")))
    page = client.get("/checkout/")

    response = client.post(
        "/checkout/",
        {
            "idempotency_key": str(page.context["idempotency_key"]),
            "expected_total": str(page.context["quote"].quote.total),
            "address": address.pk,
            "action": "place",
        },
    )

    group = OrderGroup.objects.get(buyer=user)
    assert response.status_code == 302
    assert (group.currency, group.total) == ("USD", Decimal("15.00"))  # charged in the base
    assert (group.display_currency, group.display_rate) == ("TWD", Decimal("31.5"))
    done = client.get(response["Location"]).content.decode()
    assert approx_amounts(done) == ["NT$473"]


def test_an_order_in_the_base_currency_records_a_rate_of_one(client_as):
    user = UserFactory()
    address = AddressFactory(user=user)
    variant = VariantFactory(stock=5)

    group = place_order(
        buyer=user, pairs=[(variant.pk, 1)], address=address, idempotency_key=uuid.uuid4()
    )

    assert (group.display_currency, group.display_rate) == ("USD", Decimal(1))


def test_the_order_page_converts_at_the_recorded_rate_not_todays(client_as):
    user = UserFactory(currency="TWD")
    address = AddressFactory(user=user)
    variant = VariantFactory(stock=5, price=Decimal("10.00"))
    group = place_order(
        buyer=user,
        pairs=[(variant.pk, 1)],
        address=address,
        idempotency_key=uuid.uuid4(),
        display_currency="TWD",
        display_rate=Decimal("30"),
    )
    with_rates(TWD="40")  # the rate has moved since

    html = client_as(user).get(f"/orders/{group.orders.get().number}/").content.decode()

    assert approx_amounts(html) == ["NT$450"]  # 15.00 at 30, not 600 at 40
    assert "1 USD = 30 TWD" in html
