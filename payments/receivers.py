"""What payments does when orders report news: a paid order cancelled before shipping is
refunded, and a cash-on-delivery group whose orders all arrived has been paid at the door.
The work runs in a worker through the outbox (refunds call the provider)."""

from django.dispatch import receiver

from marketplace.notifications import outbox
from orders import events as order_events


@receiver(order_events.order_cancelled, dispatch_uid="payments_refund_cancelled_order")
def refund_when_paid_order_cancelled(sender, order_id: int, reason: str = "", **kwargs) -> None:
    outbox.enqueue(task="payments.tasks.refund_cancelled_order", order_id=order_id, reason=reason)
    outbox.enqueue(task="payments.tasks.collect_cash_on_delivery", order_id=order_id)


@receiver(order_events.order_delivered, dispatch_uid="payments_collect_cash_on_delivery")
def collect_cash_when_delivered(sender, order_id: int, **kwargs) -> None:
    outbox.enqueue(task="payments.tasks.collect_cash_on_delivery", order_id=order_id)
