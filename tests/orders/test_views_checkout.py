"""The checkout pages: address, delivery, coupons, review, place; never a posted price."""

from decimal import Decimal

import pytest

from orders.models import OrderGroup
from tests.accounts.factories import AddressFactory
from tests.catalog.factories import VariantFactory

pytestmark = pytest.mark.django_db


def add(client, variant, quantity=1, **extra):
    return client.post("/cart/add/", {"variant": variant.pk, "quantity": quantity, **extra})


def form_values(response) -> dict:
    context = response.context
    return {
        "idempotency_key": str(context["idempotency_key"]),
        "coupon_codes": context["choices"].codes_value,
        "expected_total": str(context["quote"].quote.total),
    }


def test_guests_are_asked_to_log_in(client):
    response = client.get("/checkout/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_empty_cart_goes_back_to_the_cart(client_as, user):
    response = client_as(user).get("/checkout/")

    assert response.status_code == 302
    assert response["Location"] == "/cart/"


def test_placing_two_shops_gives_two_orders_waiting_for_payment(client_as, user):
    client = client_as(user)
    address = AddressFactory(user=user)
    mug, tea = VariantFactory(stock=5), VariantFactory(stock=5)
    add(client, mug)
    add(client, tea, quantity=2, price="0.01")  # a posted price is ignored

    page = client.get("/checkout/")
    assert page.status_code == 200
    assert page.context["quote"].quote.total == (mug.price + tea.price * 2 + Decimal("10.00"))
    response = client.post(
        "/checkout/", {**form_values(page), "address": address.pk, "action": "place"}
    )

    group = OrderGroup.objects.get(buyer=user)
    assert response.status_code == 302
    assert response["Location"] == f"/checkout/done/{group.number}/"
    assert group.orders.count() == 2
    assert group.items_total == mug.price + tea.price * 2
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert done.content.decode().count("Waiting for payment") == 2
    assert client.get("/cart/").context["cart_count"] == 0


def test_posting_the_same_form_twice_places_one_order(client_as, user):
    client = client_as(user)
    address = AddressFactory(user=user)
    add(client, VariantFactory(stock=5))
    values = {**form_values(client.get("/checkout/")), "address": address.pk, "action": "place"}

    client.post("/checkout/", values)
    client.post("/checkout/", values)

    assert OrderGroup.objects.filter(buyer=user).count() == 1


def test_a_new_address_is_validated_and_saved(client_as, user):
    client = client_as(user)
    add(client, VariantFactory(stock=5))
    values = {**form_values(client.get("/checkout/")), "address": "new", "action": "place"}

    refused = client.post("/checkout/", {**values, "new-recipient": ""})
    assert refused.status_code == 200
    assert not OrderGroup.objects.exists()

    placed = client.post(
        "/checkout/",
        {
            **values,
            "new-recipient": "Lin Mei",
            "new-phone": "+886912345678",
            "new-country": "TW",
            "new-city": "Taipei",
            "new-street": "1 Roosevelt Rd",
        },
    )
    assert placed.status_code == 302
    assert OrderGroup.objects.get().recipient == "Lin Mei"
    assert user.addresses.count() == 1


def test_another_shoppers_confirmation_page_is_not_found(client_as, user, other_user):
    client = client_as(user)
    add(client, VariantFactory(stock=5))
    values = {
        **form_values(client.get("/checkout/")),
        "address": AddressFactory(user=user).pk,
        "action": "place",
    }
    client.post("/checkout/", values)
    group = OrderGroup.objects.get()

    assert client_as(other_user).get(f"/checkout/done/{group.number}/").status_code == 404
