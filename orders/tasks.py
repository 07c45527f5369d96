"""Celery tasks of orders; each calls one service and is safe to run twice (or at once).

Beat runs ``expire_unpaid_orders`` every minute and ``complete_delivered_orders`` hourly
(``CELERY_BEAT_SCHEDULE`` in settings); ``send_order_notices`` is queued through the outbox by
``orders.receivers`` for each order event, ``send_group_notices`` by ``place_order`` for the
placed orders of a checkout.
"""

from celery import shared_task
from django.utils import timezone

from .models import Order
from .services import lifecycle
from .services.notices import notify_order_event


@shared_task
def expire_unpaid_orders() -> int:
    return lifecycle.expire_unpaid_orders(now=timezone.now())


@shared_task
def complete_delivered_orders() -> int:
    return lifecycle.complete_delivered_orders(now=timezone.now())


@shared_task
def send_order_notices(*, order_id: int, event: str, initiator: str = "") -> None:
    notify_order_event(order_id=order_id, event=event, initiator=initiator)


@shared_task
def send_group_notices(*, group_id: int, event: str) -> None:
    """The notices of every order of a group (placed together by one checkout)."""
    for order_id in (
        Order.objects.filter(group_id=group_id).order_by("pk").values_list("pk", flat=True)
    ):
        notify_order_event(order_id=order_id, event=event)
