"""Reads of placed orders for the shopper's and the seller's pages, scoped to who asks and
prefetched so a page's query count does not grow with its rows. Nothing here writes.

Carts have their own reads in ``selectors_cart``.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from marketplace.core.states import history_of
from marketplace.sellers.models import Shop

from .models import Order, OrderGroup, OrderLine, OrderStatus

# The shopper's tabs: (slug, label, filter).
BUYER_TABS: tuple[tuple[str, Any, Q], ...] = (
    ("to-pay", _("To pay"), Q(status=OrderStatus.PENDING_PAYMENT)),
    ("to-ship", _("To ship"), Q(status=OrderStatus.PAID)),
    ("shipped", _("Shipped"), Q(status__in=(OrderStatus.SHIPPED, OrderStatus.DELIVERED))),
    ("to-review", _("To review"), Q(status=OrderStatus.COMPLETED)),
    ("after-sales", _("After-sales"), Q(has_open_after_sales=True)),
)
BUYER_TAB_FILTERS = {slug: condition for slug, _label, condition in BUYER_TABS}


def _with_rows(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.select_related("shop", "group").prefetch_related("lines")


# --- The shopper ------------------------------------------------------------------------------


def orders_for_buyer(*, user: Any, tab: str | None = None) -> QuerySet[Order]:
    """The user's orders, newest first, in one tab (``BUYER_TABS``) or all; an unknown tab
    is all."""
    qs = _with_rows(Order.objects.filter(buyer=user))
    condition = BUYER_TAB_FILTERS.get(tab or "")
    return qs.filter(condition) if condition is not None else qs


def buyer_tab_counts(*, user: Any) -> dict[str, int]:
    """How many of the user's orders each tab holds (and "all"), in one query."""
    counts = Order.objects.filter(buyer=user).aggregate(
        all=Count("pk"),
        **{slug: Count("pk", filter=condition) for slug, _label, condition in BUYER_TABS},
    )
    return {key: value or 0 for key, value in counts.items()}


def order_for_buyer_or_404(*, user: Any, number: str) -> Order:
    """The user's own order with its lines and discounts; another shopper's number is a 404."""
    order = (
        _with_rows(Order.objects.filter(buyer=user, number=number))
        .prefetch_related("discounts")
        .first()
    )
    if order is None:
        raise Http404("No such order.")
    return order


# --- The seller ------------------------------------------------------------------------------


def orders_for_shop(*, shop: Shop, status: str | None = None, query: str = "") -> QuerySet[Order]:
    """The shop's orders, newest first, optionally of one status and matching ``query`` (order
    number, the buyer's e-mail or name, a product title or SKU)."""
    qs = Order.objects.filter(shop=shop).select_related("buyer", "group").prefetch_related("lines")
    if status in OrderStatus.values:
        qs = qs.filter(status=status)
    query = " ".join((query or "").split())
    if query:
        lines = OrderLine.objects.filter(order=OuterRef("pk")).filter(
            Q(title__icontains=query) | Q(sku__iexact=query)
        )
        qs = qs.filter(
            Q(number__icontains=query)
            | Q(buyer__email__iexact=query)
            | Q(buyer__display_name__icontains=query)
            | Q(Exists(lines))
        )
    return qs


def shop_status_counts(*, shop: Shop) -> dict[str, int]:
    """How many of the shop's orders are in each status (and "all"), in one query."""
    counts = Order.objects.filter(shop=shop).aggregate(
        all=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in OrderStatus.values},
    )
    return {key: value or 0 for key, value in counts.items()}


def order_for_shop_or_404(*, shop: Shop, number: str) -> Order:
    """One of the shop's orders with its lines and discounts; another shop's number is a 404."""
    order = (
        Order.objects.filter(shop=shop, number=number)
        .select_related("buyer", "group")
        .prefetch_related("lines", "discounts")
        .first()
    )
    if order is None:
        raise Http404("No such order.")
    return order


# --- Both -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineStep:
    status: str
    label: str
    at: datetime
    reason: str


def timeline_of(order: Order) -> list[TimelineStep]:
    """When the order was placed and each move since, oldest first (one query)."""
    labels = dict(OrderStatus.choices)
    steps = [
        TimelineStep(
            status=OrderStatus.PENDING_PAYMENT,
            label=str(_("Placed")),
            at=order.created_at,
            reason="",
        )
    ]
    for change in history_of(order).order_by("at", "pk"):
        steps.append(
            TimelineStep(
                status=change.to_status,
                label=str(labels.get(change.to_status, change.to_status)),
                at=change.at,
                reason=change.reason,
            )
        )
    return steps


def amount_due(*, group: OrderGroup) -> Decimal:
    """What the buyer pays for the group: its orders not cancelled (the timeout may have
    cancelled one that held flash-sale units before the others)."""
    total = group.orders.exclude(status=OrderStatus.CANCELLED).aggregate(total=Sum("total"))
    return total["total"] or Decimal("0")
