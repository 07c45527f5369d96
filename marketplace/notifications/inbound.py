"""Notifications from outside - payment providers' and carriers' webhooks - stored once under the
sender's event id before anything acts on them, then applied by a worker, idempotently.

``store_once`` runs in the request, after the caller has verified the signature: it inserts the
event and queues its processing through the outbox in one transaction, so the answer goes out
fast and a broker outage loses nothing; a replay (senders resend until they get a 2xx) finds
the first copy, which is the one acted on. ``process_once`` applies an event through the
caller's function and marks it processed; an event that cannot be applied yet (the sender was
faster than our own commit) keeps its error on the row and raises, so the outbox retries it,
and ``retry_waiting`` tries again whatever is still waiting after a while.

Each app keeps its own table (``payments.WebhookEvent``, ``logistics.CarrierEvent``) on the
abstract ``notifications.models.InboundEvent``, with its sender and its unique (sender, event id).
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from marketplace.core.errors import DomainError

from . import outbox
from .models import InboundEvent

RETRY_BATCH = 200
MAX_ATTEMPTS = 50


Event = TypeVar("Event", bound=InboundEvent)


def store_once(*, model: type[Event], identity: dict[str, Any], task: str, **fields: Any) -> Event:
    """The event under ``identity`` (its sender and event id) is stored once and ``task`` is
    queued with its primary key; a replay returns the stored copy and queues nothing."""
    try:
        with transaction.atomic(durable=True):
            event = model.objects.create(**identity, **fields)
            outbox.enqueue(task=task, event_id=event.pk)
    except IntegrityError:
        return model.objects.get(**identity)
    return event


def process_once(
    *,
    event: Event,
    apply: Callable[[Event], None],
    errors: type[DomainError],
) -> bool:
    """``apply(event)`` unless it was applied already; True when this call applied it. An
    ``errors`` exception is kept on the row and raised again (the caller's retry)."""
    if event.processed_at is not None:
        return False
    rows = type(event).objects.filter(pk=event.pk)
    rows.update(attempts=F("attempts") + 1)
    try:
        apply(event)
    except errors as error:
        rows.update(last_error=error.message)
        raise
    return bool(
        rows.filter(processed_at__isnull=True).update(processed_at=timezone.now(), last_error="")
    )


def retry_waiting(
    *,
    model: type[InboundEvent],
    process: Callable[[int], bool],
    errors: type[DomainError],
    now: datetime,
    older_than: timedelta,
) -> int:
    """Events still not applied after ``older_than`` are processed again (a batch at a time,
    each at most ``MAX_ATTEMPTS`` times); returns how many got through."""
    waiting = model.objects.filter(
        processed_at__isnull=True, received_at__lt=now - older_than, attempts__lt=MAX_ATTEMPTS
    ).values_list("pk", flat=True)
    done = 0
    for pk in list(waiting[:RETRY_BATCH]):
        try:
            done += process(pk)
        except errors:
            continue
    return done
