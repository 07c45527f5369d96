"""What logistics does when lower apps report news; each receiver calls one logistics service."""

from typing import Any

from django.dispatch import receiver

from orders import events as order_events

from .services.dispatch import record_late_shipment


@receiver(order_events.order_shipped, dispatch_uid="logistics_record_late_shipment")
def record_late_dispatch_shipped(sender: Any, order_id: int, **kwargs: Any) -> None:
    """A flagged order that ships keeps its shipping time (the beat job catches up if lost)."""
    record_late_shipment(order_id=order_id)
