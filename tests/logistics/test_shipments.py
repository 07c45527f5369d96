"""Shipping an order: booking through the adapter (once per booking key), partial shipments that
never exceed what was ordered, who may ship, eco packaging and CO2, customs declarations and the
label PDF."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from logistics.adapters import sandbox as sandbox_adapter
from logistics.errors import CarrierError, ShipmentError
from logistics.models import (
    CustomsDeclaration,
    DutyRate,
    Incoterm,
    Shipment,
    ShipmentStatus,
    ShopLogistics,
    TrackingEvent,
)
from logistics.services import co2
from logistics.services.labels import render_label
from logistics.services.shipments import (
    PackageSpec,
    book_shipment,
    create_shipment,
    discard_shipment,
)
from orders.models import Order, OrderGroup, OrderLine, OrderStatus
from tests.accounts.factories import UserFactory
from tests.orders.lifecycle_support import member_of, owner_of
from tests.sellers.factories import ShopFactory

from .conftest import paid_order
from .factories import carrier_with

pytestmark = pytest.mark.django_db

ONE_KILO = [PackageSpec(weight_grams=1000)]


def ship(to_ship, **kwargs):
    arguments = {
        "order": to_ship.order,
        "by": to_ship.owner,
        "carrier": to_ship.carrier,
        "service": "standard",
        "packages": ONE_KILO,
        **kwargs,
    }
    return create_shipment(**arguments)


def test_the_shop_ships_a_paid_order_with_the_sandbox(to_ship):
    now = timezone.now()

    shipment = ship(to_ship, packages=[PackageSpec(600), PackageSpec(450, 30, 20, 10)], now=now)

    shipment.refresh_from_db()
    assert shipment.tracking_number == sandbox_adapter.tracking_number_for(shipment.booking_key.int)
    assert shipment.tracking_number.startswith("SBX")
    assert shipment.carrier_reference == f"sbx-{int(now.timestamp())}"
    assert (shipment.status, shipment.weight_grams, shipment.packages.count()) == (
        ShipmentStatus.LABEL_CREATED,
        1050,
        2,
    )
    assert list(shipment.items.values_list("line__quantity", "quantity")) == [(3, 3)]
    assert shipment.estimated_delivery == (timezone.localtime(now) + timedelta(days=4)).date()
    assert shipment.next_poll_at == now
    assert shipment.label.read().startswith(b"%PDF")
    events = TrackingEvent.objects.filter(shipment=shipment)
    assert list(events.values_list("status", flat=True)) == [ShipmentStatus.LABEL_CREATED]
    order = Order.objects.get(pk=to_ship.order.pk)
    assert (order.status, order.carrier, order.tracking_number) == (
        OrderStatus.SHIPPED,
        "Demo Express",
        shipment.tracking_number,
    )


def test_booking_again_is_the_same_parcel(to_ship):
    shipment = ship(to_ship)
    number, label = shipment.tracking_number, shipment.label.name

    again = book_shipment(shipment=Shipment.objects.get(pk=shipment.pk), by=to_ship.owner)

    assert (again.tracking_number, again.label.name) == (number, label)
    assert Shipment.objects.count() == 1
    # The sandbox derives the number from the booking key: a retried booking is one parcel.
    booked = sandbox_adapter.SandboxAdapter().book(
        shipment=again, tracking_number="", now=timezone.now()
    )
    assert booked.tracking_number == number


def test_a_clerk_of_the_shop_may_ship(to_ship):
    clerk = member_of(to_ship.order.shop, "clerk")

    shipment = ship(to_ship, by=clerk)

    assert shipment.created_by == clerk


def test_another_merchant_cannot_ship_the_order(to_ship):
    stranger = owner_of(ShopFactory())

    with pytest.raises(ShipmentError) as refused:
        ship(to_ship, by=stranger)

    assert refused.value.code == "not_seller"
    assert not Shipment.objects.exists()
    assert Order.objects.get(pk=to_ship.order.pk).status == OrderStatus.PAID


@pytest.mark.parametrize(
    "status", [OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED, OrderStatus.DELIVERED]
)
def test_only_a_paid_or_shipped_order_can_ship(to_ship, status):
    Order.objects.filter(pk=to_ship.order.pk).update(status=status)
    to_ship.order.refresh_from_db()

    with pytest.raises(ShipmentError) as refused:
        ship(to_ship)

    assert refused.value.code == "not_paid"
    assert not Shipment.objects.exists()


def test_partial_shipments_never_exceed_what_was_ordered(to_ship):
    line = to_ship.order.lines.get()

    first = ship(to_ship, items={line.pk: 2})
    assert Order.objects.get(pk=to_ship.order.pk).status == OrderStatus.SHIPPED

    with pytest.raises(ShipmentError) as refused:
        ship(to_ship, items={line.pk: 2})
    assert refused.value.code == "too_many"
    assert "Only 1 of an item are left to ship" in refused.value.message

    second = ship(to_ship)  # the rest
    assert list(second.items.values_list("quantity", flat=True)) == [1]
    with pytest.raises(ShipmentError) as nothing_left:
        ship(to_ship)
    assert nothing_left.value.code == "nothing_to_ship"
    assert Shipment.objects.count() == 2
    assert first.order.shipments.count() == 2
    # The order moved to shipped once, with the first parcel's number.
    assert Order.objects.get(pk=to_ship.order.pk).tracking_number == first.tracking_number


def test_a_line_of_another_order_is_refused(to_ship):
    other_line = paid_order().lines.get()

    with pytest.raises(ShipmentError) as refused:
        ship(to_ship, items={other_line.pk: 1})

    assert refused.value.code == "not_in_order"
    assert not Shipment.objects.exists()


@pytest.mark.parametrize(
    ("packages", "code"),
    [([], "no_packages"), ([PackageSpec(0)], "bad_weight"), ([PackageSpec(70_001)], "bad_weight")],
)
def test_packages_need_a_sensible_weight(to_ship, packages, code):
    with pytest.raises(ShipmentError) as refused:
        ship(to_ship, packages=packages)

    assert refused.value.code == code
    assert not Shipment.objects.exists()


def test_a_service_level_the_carrier_does_not_offer_is_refused(to_ship):
    lone = carrier_with("express")

    with pytest.raises(ShipmentError) as refused:
        ship(to_ship, carrier=lone, service="economy")

    assert refused.value.code == "no_such_service"


def test_a_carrier_not_serving_the_country_is_refused(to_ship):
    local = carrier_with(countries=["JP"])

    with pytest.raises(ShipmentError) as refused:
        ship(to_ship, carrier=local)

    assert refused.value.code == "country_not_served"


def test_eco_packaging_and_co2_come_from_the_delivery_option(sandbox):
    order = paid_order(delivery_option="standard-eco")
    ShopLogistics.objects.create(shop=order.shop, ships_from_country="TW")

    shipment = create_shipment(
        order=order,
        by=owner_of(order.shop),
        carrier=sandbox,
        service="standard",
        packages=[PackageSpec(2000)],
    )

    # Within Taiwan, different regions: the same estimate the checkout showed, eco packaging.
    expected = co2.co2_grams(
        weight_grams=2000, band=co2.DistanceBand.SAME_COUNTRY, eco_packaging=True
    )
    assert (shipment.eco_packaging, shipment.co2_grams) == (True, expected)
    assert expected < co2.co2_grams(
        weight_grams=2000, band=co2.DistanceBand.SAME_COUNTRY, eco_packaging=False
    )


def _abroad(order: Order, country: str) -> None:
    OrderGroup.objects.filter(pk=order.group_id).update(country=country, city="Osaka")
    order.refresh_from_db()


def test_a_shipment_abroad_gets_its_customs_declaration(sandbox):
    order = paid_order(quantity=2, price="120.00")
    _abroad(order, "JP")
    product = order.lines.get().product
    product.hs_code, product.origin_country = "6109.10", "VN"
    product.customs_description = "Cotton T-shirt"
    product.save()
    DutyRate.objects.create(
        country="JP",
        duty_percent=Decimal("5"),
        tax_percent=Decimal("10"),
        de_minimis=Decimal("100"),
    )

    shipment = create_shipment(
        order=order,
        by=owner_of(order.shop),
        carrier=sandbox,
        service="express",
        packages=[PackageSpec(900)],
    )

    declaration = CustomsDeclaration.objects.get(shipment=shipment)
    # 240.00 declared: duty 5 % = 12.00, then 10 % tax on 252.00 = 25.20.
    assert (
        declaration.incoterm,
        declaration.currency,
        declaration.total_value,
        declaration.estimated_duties,
    ) == (Incoterm.DAP, order.currency, Decimal("240.00"), Decimal("37.20"))
    assert list(
        declaration.items.values_list(
            "description", "hs_code", "origin_country", "quantity", "unit_value", "weight_grams"
        )
    ) == [("Cotton T-shirt", "6109.10", "VN", 2, Decimal("120.00"), 800)]
    assert (shipment.origin_country, shipment.destination_country) == ("TW", "JP")


def test_customs_values_are_what_the_buyer_paid_and_ddp_when_duties_were_paid(sandbox):
    order = paid_order(quantity=3, price="10.00", delivery_option="standard-ddp")
    _abroad(order, "US")
    OrderLine.objects.filter(order=order).update(discount=Decimal("1.00"), total=Decimal("29.00"))
    DutyRate.objects.create(country="US", duty_percent=Decimal("5"), de_minimis=Decimal("800"))

    shipment = create_shipment(
        order=order, by=owner_of(order.shop), carrier=sandbox, service="standard", packages=ONE_KILO
    )

    declaration = shipment.customs
    # 29.00 / 3 = 9.666... -> 9.67 a unit, declared 29.01; under the de minimis: no duties.
    assert (declaration.incoterm, declaration.total_value, declaration.estimated_duties) == (
        Incoterm.DDP,
        Decimal("29.01"),
        Decimal("0.00"),
    )
    assert declaration.items.get().description == order.lines.get().title


def test_no_customs_declaration_within_one_country(to_ship):
    shipment = ship(to_ship)

    assert not CustomsDeclaration.objects.filter(shipment=shipment).exists()


def test_the_label_is_a_pdf_with_the_tracking_number(to_ship):
    shipment = ship(to_ship)

    pdf = render_label(shipment=shipment)

    assert pdf.startswith(b"%PDF")
    assert shipment.tracking_number.encode() in pdf
    assert b"/Count 1" in pdf  # one page: no customs declaration at home


def test_a_label_abroad_has_the_customs_declaration_as_second_page(sandbox):
    order = paid_order()
    _abroad(order, "JP")
    shipment = create_shipment(
        order=order, by=owner_of(order.shop), carrier=sandbox, service="standard", packages=ONE_KILO
    )

    pdf = shipment.label.read()

    assert pdf.startswith(b"%PDF")
    assert b"/Count 2" in pdf
    assert pdf.count(shipment.tracking_number.encode()) >= 2  # on both pages


def test_a_chinese_address_prints_in_the_cjk_font(to_ship, settings):
    OrderGroup.objects.filter(pk=to_ship.order.group_id).update(
        recipient="林美", city="臺北市", street="信義路五段7號"
    )
    to_ship.order.refresh_from_db()

    pdf = ship(to_ship).label.read()

    assert b"NotoSansCJK" in pdf
    assert b"Helvetica" in pdf  # the tracking number itself stays plain text


def test_without_the_cjk_font_the_label_falls_back(to_ship, settings):
    settings.LOGISTICS_LABEL_FONT = "/nowhere/font.ttc"

    shipment = ship(to_ship)

    pdf = shipment.label.read()
    assert pdf.startswith(b"%PDF")
    assert b"NotoSansCJK" not in pdf
    assert shipment.tracking_number.encode() in pdf


# --- The tracking aggregator ---------------------------------------------------------------------


@pytest.fixture
def tracked(db):
    return carrier_with("standard", name="Post", code="post", adapter="tracker")


def test_a_tracked_carrier_needs_the_number_from_the_seller(to_ship, tracked, fake_tracker):
    with pytest.raises(ShipmentError) as refused:
        ship(to_ship, carrier=tracked)

    assert refused.value.code == "tracking_required"
    assert not Shipment.objects.exists()
    assert fake_tracker.requests == []


def test_a_tracked_carrier_registers_the_number_with_the_aggregator(to_ship, tracked, fake_tracker):
    shipment = ship(to_ship, carrier=tracked, tracking_number=" RR123456785TW ")

    shipment.refresh_from_db()
    assert (shipment.tracking_number, shipment.carrier_reference) == ("RR123456785TW", "trk00001")
    assert shipment.estimated_delivery.isoformat() == "2026-12-24"
    method, path, headers, body = fake_tracker.requests[0]
    assert (method, path, headers["Idempotency-Key"]) == (
        "POST",
        "/trackings",
        str(shipment.booking_key),
    )
    assert body["tracking"]["slug"] == "post"
    assert body["tracking"]["order_id"] == to_ship.order.number


def test_a_number_the_aggregator_already_knows_is_the_same_registration(
    to_ship, tracked, fake_tracker
):
    # An earlier attempt registered it, but its answer never reached us (a timeout, say).
    fake_tracker.trackings[("post", "RR1")] = {
        "id": "trk00042",
        "slug": "post",
        "tracking_number": "RR1",
        "checkpoints": [],
    }

    shipment = ship(to_ship, carrier=tracked, tracking_number="RR1")

    assert (shipment.tracking_number, shipment.carrier_reference) == ("RR1", "trk00042")
    assert fake_tracker.creations() == 1 and len(fake_tracker.trackings) == 1
    assert Order.objects.get(pk=to_ship.order.pk).status == OrderStatus.SHIPPED


def test_a_carrier_that_is_down_leaves_the_shipment_to_book_again(to_ship, tracked, fake_tracker):
    fake_tracker.failures = [503]

    with pytest.raises(CarrierError) as down:
        ship(to_ship, carrier=tracked, tracking_number="RR9")

    assert (down.value.code, down.value.retryable) == ("carrier_down", True)
    shipment = Shipment.objects.get()
    assert (shipment.tracking_number, bool(shipment.label)) == ("", False)
    assert Order.objects.get(pk=to_ship.order.pk).status == OrderStatus.PAID

    book_shipment(shipment=shipment, by=to_ship.owner, tracking_number="RR9")

    shipment.refresh_from_db()
    assert shipment.tracking_number == "RR9"
    assert Order.objects.get(pk=to_ship.order.pk).status == OrderStatus.SHIPPED


def test_a_wrong_api_key_is_a_refusal_not_a_retry(to_ship, tracked, fake_tracker, settings):
    settings.LOGISTICS_TRACKER_API_KEY = "wrong"

    with pytest.raises(CarrierError) as refused:
        ship(to_ship, carrier=tracked, tracking_number="RR9")

    assert (refused.value.code, refused.value.retryable) == ("carrier_refused", False)
    assert "Invalid API key." in refused.value.message


def test_an_unbooked_shipment_can_be_discarded_and_its_items_shipped_again(
    to_ship, tracked, fake_tracker
):
    fake_tracker.failures = [503]
    with pytest.raises(CarrierError):
        ship(to_ship, carrier=tracked, tracking_number="RR9")
    shipment = Shipment.objects.get()

    with pytest.raises(ShipmentError):
        discard_shipment(shipment=shipment, by=owner_of(ShopFactory()))
    discard_shipment(shipment=shipment, by=to_ship.owner)

    assert not Shipment.objects.exists()
    assert ship(to_ship).items.get().quantity == 3


def test_a_booked_shipment_cannot_be_discarded(to_ship):
    shipment = ship(to_ship)

    with pytest.raises(ShipmentError) as refused:
        discard_shipment(shipment=shipment, by=to_ship.owner)

    assert refused.value.code == "booked"
    assert Shipment.objects.filter(pk=shipment.pk).exists()


def test_a_tracking_number_is_used_once_per_carrier(to_ship, tracked, fake_tracker):
    ship(to_ship, carrier=tracked, tracking_number="RR5", items={to_ship.order.lines.get().pk: 1})

    with pytest.raises(ShipmentError) as refused:
        ship(to_ship, carrier=tracked, tracking_number="RR5")

    assert refused.value.code == "tracking_number_taken"
    assert Shipment.objects.count() == 1


def test_the_buyer_cannot_ship_their_own_order(to_ship):
    with pytest.raises(ShipmentError):
        ship(to_ship, by=to_ship.order.buyer)
    with pytest.raises(ShipmentError):
        ship(to_ship, by=UserFactory())
    assert not Shipment.objects.exists()
