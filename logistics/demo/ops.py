"""Demo data of delivery operations: the coming 11.11 and 12.12 as peak periods, and one late
dispatch on a paid order of the demo merchant's shop (Demo Outfitters, or another demo shop if
it has no paid order left), flagged and notified as the beat job would.

The demo orders were all paid a moment ago, so the chosen order's payment time is moved back
past its shop's handling time first: the demo's story is "paid three days ago, still not
shipped". Idempotent: peak periods are upserted by name, and an order is chosen only while no
demo late dispatch exists. Runs inside ``seed_demo``'s transaction: no durable services.
"""

from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from marketplace.notifications import outbox
from orders.models import Order, OrderStatus

from ..models import LateDispatch, PeakPeriod, Shipment
from ..services.dispatch import NOTICE_TASK, handling_hours_of
from ..services.peak import peaks_changed

# name, month, day, extra days: shopping festivals when carriers are swamped.
PEAKS = [("11.11", 11, 11, 3), ("12.12", 12, 12, 2)]
PEAK_BEFORE = timedelta(days=1)  # the rush starts with the pre-sales
PEAK_AFTER = timedelta(days=5)  # and lasts while the parcels of the day are worked off
DEMO_MERCHANT = "merchant@example.com"
LATE_BY = timedelta(hours=22)


def run(*, log: Callable[[str], None]) -> None:
    now = timezone.now()
    for name, month, day, extra_days in PEAKS:
        starts_at, ends_at = peak_window(month=month, day=day, now=now)
        PeakPeriod.objects.update_or_create(
            name=f"{name} {starts_at.year}",
            defaults={
                "starts_at": starts_at,
                "ends_at": ends_at,
                "extra_days": extra_days,
                "poll_minutes": 15,
            },
        )
    peaks_changed()
    log(f"logistics: peak periods {', '.join(name for name, *_rest in PEAKS)}")
    late = _late_dispatch(now=now)
    if late is None:
        log("logistics: no paid demo order to flag late")
    else:
        log(f"logistics: late dispatch on order {late.order.number}")


def peak_window(*, month: int, day: int, now: datetime) -> tuple[datetime, datetime]:
    """The window of the festival on month/day that is on now or comes next."""
    zone = timezone.get_current_timezone()
    for year in (now.year, now.year + 1):
        festival = datetime.combine(datetime(year, month, day).date(), time.min, tzinfo=zone)
        starts_at, ends_at = festival - PEAK_BEFORE, festival + PEAK_AFTER
        if ends_at > now:
            return starts_at, ends_at
    raise AssertionError("unreachable: next year's festival is always ahead")


def _late_dispatch(*, now: datetime) -> LateDispatch | None:
    existing = LateDispatch.objects.filter(order__buyer__email="shopper@example.com").first()
    if existing is not None:
        return existing
    unshipped = (
        Order.objects.filter(status=OrderStatus.PAID, paid_at__isnull=False)
        .filter(~Exists(Shipment.objects.filter(order_id=OuterRef("pk"))))
        .filter(buyer__email="shopper@example.com")
        .select_related("shop")
    )
    order = (
        unshipped.filter(shop__merchant__members__user__email=DEMO_MERCHANT).first()
        or unshipped.order_by("pk").first()
    )
    if order is None:
        return None
    hours = handling_hours_of(shop=order.shop)
    paid_at = now - timedelta(hours=hours) - LATE_BY
    Order.objects.filter(pk=order.pk).update(paid_at=paid_at)
    late = LateDispatch.objects.create(
        order=order, shop=order.shop, due_at=paid_at + timedelta(hours=hours)
    )
    outbox.enqueue(task=NOTICE_TASK, late_dispatch_id=late.pk)
    return late
