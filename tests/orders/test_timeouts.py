"""The timed jobs: unpaid orders expire and give back stock, flash-sale units and coupons exactly
once (twice in a row, or at the same time as the buyer's own cancellation); delivered orders
complete after ORDERS_AUTO_COMPLETE_DAYS unless an after-sales request is open."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import Variant
from marketplace.core.states import history_of
from orders import tasks
from orders.errors import OrderError
from orders.models import (
    Coupon,
    CouponUse,
    FlashSale,
    FlashSaleAllocation,
    GroupStatus,
    Order,
    OrderStatus,
)
from orders.services.lifecycle import (
    cancel_order,
    complete_delivered_orders,
    expire_unpaid_orders,
    mark_paid,
)
from tests.orders.factories import CouponFactory, FlashSaleFactory, placed_order
from tests.orders.lifecycle_support import (
    cancellations_of,
    hold_flash_units,
    second_order,
    use_coupon,
)
from tests.threads import run_together


def overdue(order: Order, minutes: int = 1) -> Order:
    Order.objects.filter(pk=order.pk).update(
        payment_deadline=timezone.now() - timedelta(minutes=minutes)
    )
    order.refresh_from_db()
    return order


def stock_of(order: Order) -> int:
    return Variant.objects.get(pk=order.lines.get().variant_id).stock


def a_flash_order_with_a_coupon():
    """An overdue order holding 2 flash-sale units and a platform coupon (the whole group)."""
    flash = FlashSaleFactory(quantity=5, per_user_limit=3)
    order = placed_order(variant=flash.variant, quantity=2)
    hold_flash_units(order, flash, units=2)
    coupon = CouponFactory(shop=None)
    use_coupon(order.group, coupon)
    return overdue(order), flash, coupon


def assert_released_once(order: Order, flash: FlashSale, coupon: Coupon, stock_before: int):
    order.refresh_from_db()
    flash.refresh_from_db()
    coupon.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert stock_of(order) == stock_before + 2
    assert cancellations_of(order) == 1
    assert flash.quantity_left == 5
    assert FlashSaleAllocation.objects.get(flash_sale=flash, user=order.buyer).quantity == 0
    assert coupon.used_count == 0
    assert CouponUse.objects.get(coupon=coupon).released_at is not None
    assert history_of(order).count() == 1


@pytest.mark.django_db
class TestExpiry:
    def test_only_unpaid_orders_past_their_deadline_expire(self):
        late = overdue(placed_order())
        on_time = placed_order()
        paid = overdue(placed_order(status=OrderStatus.PAID))
        assert expire_unpaid_orders(now=timezone.now()) == 1
        for order, status in (
            (late, OrderStatus.CANCELLED),
            (on_time, OrderStatus.PENDING_PAYMENT),
            (paid, OrderStatus.PAID),
        ):
            order.refresh_from_db()
            assert order.status == status
        late.group.refresh_from_db()
        assert late.group.status == GroupStatus.CANCELLED
        assert late.cancel_reason == "Not paid in time."
        assert history_of(late).get().by is None

    def test_expiry_gives_everything_back_once_when_run_twice(self):
        order, flash, coupon = a_flash_order_with_a_coupon()
        before = stock_of(order)
        assert expire_unpaid_orders(now=timezone.now()) == 1
        assert expire_unpaid_orders(now=timezone.now()) == 0
        assert_released_once(order, flash, coupon, before)

    def test_the_task_runs_the_service_and_is_safe_to_repeat(self):
        order = overdue(placed_order())
        assert tasks.expire_unpaid_orders() == 1
        assert tasks.expire_unpaid_orders() == 0
        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELLED

    def test_a_flash_order_expiring_first_leaves_its_group_waiting(self):
        order = placed_order()
        flash_order = overdue(second_order(order))
        coupon = CouponFactory(shop=None)
        use_coupon(order.group, coupon)
        assert expire_unpaid_orders(now=timezone.now()) == 1
        flash_order.refresh_from_db()
        order.group.refresh_from_db()
        assert flash_order.status == OrderStatus.CANCELLED
        assert order.group.status == GroupStatus.PENDING_PAYMENT
        assert Coupon.objects.get(pk=coupon.pk).used_count == 1
        mark_paid(group=order.group)
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID

    def test_an_order_paid_after_expiry_is_refused(self):
        order = overdue(placed_order())
        expire_unpaid_orders(now=timezone.now())
        with pytest.raises(OrderError) as refused:
            mark_paid(group=order.group)
        assert refused.value.code == "group_cancelled"


@pytest.mark.django_db
class TestAutoComplete:
    def delivered(self, *, days_ago: float, **fields) -> Order:
        return placed_order(
            status=OrderStatus.DELIVERED,
            delivered_at=timezone.now() - timedelta(days=days_ago),
            **fields,
        )

    def test_delivered_orders_complete_after_the_configured_days(self, settings):
        settings.ORDERS_AUTO_COMPLETE_DAYS = 7
        old = self.delivered(days_ago=8)
        recent = self.delivered(days_ago=6)
        held = self.delivered(days_ago=30, has_open_after_sales=True)
        shipped = placed_order(status=OrderStatus.SHIPPED)
        assert complete_delivered_orders(now=timezone.now()) == 1
        assert complete_delivered_orders(now=timezone.now()) == 0
        for order, status in (
            (old, OrderStatus.COMPLETED),
            (recent, OrderStatus.DELIVERED),
            (held, OrderStatus.DELIVERED),
            (shipped, OrderStatus.SHIPPED),
        ):
            order.refresh_from_db()
            assert order.status == status
        change = history_of(old).get()
        assert change.by is None and change.reason

    def test_the_task_completes_and_is_safe_to_repeat(self, settings):
        settings.ORDERS_AUTO_COMPLETE_DAYS = 1
        order = self.delivered(days_ago=2)
        assert tasks.complete_delivered_orders() == 1
        assert tasks.complete_delivered_orders() == 0
        order.refresh_from_db()
        assert order.status == OrderStatus.COMPLETED


# --- Real concurrency on PostgreSQL -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_expiry_runs_at_once_release_everything_once():
    order, flash, coupon = a_flash_order_with_a_coupon()
    before = stock_of(order)
    now = timezone.now()
    outcomes = run_together(
        lambda: expire_unpaid_orders(now=now), lambda: expire_unpaid_orders(now=now)
    )
    assert sorted(outcomes) == [0, 1]
    assert_released_once(order, flash, coupon, before)


@pytest.mark.django_db(transaction=True)
def test_expiry_and_the_buyers_cancellation_at_once_release_everything_once():
    order, flash, coupon = a_flash_order_with_a_coupon()
    before = stock_of(order)
    now = timezone.now()
    outcomes = run_together(
        lambda: expire_unpaid_orders(now=now),
        lambda: cancel_order(order=order, by=order.buyer, reason="Too slow", initiator="buyer"),
    )
    expired, cancelled = outcomes
    assert (expired == 1) != isinstance(cancelled, Order)  # exactly one of them won
    if not isinstance(cancelled, Order):
        assert isinstance(cancelled, OrderError)
    assert_released_once(order, flash, coupon, before)


@pytest.mark.django_db(transaction=True)
def test_payment_and_expiry_at_once_end_in_one_consistent_state():
    order = overdue(placed_order(quantity=2))
    before = stock_of(order)
    now = timezone.now()
    outcomes = run_together(
        lambda: expire_unpaid_orders(now=now), lambda: mark_paid(group=order.group)
    )
    order.refresh_from_db()
    order.group.refresh_from_db()
    if order.status == OrderStatus.PAID:
        assert outcomes[0] == 0 and order.group.status == GroupStatus.PAID
        assert stock_of(order) == before
    else:
        assert isinstance(outcomes[1], OrderError) and outcomes[1].code == "group_cancelled"
        assert order.group.status == GroupStatus.CANCELLED
        assert stock_of(order) == before + 2 and cancellations_of(order) == 1
