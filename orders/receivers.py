"""What orders does when other apps (and allauth) report news."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from marketplace.notifications import outbox

from . import events as order_events
from . import tasks
from .services.cart import adopt_guest_cart


@receiver(user_logged_in, dispatch_uid="orders_merge_guest_cart")
def merge_guest_cart_on_login(sender, request, user, **kwargs) -> None:
    """The cart kept as a guest joins the account's cart (login keeps the session's data)."""
    if request is not None and hasattr(request, "session"):
        adopt_guest_cart(request=request, user=user)


# --- Order life cycle -> notices -------------------------------------------------------------
# Each event of orders.events tells the buyer and the shop's owner and managers. The notices are
# written by a worker (through the outbox, so none is lost): a checkout or a shipment does not
# wait for inboxes and e-mails, and a burst of orders (a flash sale) is not slowed by them.
# "Placed" is queued by place_order itself, once for the whole group and in its transaction
# (services.checkout); the other events one message per order.


def _queue_notices(order_id: int, event: str, **extra: str) -> None:
    outbox.enqueue(task=tasks.send_order_notices, order_id=order_id, event=event, **extra)


@receiver(order_events.order_paid, dispatch_uid="orders_notify_paid")
def notify_order_paid(sender, order_id: int, **kwargs) -> None:
    _queue_notices(order_id, "paid")


@receiver(order_events.order_shipped, dispatch_uid="orders_notify_shipped")
def notify_order_shipped(sender, order_id: int, **kwargs) -> None:
    _queue_notices(order_id, "shipped")


@receiver(order_events.order_delivered, dispatch_uid="orders_notify_delivered")
def notify_order_delivered(sender, order_id: int, **kwargs) -> None:
    _queue_notices(order_id, "delivered")


@receiver(order_events.order_completed, dispatch_uid="orders_notify_completed")
def notify_order_completed(sender, order_id: int, **kwargs) -> None:
    _queue_notices(order_id, "completed")


@receiver(order_events.order_cancelled, dispatch_uid="orders_notify_cancelled")
def notify_order_cancelled(sender, order_id: int, initiator: str = "", **kwargs) -> None:
    _queue_notices(order_id, "cancelled", initiator=initiator)
