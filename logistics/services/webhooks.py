"""Carriers' webhooks: verified, stored once by the carrier's event id, then processed by a
worker, idempotently.

``store_carrier_event`` runs in the request: the carrier is found by its code, its adapter checks
the signature (a bad one raises ``BadSignature`` and stores nothing), the event is inserted under
its unique (carrier, event id) and its processing queued through the outbox, so the answer goes
out fast and a broker outage loses nothing. ``process_carrier_event`` applies the tracking events
it reports through ``tracking.apply_tracking_events``, whose own rules make a replayed or late
event change nothing. An event for a parcel we do not know yet raises, keeps its error on the
row and is retried by the outbox and by ``retry_unprocessed_carrier_events``.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.notifications import outbox

from .. import adapters
from ..errors import EventNotApplicable, LogisticsError
from ..models import Carrier, CarrierEvent, Shipment
from .tracking import apply_tracking_events

PROCESS_TASK = "logistics.tasks.process_carrier_event"
RETRY_BATCH = 200
MAX_ATTEMPTS = 50


def store_carrier_event(*, carrier_code: str, body: bytes, headers: dict[str, str]) -> CarrierEvent:
    """The verified event is stored (once) and its processing queued."""
    carrier = Carrier.objects.filter(code=carrier_code).first()
    if carrier is None or carrier.adapter not in dict(adapters.CHOICES):
        raise EventNotApplicable(_("Unknown carrier."), code="unknown_carrier")
    notice = adapters.get(carrier.adapter).verify_webhook(body=body, headers=headers)
    event_id = notice.event_id[:200]
    try:
        with transaction.atomic(durable=True):
            event = CarrierEvent.objects.create(
                carrier=carrier, event_id=event_id, payload=notice.payload
            )
            outbox.enqueue(task=PROCESS_TASK, event_id=event.pk)
    except IntegrityError:
        # A replay (carriers resend until they get a 2xx): the first copy is the one acted on.
        return CarrierEvent.objects.get(carrier=carrier, event_id=event_id)
    return event


def process_carrier_event(*, event_id: int) -> bool:
    """What the event reports is applied (once); True when this call applied it."""
    event = CarrierEvent.objects.select_related("carrier").get(pk=event_id)
    if event.processed_at is not None:
        return False
    CarrierEvent.objects.filter(pk=event.pk).update(attempts=F("attempts") + 1)
    try:
        _apply(event)
    except LogisticsError as error:
        CarrierEvent.objects.filter(pk=event.pk).update(last_error=error.message)
        raise
    return bool(
        CarrierEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(
            processed_at=timezone.now(), last_error=""
        )
    )


def retry_unprocessed_carrier_events(
    *, now: datetime, older_than: timedelta = timedelta(minutes=5)
) -> int:
    """Events still not applied after a while are tried again; returns how many got through."""
    waiting = CarrierEvent.objects.filter(
        processed_at__isnull=True,
        received_at__lt=now - older_than,
        attempts__lt=MAX_ATTEMPTS,
    ).values_list("pk", flat=True)
    done = 0
    for pk in list(waiting[:RETRY_BATCH]):
        try:
            done += process_carrier_event(event_id=pk)
        except LogisticsError:
            continue
    return done


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
