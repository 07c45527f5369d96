"""Tracking: the carriers' events recorded once each, the shipment's status computed from all of
them, and the order delivered through ``orders`` when its last parcel arrives.

``apply_tracking_events`` is idempotent (an event is kept once per carrier event id) and
order-independent: the status is a function of the whole set of events - the furthest progress
reached, unless a problem (exception) was reported after everything else; delivered beats
returned - so an old event arriving late is kept for the timeline and changes nothing else.
The buyer is told (through the outbox) when the parcel is picked up, out for delivery, delivered,
held up or returned. The order moves to delivered when every item has shipped and every shipment
is delivered; orders then tells the buyer, so the parcel's own "delivered" notice is only for a
part of the order.

``poll_active_shipments`` is the beat job: due shipments (``next_poll_at``) in batches, each
claimed by moving its next poll first (so two pollers never ask twice), the adapter asked outside
any transaction. Polls come every ``LOGISTICS_POLL_MINUTES``, or the peak period's interval if
shorter. Lock order everywhere: the order row, then the shipment row.
"""

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from marketplace.core.states import transition
from marketplace.notifications import outbox
from orders.errors import OrderError
from orders.models import Order, OrderStatus
from orders.services.lifecycle import mark_delivered

from .. import adapters
from ..adapters.base import TrackingUpdate
from ..errors import CarrierError
from ..events import shipment_status_changed
from ..models import Shipment, ShipmentStatus, TrackingEvent
from ..selectors import unshipped_quantities
from ..states import ACTIVE, PROGRESS_RANK, SHIPMENT
from .peak import current_peak

logger = logging.getLogger(__name__)

S = ShipmentStatus
NOTICE_TASK = "logistics.tasks.send_shipment_notice"
# Statuses the buyer hears of.
NOTIFIED = (S.PICKED_UP, S.OUT_FOR_DELIVERY, S.DELIVERED, S.EXCEPTION, S.RETURNED)
KNOWN = set(S.values)


def shipment_status(events: Iterable[tuple[str, datetime]]) -> str:
    """The status a set of (status, occurred_at) events says, whatever order they came in."""
    seen = [(status, at) for status, at in events if status in KNOWN]
    statuses = {status for status, _at in seen}
    if S.DELIVERED in statuses:
        return S.DELIVERED
    if S.RETURNED in statuses:
        return S.RETURNED
    progress = [status for status in statuses if status in PROGRESS_RANK]
    furthest = max(progress, key=PROGRESS_RANK.__getitem__, default=S.LABEL_CREATED)
    if not seen:
        return furthest
    # The latest event decides between a problem and progress; at the same moment, progress wins.
    latest = max(seen, key=lambda event: (event[1], event[0] != S.EXCEPTION))
    return S.EXCEPTION if latest[0] == S.EXCEPTION else furthest


def apply_tracking_events(
    *, shipment: Shipment, events: Sequence[TrackingUpdate], now: datetime | None = None
) -> Shipment:
    """The events are kept (once each) and the shipment's status, times and order follow."""
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=shipment.order_id)
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        TrackingEvent.objects.bulk_create(
            [
                TrackingEvent(
                    shipment=shipment,
                    external_id=event.external_id[:200],
                    status=event.status,
                    occurred_at=event.occurred_at,
                    location=event.location[:200],
                    description=event.description[:500],
                )
                for event in events
                if event.status in KNOWN and event.external_id
            ],
            ignore_conflicts=True,
        )
        recorded = list(shipment.events.values_list("status", "occurred_at"))
        status = shipment_status(recorded)
        changes = _times(recorded, status=status, now=now)
        if status == shipment.status:
            Shipment.objects.filter(pk=shipment.pk).update(**changes)
            for name, value in changes.items():
                setattr(shipment, name, value)
            return shipment
        previous = shipment.status
        shipment = transition(shipment, to=status, allowed=SHIPMENT, changes=changes)
        order_delivered = status == S.DELIVERED and _deliver_order_if_complete(order)
        if status in NOTIFIED and not order_delivered:
            outbox.enqueue(task=NOTICE_TASK, shipment_id=shipment.pk, status=status)
        shipment_id, order_id = shipment.pk, order.pk
        transaction.on_commit(
            lambda: shipment_status_changed.send(
                sender=Shipment,
                shipment_id=shipment_id,
                order_id=order_id,
                status=status,
                previous=previous,
            ),
            robust=True,
        )
    return shipment


def _times(recorded: list[tuple[str, datetime]], *, status: str, now: datetime) -> dict[str, Any]:
    picked = [at for st, at in recorded if st != S.LABEL_CREATED]
    delivered = [at for st, at in recorded if st == S.DELIVERED]
    return {
        "picked_up_at": min(picked) if picked else None,
        "delivered_at": min(delivered) if delivered else None,
        "last_event_at": max((at for _st, at in recorded), default=None),
        "next_poll_at": None if status not in ACTIVE else now + poll_interval(now=now),
    }


def _deliver_order_if_complete(order: Order) -> bool:
    """The order is delivered if every item has shipped and every shipment arrived; True if this
    call moved it."""
    if order.status != OrderStatus.SHIPPED:
        return False  # already confirmed by the buyer, say
    if any(quantity > 0 for quantity in unshipped_quantities(order=order).values()):
        return False
    if Shipment.objects.filter(order=order).exclude(status=S.DELIVERED).exists():
        return False
    try:
        mark_delivered(order=order, by=None)
    except OrderError:
        return False
    return True


# --- Polling ---------------------------------------------------------------------------------


def poll_interval(*, now: datetime) -> timedelta:
    minutes = settings.LOGISTICS_POLL_MINUTES
    peak = current_peak(now=now)
    if peak is not None:
        minutes = min(minutes, peak.poll_minutes)
    return timedelta(minutes=minutes)


def due_for_poll(*, now: datetime) -> Q:
    return Q(status__in=ACTIVE, next_poll_at__lte=now) & ~Q(tracking_number="")


def poll_active_shipments(*, now: datetime, batch: int | None = None) -> int:
    """Due shipments are asked about (up to ``batch``, oldest due first) and their events
    applied; returns how many were polled. A carrier that cannot answer is asked next time."""
    size = batch or settings.LOGISTICS_POLL_BATCH
    due = list(
        Shipment.objects.filter(due_for_poll(now=now))
        .order_by("next_poll_at", "pk")
        .values_list("pk", "next_poll_at")[:size]
    )
    following = now + poll_interval(now=now)
    polled = 0
    for pk, due_at in due:
        # Claim it: another poller that read the same row finds next_poll_at moved and skips it.
        if not Shipment.objects.filter(pk=pk, next_poll_at=due_at).update(next_poll_at=following):
            continue
        shipment = Shipment.objects.select_related("carrier", "order__group").get(pk=pk)
        if poll_shipment(shipment=shipment, now=now):
            polled += 1
    return polled


def poll_shipment(*, shipment: Shipment, now: datetime) -> bool:
    """The carrier's events for the shipment are applied; False if the carrier could not say."""
    try:
        adapter = adapters.get(shipment.carrier.adapter)
        updates = adapter.track(shipment=shipment, now=now)
    except KeyError:
        logger.warning("Shipment %s has a carrier without an adapter.", shipment.pk)
        return False
    except CarrierError as error:
        logger.warning("Tracking shipment %s failed: %s", shipment.pk, error.message)
        return False
    apply_tracking_events(shipment=shipment, events=updates, now=now)
    return True
