"""Late dispatch: paid orders not shipped within their shop's promised handling time.

Owns ``LateDispatch`` rows: the beat job ``flag_late_dispatches`` flags each late order once,
tells the shop's owner and managers (through the outbox), and counts late orders toward the
platform rules; ``record_late_shipment`` notes when a flagged order finally ships.

Policy toward the platform rules: one violation of rule ``LATE-DISPATCH`` (a warning, the
rule's points) for every ``LOGISTICS_LATE_DISPATCHES_PER_VIOLATION`` late orders (default 3)
due within ``LOGISTICS_LATE_DISPATCH_WINDOW_DAYS`` (default 30). An occasional late parcel
(a missed pickup) is flagged and notified but costs no points; a habit does. Each late
dispatch counts toward at most one violation; late dispatches left over when the window moves
past them never count.

Never ships, cancels or changes orders (orders owns that), and never writes sellers' tables
itself: violations go through ``marketplace.sellers.services.rules``.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.notifications import outbox
from marketplace.notifications.services import notify
from marketplace.sellers.access import MANAGERS
from marketplace.sellers.models import Rule, Shop, Violation
from marketplace.sellers.selectors.shops import members_of_merchant
from marketplace.sellers.services.rules import record_platform_violation
from orders.models import Order, OrderStatus

from ..models import LateDispatch, Shipment, ShopLogistics

LATE_DISPATCH_RULE = "LATE-DISPATCH"
NOTICE_TASK = "logistics.tasks.send_late_dispatch_notice"
# The handling time of a shop that never saved its delivery settings (ShopLogistics' default).
DEFAULT_HANDLING_HOURS = ShopLogistics._meta.get_field("handling_hours").default
BATCH_SIZE = 500


def handling_hours_of(*, shop: Shop) -> int:
    hours = ShopLogistics.objects.filter(shop=shop).values_list("handling_hours", flat=True)
    return hours.first() or DEFAULT_HANDLING_HOURS


def due_by(*, now: datetime) -> Q:
    """Orders (by ``paid_at``) whose shop's handling time has run out by ``now``.

    One condition per handling time in use rather than date arithmetic in SQL, which SQLite
    (the embedded default) cannot do with a per-row number of hours."""
    default = timedelta(hours=DEFAULT_HANDLING_HOURS)
    condition = Q(shop__logistics__isnull=True, paid_at__lte=now - default)
    hours_in_use = ShopLogistics.objects.values_list("handling_hours", flat=True).distinct()
    for hours in hours_in_use:
        condition |= Q(
            shop__logistics__handling_hours=hours, paid_at__lte=now - timedelta(hours=hours)
        )
    return condition


def late_orders(*, now: datetime) -> QuerySet[Order]:
    """Paid orders past their handling time, with nothing shipped, not flagged yet. Orders with
    an open after-sales request (the buyer asked to cancel) are left alone: the shop should not
    ship those."""
    has_shipment = Shipment.objects.filter(order_id=OuterRef("pk"))
    is_flagged = LateDispatch.objects.filter(order_id=OuterRef("pk"))
    return (
        Order.objects.filter(
            due_by(now=now),
            status=OrderStatus.PAID,
            paid_at__isnull=False,
            has_open_after_sales=False,
        )
        .filter(~Exists(has_shipment), ~Exists(is_flagged))
        .order_by("paid_at", "pk")
    )


def flag_late_dispatches(*, now: datetime) -> int:
    """Every late order is flagged once and its shop told; shops with enough late orders get a
    late-dispatch violation; flagged orders that shipped since are recorded. Returns how many
    orders were flagged. Safe to run twice or at the same time as itself."""
    waiting = list(late_orders(now=now).values_list("pk", flat=True)[:BATCH_SIZE])
    flagged = sum(_flag(order_id=order_id, now=now) for order_id in waiting)
    record_late_shipments()
    for shop in shops_to_count(now=now):
        count_toward_rules(shop=shop, now=now)
    return flagged


def shops_to_count(*, now: datetime) -> QuerySet[Shop]:
    """Shops with enough uncounted late dispatches in the window for a violation."""
    since = now - timedelta(days=settings.LOGISTICS_LATE_DISPATCH_WINDOW_DAYS)
    due = (
        LateDispatch.objects.filter(violation__isnull=True, due_at__gt=since, due_at__lte=now)
        .values("shop_id")
        .annotate(late=Count("pk"))
        .filter(late__gte=settings.LOGISTICS_LATE_DISPATCHES_PER_VIOLATION)
        .values("shop_id")
    )
    return Shop.objects.filter(pk__in=due).order_by("pk")


def _flag(*, order_id: int, now: datetime) -> bool:
    """Flags the order if it is still paid, late and unflagged; True if this call flagged it."""
    with transaction.atomic(durable=True):
        # Locking the order orders this against ship_order: it either shipped first (no flag)
        # or ships after the flag exists (and the receiver records the late shipment).
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("shop")
            .filter(pk=order_id, status=OrderStatus.PAID, paid_at__isnull=False)
            .first()
        )
        if order is None or order.paid_at is None:
            return False
        due_at = order.paid_at + timedelta(hours=handling_hours_of(shop=order.shop))
        if due_at > now:
            return False
        late, created = LateDispatch.objects.get_or_create(
            order=order, defaults={"shop_id": order.shop_id, "due_at": due_at}
        )
        if created:
            outbox.enqueue(task=NOTICE_TASK, late_dispatch_id=late.pk)
    return created


def record_late_shipment(*, order_id: int) -> bool:
    """The flagged order's shipping time is kept; True if this call recorded it."""
    shipped_at = Order.objects.filter(pk=order_id).values_list("shipped_at", flat=True).first()
    if shipped_at is None:
        return False
    return bool(
        LateDispatch.objects.filter(order_id=order_id, shipped_at__isnull=True).update(
            shipped_at=shipped_at
        )
    )


def record_late_shipments() -> int:
    """Catches up on flagged orders that shipped without the receiver hearing of it (a worker
    lost after the commit); returns how many were recorded."""
    waiting = LateDispatch.objects.filter(
        shipped_at__isnull=True, order__shipped_at__isnull=False
    ).values_list("order_id", flat=True)
    return sum(record_late_shipment(order_id=order_id) for order_id in list(waiting[:BATCH_SIZE]))


def count_toward_rules(*, shop: Shop, now: datetime) -> list[Violation]:
    """One late-dispatch violation per full set of uncounted late orders due in the window;
    the violations recorded now (none while the rule is missing or out of force)."""
    rule = Rule.objects.filter(code=LATE_DISPATCH_RULE, is_active=True).first()
    if rule is None:
        return []
    per_violation = settings.LOGISTICS_LATE_DISPATCHES_PER_VIOLATION
    since = now - timedelta(days=settings.LOGISTICS_LATE_DISPATCH_WINDOW_DAYS)
    recorded = []
    with transaction.atomic(durable=True):
        # The shop's lock makes a concurrent run wait, then find these already counted.
        shop = Shop.objects.select_for_update().get(pk=shop.pk)
        uncounted = list(
            LateDispatch.objects.filter(
                shop=shop, violation__isnull=True, due_at__gt=since, due_at__lte=now
            )
            .select_related("order")
            .order_by("due_at", "pk")
        )
        while len(uncounted) >= per_violation:
            counted, uncounted = uncounted[:per_violation], uncounted[per_violation:]
            violation = record_platform_violation(
                shop=shop, rule=rule, description=_violation_description(counted, since=since)
            )
            LateDispatch.objects.filter(pk__in=[late.pk for late in counted]).update(
                violation=violation
            )
            recorded.append(violation)
    return recorded


def _violation_description(counted: list[LateDispatch], *, since: datetime) -> str:
    numbers = ", ".join(late.order.number for late in counted)
    return _(
        "%(count)d orders were not shipped within the promised handling time since "
        "%(since)s: %(numbers)s."
    ) % {
        "count": len(counted),
        "since": timezone.localtime(since).strftime("%Y-%m-%d"),
        "numbers": numbers,
    }


def notify_late_dispatch(*, late_dispatch_id: int) -> int:
    """The shop's owner and managers are told the order is late; how many were told. Nothing is
    sent if the order shipped in the meantime."""
    late = (
        LateDispatch.objects.select_related("order", "shop__merchant")
        .filter(pk=late_dispatch_id)
        .first()
    )
    if late is None or late.order.status != OrderStatus.PAID:
        return 0
    context = {
        "order_number": late.order.number,
        "shop_name": late.shop.name,
        "paid_at": _when(late.order.paid_at),
        "due_at": _when(late.due_at),
        "handling_hours": handling_hours_of(shop=late.shop),
        "per_violation": settings.LOGISTICS_LATE_DISPATCHES_PER_VIOLATION,
        "window_days": settings.LOGISTICS_LATE_DISPATCH_WINDOW_DAYS,
    }
    url = reverse("orders:seller-order", kwargs={"number": late.order.number})
    members = members_of_merchant(merchant=late.shop.merchant).filter(
        role__in=MANAGERS, user__is_active=True
    )
    told = 0
    with transaction.atomic():
        for member in members.select_related("user"):
            notify(user=member.user, kind="logistics_late_dispatch", context=context, url=url)
            told += 1
    return told


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
