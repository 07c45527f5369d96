"""Tracking: events kept once each, the status computed whatever order they arrive in, the order
delivered when its last parcel arrives, the buyer told, and the poller's batches and intervals."""

import itertools
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from logistics import adapters
from logistics.adapters.base import TrackingUpdate
from logistics.models import PeakPeriod, Shipment, ShipmentStatus, TrackingEvent
from logistics.services.shipments import PackageSpec, create_shipment
from logistics.services.tracking import (
    apply_tracking_events,
    poll_active_shipments,
    shipment_status,
)
from logistics.states import SHIPMENT
from marketplace.core.states import history_of
from marketplace.notifications.models import Notification
from orders.models import Order, OrderStatus
from orders.services.lifecycle import confirm_receipt
from tests.orders.lifecycle_support import owner_of

from .conftest import ToShip, paid_order

pytestmark = pytest.mark.django_db

S = ShipmentStatus
T0 = timezone.now().replace(microsecond=0)


def at(hours: float):
    return T0 + timedelta(hours=hours)


def update(key: str, status: str, hours: float, where: str = "Taipei") -> TrackingUpdate:
    return TrackingUpdate(
        external_id=key, status=status, occurred_at=at(hours), location=where, description=key
    )


def ship(to_ship, *, now=None, **kwargs) -> Shipment:
    """A shipment booked with the sandbox, with a tracking number of the plain path (the
    sandbox's numbers ending in 98 or 99 have trouble on purpose; tests of those set one)."""
    shipment = create_shipment(
        order=to_ship.order,
        by=to_ship.owner,
        carrier=to_ship.carrier,
        service="standard",
        packages=[PackageSpec(500)],
        now=now or T0,
        **kwargs,
    )
    plain = f"SBX{shipment.pk:010d}01"
    Shipment.objects.filter(pk=shipment.pk).update(tracking_number=plain)
    shipment.tracking_number = plain
    return shipment


def statuses(shipment: Shipment) -> list[str]:
    return list(
        TrackingEvent.objects.filter(shipment=shipment)
        .order_by("occurred_at", "pk")
        .values_list("status", flat=True)
    )


def notices(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
    )


# --- The status of a set of events ---------------------------------------------------------------

JOURNEY = [
    (S.LABEL_CREATED, at(0)),
    (S.PICKED_UP, at(1)),
    (S.IN_TRANSIT, at(5)),
    (S.EXCEPTION, at(30)),
    (S.OUT_FOR_DELIVERY, at(50)),
]


@pytest.mark.parametrize("order", list(itertools.permutations(range(5))))
def test_the_status_does_not_depend_on_the_order_events_arrive_in(order):
    assert shipment_status([JOURNEY[i] for i in order]) == S.OUT_FOR_DELIVERY


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([], S.LABEL_CREATED),
        ([(S.IN_TRANSIT, at(5)), (S.PICKED_UP, at(9))], S.IN_TRANSIT),  # a late scan goes back
        ([(S.IN_TRANSIT, at(5)), (S.EXCEPTION, at(6))], S.EXCEPTION),
        ([(S.EXCEPTION, at(6)), (S.IN_TRANSIT, at(7))], S.IN_TRANSIT),  # resolved
        ([(S.EXCEPTION, at(6)), (S.IN_TRANSIT, at(6))], S.IN_TRANSIT),  # a tie: progress
        ([(S.EXCEPTION, at(9)), (S.RETURNED, at(20))], S.RETURNED),
        ([(S.RETURNED, at(20)), (S.DELIVERED, at(10))], S.DELIVERED),  # delivered beats returned
        ([(S.DELIVERED, at(10)), (S.EXCEPTION, at(12))], S.DELIVERED),
        ([("teleported", at(3)), (S.PICKED_UP, at(1))], S.PICKED_UP),
    ],
)
def test_the_status_of_a_set_of_events(events, expected):
    assert shipment_status(events) == expected


def test_every_status_the_events_can_lead_to_is_a_legal_move():
    """From any set of events, one more event moves the status only along the table."""
    kinds = [S.LABEL_CREATED, S.PICKED_UP, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.EXCEPTION]
    kinds += [S.DELIVERED, S.RETURNED]
    for size in range(0, 3):
        for before in itertools.product(kinds, repeat=size):
            events = [(status, at(i)) for i, status in enumerate(before)]
            current = shipment_status(events)
            for status, hours in itertools.product(kinds, (-1, 0.5, 10)):
                following = shipment_status([*events, (status, at(hours))])
                assert following == current or following in SHIPMENT[current], (
                    before,
                    status,
                    hours,
                )


# --- Applying events -----------------------------------------------------------------------------


def test_events_are_kept_once_and_the_status_follows(to_ship):
    shipment = ship(to_ship)
    events = [update("a", S.PICKED_UP, 1), update("b", S.IN_TRANSIT, 5)]

    apply_tracking_events(shipment=shipment, events=events, now=at(6))
    apply_tracking_events(shipment=shipment, events=events, now=at(7))

    shipment.refresh_from_db()
    assert statuses(shipment) == [S.LABEL_CREATED, S.PICKED_UP, S.IN_TRANSIT]
    assert (shipment.status, shipment.picked_up_at, shipment.last_event_at) == (
        S.IN_TRANSIT,
        at(1),
        at(5),
    )
    moves = list(history_of(shipment).order_by("pk").values_list("from_status", "to_status"))
    assert moves == [(S.LABEL_CREATED, S.IN_TRANSIT)]


def test_an_old_event_arriving_late_changes_nothing_but_the_timeline(to_ship, run_outbox):
    shipment = ship(to_ship)
    apply_tracking_events(shipment=shipment, events=[update("out", S.OUT_FOR_DELIVERY, 40)])
    run_outbox()
    told = notices(to_ship.order.buyer)

    apply_tracking_events(shipment=shipment, events=[update("pick", S.PICKED_UP, 1)])
    run_outbox()

    shipment.refresh_from_db()
    assert shipment.status == S.OUT_FOR_DELIVERY
    assert shipment.last_event_at == at(40)
    assert statuses(shipment) == [S.LABEL_CREATED, S.PICKED_UP, S.OUT_FOR_DELIVERY]
    assert notices(to_ship.order.buyer) == told


def test_delivered_moves_the_order_to_delivered(
    to_ship, run_outbox, django_capture_on_commit_callbacks
):
    shipment = ship(to_ship)

    with django_capture_on_commit_callbacks(execute=True):  # orders' events queue its notices
        apply_tracking_events(
            shipment=shipment,
            events=[update("out", S.OUT_FOR_DELIVERY, 40), update("done", S.DELIVERED, 44)],
        )
    run_outbox()

    shipment.refresh_from_db()
    assert (shipment.status, shipment.delivered_at, shipment.next_poll_at) == (
        S.DELIVERED,
        at(44),
        None,
    )
    order = Order.objects.get(pk=to_ship.order.pk)
    assert order.status == OrderStatus.DELIVERED
    # orders tells the buyer the order arrived; the parcel's own notice would say it twice.
    kinds = notices(order.buyer)
    assert "order_delivered" in kinds and "shipment_delivered" not in kinds


def test_the_order_is_delivered_only_when_every_parcel_has_arrived(
    to_ship, run_outbox, django_capture_on_commit_callbacks
):
    line = to_ship.order.lines.get()
    first = ship(to_ship, items={line.pk: 1})
    second = ship(to_ship, items={line.pk: 1})

    apply_tracking_events(shipment=first, events=[update("1", S.DELIVERED, 30)])
    assert Order.objects.get(pk=to_ship.order.pk).status == OrderStatus.SHIPPED  # 1 unit waits

    third = ship(to_ship)
    apply_tracking_events(shipment=third, events=[update("3", S.DELIVERED, 31)])
    assert Order.objects.get(pk=to_ship.order.pk).status == OrderStatus.SHIPPED  # #2 is on its way

    with django_capture_on_commit_callbacks(execute=True):
        apply_tracking_events(shipment=second, events=[update("2", S.DELIVERED, 32)])
    assert Order.objects.get(pk=to_ship.order.pk).status == OrderStatus.DELIVERED
    run_outbox()
    kinds = notices(to_ship.order.buyer)
    assert kinds.count("shipment_delivered") == 2 and kinds.count("order_delivered") == 1


def test_delivery_after_the_buyer_confirmed_receipt_leaves_the_order_alone(to_ship):
    shipment = ship(to_ship)
    confirm_receipt(order=Order.objects.get(pk=to_ship.order.pk), by=to_ship.order.buyer)

    apply_tracking_events(shipment=shipment, events=[update("done", S.DELIVERED, 44)])

    assert Shipment.objects.get(pk=shipment.pk).status == S.DELIVERED
    assert Order.objects.get(pk=to_ship.order.pk).status == OrderStatus.COMPLETED


def test_the_buyer_hears_of_pickup_delivery_day_and_problems(
    to_ship, run_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(to_ship)
    mail.outbox.clear()
    run_outbox()  # the "order shipped" notice of orders
    buyer = to_ship.order.buyer

    for event in (
        update("pick", S.PICKED_UP, 1),
        update("transit", S.IN_TRANSIT, 5),  # not worth a message
        update("out", S.OUT_FOR_DELIVERY, 40, where="Taichung"),
        update("fail", S.EXCEPTION, 43, where="Taichung"),
    ):
        apply_tracking_events(shipment=shipment, events=[event])
        run_outbox()
    run_outbox()  # the e-mails the notices queued

    assert notices(buyer) == [
        "order_shipped",
        "shipment_picked_up",
        "shipment_out_for_delivery",
        "shipment_exception",
    ]
    problem = Notification.objects.get(user=buyer, kind="shipment_exception")
    assert problem.context["description"] == "fail"
    assert problem.context["location"] == "Taichung"
    assert problem.url == f"/orders/{to_ship.order.number}/tracking/"
    subjects = [message.subject for message in mail.outbox]
    assert f"A problem with the delivery of order {to_ship.order.number}" in subjects
    assert f"Your parcel for order {to_ship.order.number} is out for delivery" in subjects


def test_a_returned_parcel_is_recorded_and_told(to_ship, run_outbox):
    shipment = ship(to_ship)

    apply_tracking_events(
        shipment=shipment,
        events=[update("fail", S.EXCEPTION, 40), update("back", S.RETURNED, 100)],
    )
    run_outbox()

    shipment.refresh_from_db()
    assert (shipment.status, shipment.next_poll_at) == (S.RETURNED, None)
    assert Order.objects.get(pk=to_ship.order.pk).status == OrderStatus.SHIPPED
    assert "shipment_returned" in notices(to_ship.order.buyer)


# --- The sandbox and the poller ------------------------------------------------------------------


def test_polling_the_sandbox_twice_records_each_event_once(to_ship, settings):
    settings.LOGISTICS_SANDBOX_TIME_SCALE = 1
    shipment = ship(to_ship)
    later = T0 + timedelta(hours=7)

    assert poll_active_shipments(now=later) == 1
    Shipment.objects.filter(pk=shipment.pk).update(next_poll_at=later)
    assert poll_active_shipments(now=later) == 1

    shipment.refresh_from_db()
    assert statuses(shipment) == [S.LABEL_CREATED, S.PICKED_UP, S.IN_TRANSIT]
    assert shipment.status == S.IN_TRANSIT
    assert shipment.next_poll_at == later + timedelta(minutes=settings.LOGISTICS_POLL_MINUTES)


def test_the_sandbox_delivers_after_the_service_time_scaled(to_ship, settings):
    settings.LOGISTICS_SANDBOX_TIME_SCALE = 60
    shipment = ship(to_ship)  # standard: 60 carrier hours, one real hour at 60 times the speed

    poll_active_shipments(now=T0 + timedelta(minutes=30))
    assert Shipment.objects.get(pk=shipment.pk).status == S.IN_TRANSIT

    Shipment.objects.filter(pk=shipment.pk).update(next_poll_at=T0)
    poll_active_shipments(now=T0 + timedelta(minutes=62))

    shipment.refresh_from_db()
    assert statuses(shipment) == [
        S.LABEL_CREATED,
        S.PICKED_UP,
        S.IN_TRANSIT,
        S.IN_TRANSIT,
        S.OUT_FOR_DELIVERY,
        S.DELIVERED,
    ]
    assert Order.objects.get(pk=to_ship.order.pk).status == OrderStatus.DELIVERED


def test_the_sandbox_has_trouble_with_numbers_ending_in_99(to_ship, settings):
    settings.LOGISTICS_SANDBOX_TIME_SCALE = 1
    shipment = ship(to_ship)
    Shipment.objects.filter(pk=shipment.pk).update(tracking_number="SBX0000000099")
    shipment.refresh_from_db()

    apply_tracking_events(
        shipment=shipment,
        events=_sandbox_events(shipment, hours=60),
    )
    assert Shipment.objects.get(pk=shipment.pk).status == S.EXCEPTION

    apply_tracking_events(shipment=shipment, events=_sandbox_events(shipment, hours=200))
    assert Shipment.objects.get(pk=shipment.pk).status == S.RETURNED


def _sandbox_events(shipment: Shipment, *, hours: float) -> list[TrackingUpdate]:
    return adapters.get("sandbox").track(shipment=shipment, now=T0 + timedelta(hours=hours))


def test_the_poller_takes_only_due_shipments_in_batches(sandbox, settings):
    settings.LOGISTICS_SANDBOX_TIME_SCALE = 1
    shipments = []
    for _ in range(3):
        order = paid_order()
        shipments.append(ship(ToShip(order=order, owner=owner_of(order.shop), carrier=sandbox)))
    Shipment.objects.filter(pk=shipments[2].pk).update(next_poll_at=T0 + timedelta(hours=5))

    assert poll_active_shipments(now=T0 + timedelta(hours=2), batch=1) == 1
    assert poll_active_shipments(now=T0 + timedelta(hours=2), batch=10) == 1
    assert poll_active_shipments(now=T0 + timedelta(hours=2), batch=10) == 0  # none due

    assert [Shipment.objects.get(pk=s.pk).status for s in shipments] == [
        S.PICKED_UP,
        S.PICKED_UP,
        S.LABEL_CREATED,
    ]


def test_a_peak_period_polls_more_often(to_ship, settings):
    settings.LOGISTICS_POLL_MINUTES = 120
    PeakPeriod.objects.create(
        name="11.11",
        starts_at=T0 - timedelta(days=1),
        ends_at=T0 + timedelta(days=2),
        poll_minutes=20,
    )
    shipment = ship(to_ship)

    poll_active_shipments(now=T0 + timedelta(minutes=1))

    shipment.refresh_from_db()
    assert shipment.next_poll_at == T0 + timedelta(minutes=21)
