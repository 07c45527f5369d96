"""Carriers' webhooks and the aggregator's tracking: a good signature is stored once and applied
by the worker, a bad one is refused with nothing stored, a replay changes nothing, an event for
a parcel not known yet waits for its retry; polling the aggregator reads the same events."""

import pytest
from django.utils import timezone

from logistics.errors import EventNotApplicable
from logistics.models import CarrierEvent, Shipment, ShipmentStatus, TrackingEvent
from logistics.services.shipments import PackageSpec, create_shipment
from logistics.services.tracking import poll_shipment
from logistics.services.webhooks import process_carrier_event, retry_unprocessed_carrier_events
from marketplace.notifications.models import OutboxMessage
from orders.models import Order, OrderStatus

from .factories import carrier_with

pytestmark = pytest.mark.django_db

URL = "/logistics/webhooks/post/"


@pytest.fixture
def tracked(db):
    return carrier_with("standard", name="Post", code="post", adapter="tracker")


@pytest.fixture
def parcel(to_ship, tracked, fake_tracker) -> Shipment:
    return create_shipment(
        order=to_ship.order,
        by=to_ship.owner,
        carrier=tracked,
        service="standard",
        packages=[PackageSpec(800)],
        tracking_number="RR123",
    )


def checkpoints(fake_tracker) -> None:
    fake_tracker.add_checkpoint(
        "post",
        "RR123",
        tag="InTransit",
        subtag="InTransit_002",
        at="2026-12-01T09:00:00+08:00",
        message="Accepted at the counter",
        location="Taipei",
    )
    fake_tracker.add_checkpoint(
        "post",
        "RR123",
        tag="OutForDelivery",
        at="2026-12-03T08:00:00+08:00",
        message="With the courier",
        location="Kaohsiung",
    )


def post(client, body: bytes, headers: dict[str, str]):
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    return client.post(URL, data=body, content_type="application/json", **extra)


def test_a_signed_event_is_stored_once_and_applied_by_the_worker(
    client, parcel, fake_tracker, run_outbox
):
    checkpoints(fake_tracker)
    body, headers = fake_tracker.webhook("post", "RR123", event_id="evt-1")

    response = post(client, body, headers)

    assert response.status_code == 200
    event = CarrierEvent.objects.get()
    assert (event.event_id, event.processed_at) == ("evt-1", None)
    assert run_outbox() >= 1
    event.refresh_from_db()
    assert event.processed_at is not None and event.attempts == 1
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.OUT_FOR_DELIVERY
    assert list(
        TrackingEvent.objects.filter(shipment=parcel)
        .exclude(external_id="booked")
        .order_by("occurred_at")
        .values_list("status", "location", "description")
    ) == [
        (ShipmentStatus.PICKED_UP, "Taipei", "Accepted at the counter"),
        (ShipmentStatus.OUT_FOR_DELIVERY, "Kaohsiung", "With the courier"),
    ]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Aftership-Hmac-Sha256": "bm90IGl0"}],
    ids=["unsigned", "wrong signature"],
)
def test_a_badly_signed_event_is_refused_and_nothing_stored(client, parcel, fake_tracker, headers):
    body, _good = fake_tracker.webhook("post", "RR123", event_id="evt-1")

    response = post(client, body, headers)

    assert response.status_code == 400
    assert not CarrierEvent.objects.exists()
    assert not OutboxMessage.objects.filter(task_name__startswith="logistics.").exists()


def test_a_tampered_body_is_refused(client, parcel, fake_tracker):
    body, headers = fake_tracker.webhook("post", "RR123", event_id="evt-1")

    response = post(client, body.replace(b"RR123", b"RR999"), headers)

    assert response.status_code == 400
    assert not CarrierEvent.objects.exists()


def test_a_replayed_event_is_applied_once(client, parcel, fake_tracker, run_outbox):
    checkpoints(fake_tracker)
    body, headers = fake_tracker.webhook("post", "RR123", event_id="evt-1")

    assert post(client, body, headers).status_code == 200
    run_outbox()
    assert post(client, body, headers).status_code == 200
    run_outbox()

    assert CarrierEvent.objects.count() == 1
    assert process_carrier_event(event_id=CarrierEvent.objects.get().pk) is False
    assert TrackingEvent.objects.filter(shipment=parcel).count() == 3  # booked + 2 checkpoints


def test_an_unknown_carrier_is_a_404(client, parcel, fake_tracker):
    body, headers = fake_tracker.webhook("post", "RR123", event_id="evt-1")

    response = client.post(
        "/logistics/webhooks/nobody/",
        data=body,
        content_type="application/json",
        HTTP_AFTERSHIP_HMAC_SHA256=headers["Aftership-Hmac-Sha256"],
    )

    assert response.status_code == 404
    assert not CarrierEvent.objects.exists()


def test_an_event_for_a_parcel_not_known_yet_is_retried_later(client, parcel, fake_tracker):
    fake_tracker.trackings[("post", "RR777")] = {
        "id": "trk9",
        "slug": "post",
        "tracking_number": "RR777",
        "checkpoints": [],
    }
    fake_tracker.add_checkpoint("post", "RR777", tag="Delivered", at="2026-12-04T10:00:00Z")
    body, headers = fake_tracker.webhook("post", "RR777", event_id="evt-early")
    post(client, body, headers)
    event = CarrierEvent.objects.get()

    with pytest.raises(EventNotApplicable):
        process_carrier_event(event_id=event.pk)
    event.refresh_from_db()
    assert (event.processed_at, event.attempts) == (None, 1)
    assert "RR777" in event.last_error

    Shipment.objects.filter(pk=parcel.pk).update(tracking_number="RR777")
    later = timezone.now() + timezone.timedelta(minutes=10)
    assert retry_unprocessed_carrier_events(now=later) == 1

    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.DELIVERED
    assert Order.objects.get(pk=parcel.order_id).status == OrderStatus.DELIVERED


def test_polling_the_aggregator_and_its_webhook_record_the_same_events(
    client, parcel, fake_tracker, run_outbox
):
    checkpoints(fake_tracker)

    assert poll_shipment(shipment=parcel, now=timezone.now()) is True
    body, headers = fake_tracker.webhook("post", "RR123", event_id="evt-2")
    post(client, body, headers)
    run_outbox()

    assert TrackingEvent.objects.filter(shipment=parcel).count() == 3
    assert fake_tracker.requests[-1][:2] == ("GET", "/trackings/post/RR123")


def test_an_aggregator_that_is_down_is_asked_next_time(parcel, fake_tracker):
    fake_tracker.failures = [502]

    assert poll_shipment(shipment=parcel, now=timezone.now()) is False

    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.LABEL_CREATED
