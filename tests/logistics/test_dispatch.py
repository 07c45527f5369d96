"""Late dispatch: paid orders not shipped within the shop's handling time are flagged once, the
shop's owner and managers are told, every LOGISTICS_LATE_DISPATCHES_PER_VIOLATION late orders in
the window make one LATE-DISPATCH violation, and the shipping time of a late order is kept."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from logistics import tasks
from logistics.models import LateDispatch, ShopLogistics
from logistics.services.dispatch import (
    LATE_DISPATCH_RULE,
    count_toward_rules,
    flag_late_dispatches,
    record_late_shipments,
)
from marketplace.notifications.models import Notification
from marketplace.sellers.models import (
    MemberRole,
    Penalty,
    PenaltyKind,
    PenaltyThreshold,
    Rule,
    Violation,
)
from orders.models import Order, OrderStatus
from orders.services.lifecycle import ship_order
from tests.logistics.factories import paid_order, shipment
from tests.sellers.factories import MerchantMemberFactory, ShopFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def hours_ago(hours: float):
    return NOW - timedelta(hours=hours)


def owner_of(order: Order):
    return order.shop.merchant.members.get(role=MemberRole.OWNER).user


def test_an_order_paid_47h59_ago_is_not_late_and_48h01_ago_is():
    on_time = paid_order(paid_at=hours_ago(47 + 59 / 60))
    late = paid_order(paid_at=hours_ago(48 + 1 / 60))

    assert flag_late_dispatches(now=NOW) == 1

    flagged = LateDispatch.objects.get()
    assert flagged.order == late
    assert flagged.shop == late.shop
    assert flagged.due_at == late.paid_at + timedelta(hours=48)
    assert flagged.shipped_at is None
    assert not LateDispatch.objects.filter(order=on_time).exists()


def test_the_shops_own_handling_time_counts():
    quick = ShopFactory()
    ShopLogistics.objects.create(shop=quick, handling_hours=24)
    late = paid_order(shop=quick, paid_at=hours_ago(24 + 1 / 60))
    not_yet = paid_order(shop=quick, paid_at=hours_ago(23 + 59 / 60))
    default_shop_order = paid_order(paid_at=hours_ago(30))  # 48 h for a shop without settings

    assert flag_late_dispatches(now=NOW) == 1

    assert list(LateDispatch.objects.values_list("order_id", flat=True)) == [late.pk]
    assert LateDispatch.objects.get().due_at == late.paid_at + timedelta(hours=24)
    assert not LateDispatch.objects.filter(order__in=[not_yet, default_shop_order]).exists()


def test_an_order_is_flagged_once_however_often_the_job_runs():
    order = paid_order(paid_at=hours_ago(50))

    assert flag_late_dispatches(now=NOW) == 1
    assert flag_late_dispatches(now=NOW) == 0
    assert flag_late_dispatches(now=NOW + timedelta(hours=5)) == 0

    assert LateDispatch.objects.filter(order=order).count() == 1


def test_the_beat_task_flags_too_and_is_safe_to_run_twice():
    order = paid_order(paid_at=timezone.now() - timedelta(hours=49))

    assert tasks.flag_late_dispatches() == 1
    assert tasks.flag_late_dispatches() == 0

    assert LateDispatch.objects.filter(order=order).count() == 1


def test_orders_shipped_cancelled_with_a_shipment_or_under_after_sales_are_not_flagged():
    shipped = paid_order(paid_at=hours_ago(60))
    ship_order(order=shipped, by=owner_of(shipped), carrier="Demo", tracking_number="T1")
    paid_order(paid_at=hours_ago(60), status=OrderStatus.CANCELLED)
    partly_shipped = paid_order(paid_at=hours_ago(60))
    shipment(order=partly_shipped)
    paid_order(paid_at=hours_ago(60), has_open_after_sales=True)
    paid_order(paid_at=hours_ago(60), status=OrderStatus.PENDING_PAYMENT)

    assert flag_late_dispatches(now=NOW) == 0
    assert not LateDispatch.objects.exists()


def test_the_shops_owner_and_managers_are_told_once_and_nobody_else(run_outbox):
    order = paid_order(paid_at=hours_ago(49))
    manager = MerchantMemberFactory(merchant=order.shop.merchant, role=MemberRole.MANAGER).user
    clerk = MerchantMemberFactory(merchant=order.shop.merchant, role=MemberRole.CLERK).user
    other_shop_owner = owner_of(paid_order(paid_at=hours_ago(1)))

    flag_late_dispatches(now=NOW)
    flag_late_dispatches(now=NOW)
    run_outbox()

    notices = Notification.objects.filter(kind="logistics_late_dispatch")
    assert sorted(notices.values_list("user_id", flat=True)) == sorted(
        [owner_of(order).pk, manager.pk]
    )
    assert not notices.filter(user__in=[clerk, other_shop_owner]).exists()
    notice = notices.get(user=manager)
    assert notice.context["order_number"] == order.number
    assert notice.context["handling_hours"] == 48
    assert notice.url == f"/seller/orders/{order.number}/"


def test_no_notice_when_the_order_shipped_before_the_worker_ran(run_outbox):
    order = paid_order(paid_at=hours_ago(49))
    flag_late_dispatches(now=NOW)
    ship_order(order=order, by=owner_of(order), carrier="Demo", tracking_number="T2")

    run_outbox()

    assert not Notification.objects.filter(kind="logistics_late_dispatch").exists()


def test_a_late_order_that_ships_later_keeps_its_shipping_time(
    django_capture_on_commit_callbacks,
):
    order = paid_order(paid_at=hours_ago(52))
    flag_late_dispatches(now=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        ship_order(order=order, by=owner_of(order), carrier="Demo", tracking_number="T3")

    order.refresh_from_db()
    late = LateDispatch.objects.get(order=order)
    assert late.shipped_at == order.shipped_at
    assert late.shipped_at is not None


def test_the_job_catches_up_on_a_late_shipment_the_receiver_missed():
    order = paid_order(paid_at=hours_ago(52))
    flag_late_dispatches(now=NOW)
    ship_order(order=order, by=owner_of(order), carrier="Demo", tracking_number="T4")  # no hooks
    assert LateDispatch.objects.get(order=order).shipped_at is None

    assert record_late_shipments() == 1
    assert record_late_shipments() == 0

    order.refresh_from_db()
    assert LateDispatch.objects.get(order=order).shipped_at == order.shipped_at


# --- Counting toward the platform rules ------------------------------------------------------


def late_orders_of(shop, count: int, *, hours: float = 50) -> list[Order]:
    return [paid_order(shop=shop, paid_at=hours_ago(hours + i)) for i in range(count)]


def test_the_late_dispatch_rule_exists_without_the_demo_seed():
    rule = Rule.objects.get(code=LATE_DISPATCH_RULE)
    assert rule.is_active
    assert rule.points == 2


def test_two_late_orders_cost_no_points_and_the_third_records_one_violation(settings):
    settings.LOGISTICS_LATE_DISPATCHES_PER_VIOLATION = 3
    shop = ShopFactory()
    late_orders_of(shop, 2)

    flag_late_dispatches(now=NOW)
    assert not Violation.objects.exists()

    third = paid_order(shop=shop, paid_at=hours_ago(49))
    flag_late_dispatches(now=NOW)

    violation = Violation.objects.get()
    assert violation.shop == shop
    assert violation.rule.code == LATE_DISPATCH_RULE
    assert violation.points == 2
    assert violation.penalty == PenaltyKind.WARNING
    assert violation.recorded_by is None
    assert third.number in violation.description
    assert set(LateDispatch.objects.values_list("violation_id", flat=True)) == {violation.pk}
    assert violation.penalties.filter(kind=PenaltyKind.WARNING).count() == 1


def test_each_late_order_counts_toward_one_violation_only(settings):
    settings.LOGISTICS_LATE_DISPATCHES_PER_VIOLATION = 3
    shop = ShopFactory()
    late_orders_of(shop, 7)

    flag_late_dispatches(now=NOW)
    flag_late_dispatches(now=NOW)
    assert count_toward_rules(shop=shop, now=NOW) == []

    assert Violation.objects.filter(shop=shop).count() == 2
    assert LateDispatch.objects.filter(violation__isnull=False).count() == 6
    assert LateDispatch.objects.filter(violation__isnull=True).count() == 1


def test_late_orders_of_other_shops_or_outside_the_window_do_not_add_up(settings):
    settings.LOGISTICS_LATE_DISPATCHES_PER_VIOLATION = 3
    settings.LOGISTICS_LATE_DISPATCH_WINDOW_DAYS = 30
    shop, other = ShopFactory(), ShopFactory()
    late_orders_of(shop, 2)
    late_orders_of(other, 2)
    old = paid_order(shop=shop, paid_at=NOW - timedelta(days=31, hours=48))

    flag_late_dispatches(now=NOW)

    assert LateDispatch.objects.filter(order=old).exists()  # flagged, but too old to count
    assert not Violation.objects.exists()


def test_no_violation_while_the_rule_is_out_of_force(settings):
    settings.LOGISTICS_LATE_DISPATCHES_PER_VIOLATION = 1
    Rule.objects.filter(code=LATE_DISPATCH_RULE).update(is_active=False)
    order = paid_order(paid_at=hours_ago(50))

    flag_late_dispatches(now=NOW)

    assert LateDispatch.objects.filter(order=order, violation__isnull=True).exists()
    assert not Violation.objects.exists()


def test_the_shop_is_told_of_the_violation(settings, django_capture_on_commit_callbacks):
    settings.LOGISTICS_LATE_DISPATCHES_PER_VIOLATION = 1
    order = paid_order(paid_at=hours_ago(50))

    with django_capture_on_commit_callbacks(execute=True):
        flag_late_dispatches(now=NOW)

    notice = Notification.objects.get(kind="sellers_violation_recorded")
    assert notice.user == owner_of(order)
    assert notice.context["rule_code"] == LATE_DISPATCH_RULE


def test_late_dispatch_points_add_up_to_the_platforms_threshold_penalties(settings):
    settings.LOGISTICS_LATE_DISPATCHES_PER_VIOLATION = 1
    PenaltyThreshold.objects.create(points=4, penalty=PenaltyKind.LOWER_EXPOSURE, duration_days=7)
    shop = ShopFactory()
    late_orders_of(shop, 2)

    flag_late_dispatches(now=NOW)

    assert Violation.objects.filter(shop=shop).count() == 2
    threshold_penalty = Penalty.objects.get(shop=shop, threshold__points=4)
    assert threshold_penalty.kind == PenaltyKind.LOWER_EXPOSURE
    shop.refresh_from_db()
    assert shop.exposure_factor == Decimal("0.50")
