"""Providers' webhooks: verified, stored once by the provider's event id, then processed by a
worker, idempotently.

``store_webhook`` runs in the request: it checks the signature (a bad one raises ``BadSignature``
and stores nothing), then ``notifications.inbound`` inserts the event under its unique (provider,
event id) and queues the processing through the outbox, so the answer goes out fast and a broker
outage loses nothing. ``process_webhook_event`` applies what the event says through ``paying`` and
``refunds``, whose own rules make a replayed or late event change nothing. An event that cannot be
applied yet (its payment is not known: the provider was faster than our own commit) raises, keeps
its error on the row and is retried by the outbox and by ``retry_unprocessed_events``.
"""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from marketplace.notifications import inbound

from .. import providers
from ..errors import PaymentError
from ..models import Payment, Refund, RefundStatus, WebhookEvent
from ..providers.base import Outcome
from . import paying, refunds

PROCESS_TASK = "payments.tasks.process_webhook_event"


class EventNotApplicable(PaymentError):
    default_code = "event_not_applicable"


def store_webhook(*, provider: str, body: bytes, headers: dict[str, str]) -> WebhookEvent:
    """The verified event is stored (once) and its processing queued."""
    try:
        source = providers.get(provider)
    except KeyError as error:
        raise EventNotApplicable(_("Unknown payment provider."), code="unknown_provider") from error
    notice = source.verify_webhook(body=body, headers=headers)
    return inbound.store_once(
        model=WebhookEvent,
        identity={"provider": provider, "event_id": notice.event_id[:255]},
        task=PROCESS_TASK,
        kind=notice.kind[:100],
        payload=notice.payload,
    )


def process_webhook_event(*, event_id: int) -> bool:
    """What the event says is applied (once); True when this call applied it."""
    event = WebhookEvent.objects.get(pk=event_id)
    return inbound.process_once(event=event, apply=_apply, errors=PaymentError)


def retry_unprocessed_events(*, now: datetime, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Events still not applied after a while are tried again; returns how many got through."""
    return inbound.retry_waiting(
        model=WebhookEvent,
        process=lambda pk: process_webhook_event(event_id=pk),
        errors=PaymentError,
        now=now,
        older_than=older_than,
    )


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
