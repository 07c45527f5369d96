"""Providers' webhooks: verified, stored once by the provider's event id, then processed by a
worker, idempotently.

``store_webhook`` runs in the request: it checks the signature (a bad one raises
``BadSignature`` and stores nothing), inserts the event under its unique (provider, event id)
and queues the processing through the outbox, so the answer goes out fast and a broker outage
loses nothing. ``process_webhook_event`` applies what the event says through ``paying`` and
``refunds``, whose own rules make a replayed or late event change nothing. An event that cannot
be applied yet (its payment is not known: the provider was faster than our own commit) raises,
keeps its error on the row and is retried by the outbox and by ``retry_unprocessed_events``.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.notifications import outbox

from .. import providers
from ..errors import PaymentError
from ..models import Payment, Refund, RefundStatus, WebhookEvent
from ..providers.base import Outcome
from . import paying, refunds


class EventNotApplicable(PaymentError):
    default_code = "event_not_applicable"


def store_webhook(*, provider: str, body: bytes, headers: dict[str, str]) -> WebhookEvent:
    """The verified event is stored (once) and its processing queued."""
    try:
        source = providers.get(provider)
    except KeyError as error:
        raise EventNotApplicable(_("Unknown payment provider."), code="unknown_provider") from error
    notice = source.verify_webhook(body=body, headers=headers)
    try:
        with transaction.atomic(durable=True):
            event = WebhookEvent.objects.create(
                provider=provider,
                event_id=notice.event_id[:255],
                kind=notice.kind[:100],
                payload=notice.payload,
            )
            outbox.enqueue(task="payments.tasks.process_webhook_event", event_id=event.pk)
    except IntegrityError:
        # A replay (providers resend until they get a 2xx): the first copy is the one acted on.
        return WebhookEvent.objects.get(provider=provider, event_id=notice.event_id[:255])
    return event


def process_webhook_event(*, event_id: int) -> bool:
    """What the event says is applied (once); True when this call applied it."""
    event = WebhookEvent.objects.get(pk=event_id)
    if event.processed_at is not None:
        return False
    WebhookEvent.objects.filter(pk=event.pk).update(attempts=F("attempts") + 1)
    try:
        _apply(event)
    except PaymentError as error:
        WebhookEvent.objects.filter(pk=event.pk).update(last_error=error.message)
        raise
    return bool(
        WebhookEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(
            processed_at=timezone.now(), last_error=""
        )
    )


def retry_unprocessed_events(*, now: datetime, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Events still not applied after a while are tried again; returns how many got through."""
    waiting = WebhookEvent.objects.filter(
        processed_at__isnull=True, received_at__lt=now - older_than, attempts__lt=50
    ).values_list("pk", flat=True)
    done = 0
    for pk in list(waiting[:200]):
        try:
            done += process_webhook_event(event_id=pk)
        except PaymentError:
            continue
    return done


def _apply(event: WebhookEvent) -> None:
    outcome = providers.get(event.provider).outcome_of(payload=event.payload)
    if outcome is None:
        return  # an event type we do not act on
    if outcome.is_refund:
        _apply_refund(event, outcome)
        return
    payment = Payment.objects.filter(
        provider=event.provider, provider_reference=outcome.reference
    ).first()
    if payment is None:
        raise EventNotApplicable(
            _("No payment with reference %(reference)s (yet).") % {"reference": outcome.reference},
            code="payment_unknown",
        )
    paying.record_outcome(payment=payment, outcome=outcome)


def _apply_refund(event: WebhookEvent, outcome: Outcome) -> None:
    refund = Refund.objects.filter(
        payment__provider=event.provider, provider_reference=outcome.reference
    ).first()
    if refund is None:
        # A refund made in the provider's dashboard, not through us: finance must look.
        raise EventNotApplicable(
            _("No refund with reference %(reference)s.") % {"reference": outcome.reference},
            code="refund_unknown",
        )
    if outcome.status == RefundStatus.SUCCEEDED:
        refunds.record_refund_succeeded(refund=refund, reference=outcome.reference)
    elif outcome.status == RefundStatus.FAILED:
        refunds.record_refund_failed(
            refund=refund, message=outcome.failure_message or _("The provider refused it.")
        )
