"""Who hears about an order's news: the buyer and the shop's owner and managers, through the
notifications inbox (and e-mail, via its outbox).

Called by ``orders.receivers`` after commit with ids; each function reloads the order and writes
its notices in one transaction. Kinds are ``order_<event>`` (the buyer) and
``order_<event>_seller`` (the shop), with templates in ``templates/notifications/<kind>/``.
The buyer hears of "placed" and "paid" once per order group (the first order of the group
speaks for all of them), of the rest once per order. Contexts hold JSON values only, because the
text is rendered later in the reader's language.
"""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from marketplace.core.states import history_of
from marketplace.notifications.services import notify
from marketplace.sellers.access import MANAGERS
from marketplace.sellers.selectors.shops import members_of_merchant

from ..models import Order, OrderStatus

EVENTS = ("placed", "paid", "shipped", "delivered", "completed", "cancelled")
# Events the buyer hears of once per order group rather than once per order.
GROUP_EVENTS = ("placed", "paid")


def notify_order_event(*, order_id: int, event: str, **extra: Any) -> None:
    """The buyer and the shop's owner and managers are told that ``event`` happened."""
    if event not in EVENTS:
        raise ValueError(f"Unknown order event {event!r}.")
    order = Order.objects.select_related("group", "shop__merchant", "buyer").filter(pk=order_id)
    order = order.first()
    if order is None:
        return
    if event == "delivered" and order.status != OrderStatus.DELIVERED:
        # The buyer confirmed receipt at once: "completed" follows and says it all.
        return
    context = _context(order, **extra)
    with transaction.atomic():
        if event not in GROUP_EVENTS or _speaks_for_group(order):
            notify(
                user=order.buyer,
                kind=f"order_{event}",
                context=context,
                url=reverse("orders:detail", kwargs={"number": order.number}),
            )
        seller_url = reverse("orders:seller-order", kwargs={"number": order.number})
        members = members_of_merchant(merchant=order.shop.merchant).filter(
            role__in=MANAGERS, user__is_active=True
        )
        for member in members:
            notify(user=member.user, kind=f"order_{event}_seller", context=context, url=seller_url)


def _speaks_for_group(order: Order) -> bool:
    first = Order.objects.filter(group_id=order.group_id).order_by("pk").values("pk").first()
    return first is not None and first["pk"] == order.pk


def _context(order: Order, **extra: Any) -> dict[str, Any]:
    group = order.group
    return {
        "order_number": order.number,
        "group_number": group.number,
        "shop_name": order.shop.name,
        "buyer_name": order.buyer.get_full_name(),
        "total": str(order.total),
        "group_total": str(group.total),
        "currency": order.currency,
        "shop_count": group.orders.count(),
        "pay_by": _when(order.payment_deadline),
        "carrier": order.carrier,
        "tracking_number": order.tracking_number,
        "reason": order.cancel_reason,
        "initiator": extra.get("initiator", ""),
        "was_paid": order.paid_at is not None,
        "is_automatic": order.status == OrderStatus.COMPLETED and not _completed_by_someone(order),
    }


def _completed_by_someone(order: Order) -> bool:
    change = history_of(order).filter(to_status=OrderStatus.COMPLETED).first()
    return change is not None and change.by_id is not None


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
