"""Delivery analytics for operations: per carrier the number of shipments, on-time rate, average
days to deliver and exception rate; per shop the late dispatch rate; shipments per day. The
staff report shows every carrier and shop, the seller dashboard the same figures for one shop.

Definitions (over shipments created, or orders paid, in the last ``WINDOW_DAYS`` days):
- on-time rate: of the shipments that have an estimated delivery date and are either delivered
  or past that date, the share delivered on or before it (a parcel still travelling after its
  estimate is late, not left out);
- average days to deliver: from the shipment's creation to its delivery, delivered ones only;
- exception rate: the share of shipments that hit a problem (an exception reported at any point,
  or now in exception or returned);
- late dispatch rate: of the shop's paid orders whose handling time has run out (cancelled ones
  left out unless they were flagged), the share flagged as late.
Rates are percentages rounded half up to one decimal; ``None`` where there is nothing to divide.

Reads only, a fixed number of aggregate queries whatever the number of rows; never writes.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from marketplace.sellers.models import Shop
from orders.models import Order, OrderStatus

from ..models import LateDispatch, Shipment, ShipmentStatus, TrackingEvent
from .dispatch import due_by

WINDOW_DAYS = 30
SHOPS_SHOWN = 50
ONE_DECIMAL = Decimal("0.1")
SECONDS_PER_DAY = Decimal(86400)


@dataclass(frozen=True)
class CarrierFigures:
    carrier_id: int
    carrier_name: str
    shipments: int
    delivered: int
    on_time_rate: Decimal | None
    average_days: Decimal | None
    exception_rate: Decimal | None


@dataclass(frozen=True)
class ShopDispatchFigures:
    shop_id: int
    shop_name: str
    orders_due: int
    late: int
    late_rate: Decimal | None


@dataclass(frozen=True)
class DayVolume:
    day: date
    shipments: int


@dataclass(frozen=True)
class DeliveryReport:
    since: datetime
    until: datetime
    carriers: list[CarrierFigures]
    shops: list[ShopDispatchFigures]
    volume: list[DayVolume]

    @property
    def busiest_day(self) -> int:
        return max((day.shipments for day in self.volume), default=0)


def delivery_report(*, now: datetime, shop: Shop | None = None) -> DeliveryReport:
    """The figures of the last ``WINDOW_DAYS`` days, of every shop or of ``shop`` only."""
    since = now - timedelta(days=WINDOW_DAYS)
    return DeliveryReport(
        since=since,
        until=now,
        carriers=carrier_figures(since=since, now=now, shop=shop),
        shops=late_dispatch_rates(since=since, now=now, shop=shop),
        volume=daily_volume(now=now, shop=shop),
    )


def carrier_figures(
    *, since: datetime, now: datetime, shop: Shop | None = None
) -> list[CarrierFigures]:
    """Per carrier with shipments created in (since, now], by carrier name."""
    today = timezone.localdate(now)
    shipments = Shipment.objects.filter(created_at__gt=since, created_at__lte=now)
    if shop is not None:
        shipments = shipments.filter(shop=shop)
    delivered = Q(delivered_at__isnull=False)
    judged = Q(estimated_delivery__isnull=False) & (delivered | Q(estimated_delivery__lt=today))
    on_time = delivered & Q(
        estimated_delivery__isnull=False, delivered_at__date__lte=F("estimated_delivery")
    )
    reported_exception = Exists(
        TrackingEvent.objects.filter(shipment_id=OuterRef("pk"), status=ShipmentStatus.EXCEPTION)
    )
    troubled = Q(status__in=(ShipmentStatus.EXCEPTION, ShipmentStatus.RETURNED)) | Q(
        reported_exception
    )
    time_to_deliver = ExpressionWrapper(
        F("delivered_at") - F("created_at"), output_field=DurationField()
    )
    rows = (
        shipments.values("carrier_id", "carrier__name")
        .annotate(
            shipments=Count("pk"),
            delivered=Count("pk", filter=delivered),
            judged=Count("pk", filter=judged),
            on_time=Count("pk", filter=on_time),
            troubled=Count("pk", filter=troubled),
            average=Avg(time_to_deliver, filter=delivered),
        )
        .order_by("carrier__name", "carrier_id")
    )
    return [
        CarrierFigures(
            carrier_id=row["carrier_id"],
            carrier_name=row["carrier__name"],
            shipments=row["shipments"],
            delivered=row["delivered"],
            on_time_rate=percent(row["on_time"], row["judged"]),
            average_days=days(row["average"]),
            exception_rate=percent(row["troubled"], row["shipments"]),
        )
        for row in rows
    ]


def late_dispatch_rates(
    *, since: datetime, now: datetime, shop: Shop | None = None
) -> list[ShopDispatchFigures]:
    """Per shop with orders paid in (since, now] that are due, most late orders first (at most
    ``SHOPS_SHOWN`` shops)."""
    orders = Order.objects.filter(due_by(now=now), paid_at__gt=since, paid_at__lte=now).filter(
        ~Q(status=OrderStatus.CANCELLED) | Q(late_dispatch__isnull=False)
    )
    if shop is not None:
        orders = orders.filter(shop=shop)
    rows = (
        orders.values("shop_id", "shop__name")
        .annotate(due=Count("pk"), late=Count("pk", filter=Q(late_dispatch__isnull=False)))
        .order_by("-late", "shop__name", "shop_id")[:SHOPS_SHOWN]
    )
    return [
        ShopDispatchFigures(
            shop_id=row["shop_id"],
            shop_name=row["shop__name"],
            orders_due=row["due"],
            late=row["late"],
            late_rate=percent(row["late"], row["due"]),
        )
        for row in rows
    ]


def daily_volume(*, now: datetime, shop: Shop | None = None) -> list[DayVolume]:
    """Shipments created on each of the last ``WINDOW_DAYS`` days (today included, local
    dates), oldest first, days without shipments as 0."""
    today = timezone.localdate(now)
    first = today - timedelta(days=WINDOW_DAYS - 1)
    shipments = Shipment.objects.filter(created_at__date__gte=first, created_at__lte=now)
    if shop is not None:
        shipments = shipments.filter(shop=shop)
    counts = dict(
        shipments.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    days_shown = (first + timedelta(days=offset) for offset in range(WINDOW_DAYS))
    return [DayVolume(day=day, shipments=counts.get(day, 0)) for day in days_shown]


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def days(duration: timedelta | None) -> Decimal | None:
    if duration is None:
        return None
    seconds = Decimal(duration.days * 86400 + duration.seconds)
    return (seconds / SECONDS_PER_DAY).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def late_dispatches_for_shop(*, shop: Shop, now: datetime) -> QuerySet[LateDispatch]:
    """The shop's orders flagged as late, due in the last ``WINDOW_DAYS`` days, latest first."""
    since = now - timedelta(days=WINDOW_DAYS)
    return (
        LateDispatch.objects.filter(shop=shop, due_at__gt=since)
        .select_related("order")
        .order_by("-due_at", "-pk")
    )
