"""What payments does when orders report news: a paid order cancelled before shipping is
refunded, a cash-on-delivery group whose orders all arrived has been paid at the door, and a
completed order's share is scheduled to leave escrow. Refunds and collections run in a worker
through the outbox (refunds call the provider); an order with no payment to act on queues
nothing."""

from django.dispatch import receiver

from marketplace.notifications import outbox
from orders import events as order_events
from orders.models import Order

from .models import Payment, PaymentStatus, ProviderCode
from .services.settlement import schedule_release


def _payments_of_order(order_id: int):
    return Payment.objects.filter(group__orders__pk=order_id)


@receiver(order_events.order_cancelled, dispatch_uid="payments_refund_cancelled_order")
def refund_when_paid_order_cancelled(sender, order_id: int, reason: str = "", **kwargs) -> None:
    payments = _payments_of_order(order_id)
    if payments.filter(status=PaymentStatus.SUCCEEDED).exists():
        outbox.enqueue(
            task="payments.tasks.refund_cancelled_order", order_id=order_id, reason=reason
        )
    if payments.filter(
        provider=ProviderCode.CASH_ON_DELIVERY, status=PaymentStatus.PROCESSING
    ).exists():
        outbox.enqueue(task="payments.tasks.collect_cash_on_delivery", order_id=order_id)


@receiver(order_events.order_delivered, dispatch_uid="payments_collect_cash_on_delivery")
def collect_cash_when_delivered(sender, order_id: int, **kwargs) -> None:
    cash = _payments_of_order(order_id).filter(
        provider=ProviderCode.CASH_ON_DELIVERY, status=PaymentStatus.PROCESSING
    )
    if cash.exists():
        outbox.enqueue(task="payments.tasks.collect_cash_on_delivery", order_id=order_id)


@receiver(order_events.order_completed, dispatch_uid="payments_schedule_release")
def schedule_release_on_completion(sender, order_id: int, **kwargs) -> None:
    """The buyer confirmed receipt (or the auto-confirm did): the shop's share of the order
    becomes available after the holding period. The beat job schedules it too, should this
    be missed."""
    order = Order.objects.filter(pk=order_id).first()
    if order is not None:
        schedule_release(order=order)
