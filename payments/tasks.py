"""Celery tasks of payments; each calls one service and is safe to run twice.

``process_webhook_event`` and ``deliver_sandbox_webhook`` are queued through the outbox (which
retries them with backoff); beat runs the sweeps (``CELERY_BEAT_SCHEDULE`` in settings).
"""

from celery import shared_task
from django.utils import timezone

from orders.models import Order

from .services import paying, refunds, sandbox_delivery, webhooks


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
