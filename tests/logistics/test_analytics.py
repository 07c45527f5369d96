"""Delivery analytics on a small data set whose figures are worked out by hand: per carrier
shipments, on-time rate, average days to deliver and exception rate; late dispatch rate per shop;
shipments per day; everything scoped to one shop for the seller, in a fixed number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from logistics.models import LateDispatch, ShipmentStatus
from logistics.services.analytics import WINDOW_DAYS, delivery_report
from orders.models import Order, OrderStatus
from tests.logistics.factories import CarrierFactory, paid_order, shipment, tracking_event
from tests.sellers.factories import ShopFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate(NOW)


def days_ago(days: float):
    return NOW - timedelta(days=days)


def flag(order: Order) -> LateDispatch:
    return LateDispatch.objects.create(
        order=order, shop=order.shop, due_at=order.paid_at + timedelta(hours=48)
    )


@pytest.fixture
def world():
    """Carrier Alpha (shop A): delivered on time in 2 days; delivered late in 4.5 days; past its
    estimate, still travelling, after an exception; not due yet; one older than the window.
    Carrier Beta (shop B): returned to sender, no estimate."""
    shop_a, shop_b = ShopFactory(name="Shop A"), ShopFactory(name="Shop B")
    alpha = CarrierFactory(name="Alpha")
    beta = CarrierFactory(name="Beta")

    def of_a(**fields):
        return shipment(order=paid_order(shop=shop_a), carrier=alpha, **fields)

    created = days_ago(5)
    of_a(
        created_at=created,
        status=ShipmentStatus.DELIVERED,
        estimated_delivery=timezone.localdate(created) + timedelta(days=3),
        delivered_at=created + timedelta(days=2),
    )
    created = days_ago(10)
    of_a(
        created_at=created,
        status=ShipmentStatus.DELIVERED,
        estimated_delivery=timezone.localdate(created) + timedelta(days=2),
        delivered_at=created + timedelta(days=4, hours=12),
    )
    troubled = of_a(
        created_at=days_ago(3),
        status=ShipmentStatus.IN_TRANSIT,
        estimated_delivery=TODAY - timedelta(days=1),
    )
    tracking_event(shipment=troubled, status=ShipmentStatus.EXCEPTION, occurred_at=days_ago(2))
    tracking_event(shipment=troubled, status=ShipmentStatus.IN_TRANSIT, occurred_at=days_ago(1))
    of_a(created_at=days_ago(1), estimated_delivery=TODAY + timedelta(days=3))
    of_a(created_at=days_ago(40), status=ShipmentStatus.DELIVERED, delivered_at=days_ago(38))
    shipment(
        order=paid_order(shop=shop_b),
        carrier=beta,
        created_at=days_ago(2),
        status=ShipmentStatus.RETURNED,
    )

    # Dispatch: shop A has 3 orders due (2 late, one of them cancelled later) plus one
    # cancelled in time (left out) and one paid an hour ago (not due); shop B 1 due, on time.
    flag(paid_order(shop=shop_a, paid_at=days_ago(6)))
    paid_order(shop=shop_a, paid_at=days_ago(7))
    flag(paid_order(shop=shop_a, paid_at=days_ago(8), status=OrderStatus.CANCELLED))
    paid_order(shop=shop_a, paid_at=days_ago(9), status=OrderStatus.CANCELLED)
    paid_order(shop=shop_a, paid_at=NOW - timedelta(hours=1))
    flag(paid_order(shop=shop_a, paid_at=days_ago(45)))  # outside the window
    paid_order(shop=shop_b, paid_at=days_ago(3))
    return {"a": shop_a, "b": shop_b, "alpha": alpha, "beta": beta}


def test_carrier_figures_are_exact(world):
    carriers = delivery_report(now=NOW).carriers

    assert [c.carrier_name for c in carriers] == ["Alpha", "Beta"]
    alpha, beta = carriers
    assert (alpha.shipments, alpha.delivered) == (4, 2)
    assert alpha.on_time_rate == Decimal("33.3")  # 1 of the 3 delivered or past the estimate
    assert alpha.average_days == Decimal("3.3")  # (2 + 4.5) / 2 = 3.25, half up
    assert alpha.exception_rate == Decimal("25.0")  # the one that reported an exception
    assert (beta.shipments, beta.delivered) == (1, 0)
    assert beta.on_time_rate is None
    assert beta.average_days is None
    assert beta.exception_rate == Decimal("100.0")  # returned to sender


def test_late_dispatch_rate_per_shop_is_exact(world):
    shops = delivery_report(now=NOW).shops

    assert [(s.shop_name, s.orders_due, s.late, s.late_rate) for s in shops] == [
        ("Shop A", 3, 2, Decimal("66.7")),
        ("Shop B", 1, 0, Decimal("0.0")),
    ]


def test_volume_per_day_covers_the_last_30_days_with_empty_days(world):
    volume = delivery_report(now=NOW).volume

    assert len(volume) == WINDOW_DAYS
    assert volume[0].day == TODAY - timedelta(days=WINDOW_DAYS - 1)
    assert volume[-1].day == TODAY
    by_day = {day.day: day.shipments for day in volume}
    expected = {timezone.localdate(days_ago(n)): 1 for n in (1, 2, 3, 5, 10)}
    assert {day: n for day, n in by_day.items() if n} == expected
    assert sum(by_day.values()) == 5


def test_a_shops_report_has_only_its_own_figures(world):
    report = delivery_report(now=NOW, shop=world["b"])

    assert [(c.carrier_name, c.shipments) for c in report.carriers] == [("Beta", 1)]
    assert [(s.shop_name, s.orders_due, s.late) for s in report.shops] == [("Shop B", 1, 0)]
    assert sum(day.shipments for day in report.volume) == 1


def test_the_report_costs_the_same_few_queries_however_many_rows(world, django_assert_num_queries):
    with django_assert_num_queries(4):  # handling times in use, carriers, shops, days
        delivery_report(now=NOW)
    for _ in range(5):
        shipment(carrier=world["alpha"], created_at=days_ago(4))
    with django_assert_num_queries(4):
        delivery_report(now=NOW)


def test_nothing_to_divide_gives_no_rate():
    report = delivery_report(now=NOW)

    assert report.carriers == []
    assert report.shops == []
    assert report.busiest_day == 0
