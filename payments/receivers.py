"""What payments does when other apps report news."""

from django.dispatch import receiver

from orders import events as order_events
from orders.models import Order

from .services.settlement import schedule_release


@receiver(order_events.order_completed, dispatch_uid="payments_schedule_release")
def schedule_release_on_completion(sender, order_id: int, **kwargs) -> None:
    """The buyer confirmed receipt (or the auto-confirm did): the shop's share of the order
    becomes available after the holding period. The beat job schedules it too, should this
    be missed."""
    order = Order.objects.filter(pk=order_id).first()
    if order is not None:
        schedule_release(order=order)
