"""The seller's shipping page and label, and the buyer's tracking page: the owner can, another
shop or shopper gets a 404 and nothing changes."""

import pytest

from logistics.models import Shipment, ShipmentStatus
from logistics.services.shipments import PackageSpec, create_shipment
from logistics.services.tracking import apply_tracking_events
from orders.models import Order, OrderStatus
from tests.accounts.factories import UserFactory
from tests.orders.lifecycle_support import owner_of
from tests.sellers.factories import ShopFactory

from .test_tracking import update

pytestmark = pytest.mark.django_db


def form_data(to_ship, **extra) -> dict:
    line = to_ship.order.lines.get()
    return {
        "service": f"{to_ship.carrier.pk}:express",
        "tracking_number": "",
        f"line_{line.pk}": "2",
        "packages-TOTAL_FORMS": "3",
        "packages-INITIAL_FORMS": "0",
        "packages-MIN_NUM_FORMS": "1",
        "packages-MAX_NUM_FORMS": "20",
        "packages-0-weight_grams": "750",
        "packages-1-weight_grams": "300",
        **extra,
    }


def test_the_seller_order_page_links_to_shipping(client_as, to_ship):
    response = client_as(to_ship.owner).get(f"/seller/orders/{to_ship.order.number}/")

    assert response.status_code == 200
    assert f'href="/seller/orders/{to_ship.order.number}/shipments/"'.encode() in response.content


def test_the_owner_ships_part_of_the_order_from_the_dashboard(client_as, to_ship):
    url = f"/seller/orders/{to_ship.order.number}/shipments/"
    client = client_as(to_ship.owner)
    assert client.get(url).status_code == 200

    response = client.post(url, form_data(to_ship))

    assert response.status_code == 302
    shipment = Shipment.objects.get()
    assert (shipment.service, shipment.weight_grams, shipment.items.get().quantity) == (
        "express",
        1050,
        2,
    )
    assert Order.objects.get(pk=to_ship.order.pk).status == OrderStatus.SHIPPED
    page = client.get(url)
    assert shipment.tracking_number.encode() in page.content
    assert b"Label (PDF)" in page.content


def test_a_refused_shipment_shows_why_and_changes_nothing(client_as, to_ship):
    url = f"/seller/orders/{to_ship.order.number}/shipments/"
    line = to_ship.order.lines.get()

    response = client_as(to_ship.owner).post(url, form_data(to_ship, **{f"line_{line.pk}": "0"}))

    assert response.status_code == 400
    assert b"Nothing is left to ship in this order." in response.content
    assert not Shipment.objects.exists()


def test_another_merchant_cannot_ship_the_order(client_as, to_ship):
    stranger = owner_of(ShopFactory())
    url = f"/seller/orders/{to_ship.order.number}/shipments/"

    assert client_as(stranger).get(url).status_code == 404
    assert client_as(stranger).post(url, form_data(to_ship)).status_code == 404

    assert not Shipment.objects.exists()
    assert Order.objects.get(pk=to_ship.order.pk).status == OrderStatus.PAID


def _shipment(to_ship) -> Shipment:
    return create_shipment(
        order=to_ship.order,
        by=to_ship.owner,
        carrier=to_ship.carrier,
        service="standard",
        packages=[PackageSpec(500)],
    )


def test_only_the_shop_downloads_the_label(client_as, to_ship):
    shipment = _shipment(to_ship)
    url = f"/seller/shipments/{shipment.pk}/label.pdf"

    response = client_as(to_ship.owner).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_as(owner_of(ShopFactory())).get(url).status_code == 404


def test_another_merchant_cannot_book_or_discard_a_shipment(client_as, to_ship):
    shipment = _shipment(to_ship)
    stranger = client_as(owner_of(ShopFactory()))

    assert stranger.post(f"/seller/shipments/{shipment.pk}/discard/").status_code == 404
    assert stranger.post(f"/seller/shipments/{shipment.pk}/book/").status_code == 404
    assert Shipment.objects.filter(pk=shipment.pk).exists()


def test_the_buyer_sees_every_tracking_event(client_as, to_ship):
    shipment = _shipment(to_ship)
    apply_tracking_events(
        shipment=shipment,
        events=[update("pick", ShipmentStatus.PICKED_UP, 1, where="Taipei depot")],
    )
    buyer = client_as(to_ship.order.buyer)

    order_page = buyer.get(f"/orders/{to_ship.order.number}/")
    response = buyer.get(f"/orders/{to_ship.order.number}/tracking/")

    assert f'href="/orders/{to_ship.order.number}/tracking/"'.encode() in order_page.content
    assert response.status_code == 200
    content = response.content.decode()
    assert shipment.tracking_number in content
    assert "Taipei depot" in content and "Picked up" in content and "Label created" in content
    assert f"https://track.example/{shipment.tracking_number}" in content


def test_another_shopper_cannot_see_the_tracking(client_as, to_ship):
    _shipment(to_ship)

    response = client_as(UserFactory()).get(f"/orders/{to_ship.order.number}/tracking/")

    assert response.status_code == 404


def test_the_tracking_page_takes_a_fixed_number_of_queries(
    client_as, to_ship, django_assert_max_num_queries
):
    line = to_ship.order.lines.get()
    for _ in range(3):
        create_shipment(
            order=to_ship.order,
            by=to_ship.owner,
            carrier=to_ship.carrier,
            service="standard",
            packages=[PackageSpec(500)],
            items={line.pk: 1},
        )
    client = client_as(to_ship.order.buyer)

    with django_assert_max_num_queries(14):
        client.get(f"/orders/{to_ship.order.number}/tracking/")
