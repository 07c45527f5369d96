"""Celery tasks of payments; each calls one service and is safe to run twice (or at once).

Queued through the outbox (which retries them with backoff): ``process_webhook_event``,
``deliver_sandbox_webhook``, ``refund_cancelled_order``, ``collect_cash_on_delivery`` and
``send_payout``. Beat runs the sweeps, ``release_available_funds`` hourly and
``schedule_payouts`` daily, ``refresh_exchange_rates`` hourly (``CELERY_BEAT_SCHEDULE`` in
settings): the last retries when the feed cannot be reached and stops, logging why, when the
feed's answer is refused.
"""

import logging

from celery import Task, shared_task
from django.utils import timezone

from orders.models import Order

from .errors import ExchangeRateFeedError, ExchangeRateFeedUnavailable, PayoutError
from .models import Payout
from .services import (
    currencies,
    paying,
    payouts,
    refunds,
    sandbox_delivery,
    settlement,
    webhooks,
)

logger = logging.getLogger(__name__)

FEED_RETRIES = 3
FEED_RETRY_SECONDS = 300


@shared_task
def process_webhook_event(*, event_id: int) -> bool:
    return webhooks.process_webhook_event(event_id=event_id)


@shared_task
def retry_unprocessed_events() -> int:
    return webhooks.retry_unprocessed_events(now=timezone.now())


@shared_task
def retry_pending_refunds() -> int:
    return refunds.retry_pending_refunds(now=timezone.now())


@shared_task
def deliver_sandbox_webhook(*, body: str) -> int:
    return sandbox_delivery.deliver(body=body)


@shared_task
def refund_cancelled_order(*, order_id: int, reason: str = "") -> None:
    refunds.refund_cancelled_order(order=Order.objects.get(pk=order_id), reason=reason)


@shared_task
def collect_cash_on_delivery(*, order_id: int) -> None:
    paying.collect_cash_on_delivery(order=Order.objects.get(pk=order_id))


@shared_task
def release_available_funds() -> int:
    return settlement.release_available_funds(now=timezone.now())


@shared_task
def schedule_payouts() -> int:
    return payouts.schedule_payouts(now=timezone.now())


@shared_task
def send_payout(*, payout_id: int) -> None:
    """A network failure raises (the outbox retries with the same idempotency key); a payout
    already sent or failed is left alone."""
    payout = Payout.objects.filter(pk=payout_id).first()
    if payout is None:
        return
    try:
        payouts.send_payout(payout=payout)
    except PayoutError:
        return


@shared_task(bind=True, max_retries=FEED_RETRIES, default_retry_delay=FEED_RETRY_SECONDS)
def refresh_exchange_rates(self: Task) -> int:
    try:
        return currencies.refresh_exchange_rates(now=timezone.now())
    except ExchangeRateFeedUnavailable as error:
        raise self.retry(exc=error) from error
    except ExchangeRateFeedError as error:
        logger.warning(
            "exchange rates refused", extra={"code": error.code, "reason": error.message}
        )
        return 0
