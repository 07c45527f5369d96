"""Celery tasks of logistics; each calls one service and is safe to run twice (or at once).

Beat runs ``poll_active_shipments`` every minute (it asks only shipments due a poll),
``retry_unprocessed_carrier_events`` every five minutes and ``flag_late_dispatches`` every ten
(``CELERY_BEAT_SCHEDULE`` in settings); ``process_carrier_event``, ``send_shipment_notice`` and
``send_late_dispatch_notice`` are queued through the outbox.
"""

from celery import shared_task
from django.utils import timezone

from .services import dispatch, notices, tracking, webhooks


@shared_task
def poll_active_shipments() -> int:
    return tracking.poll_active_shipments(now=timezone.now())


@shared_task
def process_carrier_event(*, event_id: int) -> bool:
    return webhooks.process_carrier_event(event_id=event_id)


@shared_task
def retry_unprocessed_carrier_events() -> int:
    return webhooks.retry_unprocessed_carrier_events(now=timezone.now())


@shared_task
def send_shipment_notice(*, shipment_id: int, status: str) -> None:
    notices.notify_shipment_event(shipment_id=shipment_id, status=status)


@shared_task
def flag_late_dispatches() -> int:
    return dispatch.flag_late_dispatches(now=timezone.now())


@shared_task
def send_late_dispatch_notice(*, late_dispatch_id: int) -> int:
    return dispatch.notify_late_dispatch(late_dispatch_id=late_dispatch_id)
