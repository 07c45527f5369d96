"""Who hears about a parcel's progress: the buyer, through the notifications inbox (and e-mail,
via its outbox), when it is picked up, out for delivery, delivered (a part of the order: the whole
order's delivery is told by ``orders``), held up by a problem, or returned to the sender.

Called by ``logistics.tasks.send_shipment_notice`` (queued through the outbox by
``services.tracking``) with ids. Kinds are ``shipment_<status>`` with templates in
``templates/notifications/``. Contexts hold JSON values only: the text is rendered later in the
reader's language.
"""

from django.urls import reverse

from marketplace.notifications.services import notify

from ..models import Shipment, ShipmentStatus

S = ShipmentStatus
KINDS = {
    S.PICKED_UP: "shipment_picked_up",
    S.OUT_FOR_DELIVERY: "shipment_out_for_delivery",
    S.DELIVERED: "shipment_delivered",
    S.EXCEPTION: "shipment_exception",
    S.RETURNED: "shipment_returned",
}


def notify_shipment_event(*, shipment_id: int, status: str) -> None:
    """The buyer is told that the parcel reached ``status``."""
    kind = KINDS.get(status)
    if kind is None:
        raise ValueError(f"No notice for shipment status {status!r}.")
    shipment = (
        Shipment.objects.select_related("order__buyer", "shop", "carrier")
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is None:
        return
    order = shipment.order
    event = shipment.events.filter(status=status).order_by("-occurred_at", "-pk").first()
    context = {
        "order_number": order.number,
        "shop_name": shipment.shop.name,
        "carrier": shipment.carrier.name,
        "tracking_number": shipment.tracking_number,
        "location": event.location if event else "",
        "description": event.description if event else "",
        "estimated_delivery": (
            shipment.estimated_delivery.isoformat() if shipment.estimated_delivery else ""
        ),
    }
    notify(
        user=order.buyer,
        kind=kind,
        context=context,
        url=reverse("logistics:tracking", kwargs={"number": order.number}),
    )
