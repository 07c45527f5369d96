"""Celery tasks of orders; each calls one service and is safe to run twice (or at once).

Beat runs ``expire_unpaid_orders`` every minute and ``complete_delivered_orders`` hourly
(``CELERY_BEAT_SCHEDULE`` in settings).
"""

from celery import shared_task
from django.utils import timezone

from .services import lifecycle


@shared_task
def expire_unpaid_orders() -> int:
    return lifecycle.expire_unpaid_orders(now=timezone.now())


@shared_task
def complete_delivered_orders() -> int:
    return lifecycle.complete_delivered_orders(now=timezone.now())
