"""Carriers' webhooks: verified, stored once by the carrier's event id, then processed by a
worker, idempotently.

``store_carrier_event`` runs in the request: the carrier is found by its code, its adapter checks
the signature (a bad one raises ``BadSignature`` and stores nothing), then ``notifications.inbound``
inserts the event under its unique (carrier, event id) and queues its processing through the outbox,
so the answer goes out fast and a broker outage loses nothing. ``process_carrier_event`` applies the
tracking events it reports through ``tracking.apply_tracking_events``, whose own rules make a
replayed or late event change nothing. An event for a parcel we do not know yet raises, keeps its
error on the row and is retried by the outbox and by ``retry_unprocessed_carrier_events``.
"""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from marketplace.notifications import inbound

from .. import adapters
from ..errors import EventNotApplicable, LogisticsError
from ..models import Carrier, CarrierEvent, Shipment
from .tracking import apply_tracking_events

PROCESS_TASK = "logistics.tasks.process_carrier_event"


def store_carrier_event(*, carrier_code: str, body: bytes, headers: dict[str, str]) -> CarrierEvent:
    """The verified event is stored (once) and its processing queued."""
    carrier = Carrier.objects.filter(code=carrier_code).first()
    if carrier is None or carrier.adapter not in dict(adapters.CHOICES):
        raise EventNotApplicable(_("Unknown carrier."), code="unknown_carrier")
    notice = adapters.get(carrier.adapter).verify_webhook(body=body, headers=headers)
    return inbound.store_once(
        model=CarrierEvent,
        identity={"carrier": carrier, "event_id": notice.event_id[:200]},
        task=PROCESS_TASK,
        payload=notice.payload,
    )


def process_carrier_event(*, event_id: int) -> bool:
    """What the event reports is applied (once); True when this call applied it."""
    event = CarrierEvent.objects.select_related("carrier").get(pk=event_id)
    return inbound.process_once(event=event, apply=_apply, errors=LogisticsError)


def retry_unprocessed_carrier_events(
    *, now: datetime, older_than: timedelta = timedelta(minutes=5)
) -> int:
    """Events still not applied after a while are tried again; returns how many got through."""
    return inbound.retry_waiting(
        model=CarrierEvent,
        process=lambda pk: process_carrier_event(event_id=pk),
        errors=LogisticsError,
        now=now,
        older_than=older_than,
    )


def _apply(event: CarrierEvent) -> None:
    adapter = adapters.get(event.carrier.adapter)
    number, updates = adapter.updates_of(payload=event.payload)
    if not updates:
        return  # an event type we do not act on
    shipment = Shipment.objects.filter(carrier=event.carrier, tracking_number=number).first()
    if not number or shipment is None:
        raise EventNotApplicable(
            _("No shipment with tracking number %(number)s (yet).") % {"number": number},
            code="shipment_unknown",
        )
    apply_tracking_events(shipment=shipment, events=updates)
