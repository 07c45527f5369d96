"""The life-cycle services and their guards: paying, shipping, delivering, confirming,
completing and cancelling; each refusal changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from catalog.models import StockMovement, Variant
from marketplace.core.states import history_of
from marketplace.sellers.models import MemberRole
from orders import events
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
    complete_order,
    confirm_receipt,
    mark_delivered,
    mark_paid,
    ship_order,
    update_seller_note,
)
from tests.catalog.factories import VariantFactory
from tests.orders.factories import CouponFactory, FlashSaleFactory, placed_order
from tests.orders.lifecycle_support import (
    cancellations_of,
    hold_flash_units,
    member_of,
    owner_of,
    second_order,
    use_coupon,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent():
    """Every order event sent, as (name, kwargs)."""
    received = []
    names = ("order_paid", "order_shipped", "order_delivered", "order_completed")
    handlers = []
    for name in (*names, "order_cancelled"):

        def handler(sender, signal=None, name=name, **kwargs):
            received.append((name, kwargs))

        getattr(events, name).connect(handler, weak=False)
        handlers.append((name, handler))
    yield received
    for name, handler in handlers:
        getattr(events, name).disconnect(handler)


def stock_of(order: Order) -> int:
    return Variant.objects.get(pk=order.lines.get().variant_id).stock


# --- mark_paid -------------------------------------------------------------------------------


def test_mark_paid_pays_the_group_and_each_waiting_order(sent, django_capture_on_commit_callbacks):
    order = placed_order()
    other = second_order(order)
    with django_capture_on_commit_callbacks(execute=True):
        group = mark_paid(group=order.group, reference="pi_123")
    assert group.status == GroupStatus.PAID and group.paid_at is not None
    for each in (order, other):
        each.refresh_from_db()
        assert each.status == OrderStatus.PAID
        assert each.paid_at == group.paid_at
        assert history_of(each).get().reason == "pi_123"
    assert sorted(kw["order_id"] for name, kw in sent) == sorted([order.pk, other.pk])
    assert {kw["group_id"] for name, kw in sent} == {group.pk}


def test_mark_paid_twice_changes_nothing_and_sends_no_second_event(
    sent, django_capture_on_commit_callbacks
):
    order = placed_order()
    with django_capture_on_commit_callbacks(execute=True):
        first = mark_paid(group=order.group)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = mark_paid(group=order.group)
    assert again.status == GroupStatus.PAID and again.paid_at == first.paid_at
    assert callbacks == []
    assert len(sent) == 1
    assert history_of(order).count() == 1


def test_mark_paid_refuses_a_cancelled_group(user):
    order = placed_order(buyer=user)
    cancel_order(order=order, by=user, reason="Changed my mind", initiator="buyer")
    with pytest.raises(OrderError) as refused:
        mark_paid(group=order.group)
    assert refused.value.code == "group_cancelled"
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.paid_at is None


def test_mark_paid_leaves_an_order_the_timeout_cancelled_cancelled():
    order = placed_order()
    other = second_order(order)
    Order.objects.filter(pk=other.pk).update(payment_deadline=timezone.now() - timedelta(minutes=1))
    other.refresh_from_db()
    cancel_order(order=other, by=None, reason="", initiator="timeout")
    group = mark_paid(group=order.group)
    assert group.status == GroupStatus.PAID
    order.refresh_from_db()
    other.refresh_from_db()
    assert (order.status, other.status) == (OrderStatus.PAID, OrderStatus.CANCELLED)


# --- ship_order ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [MemberRole.OWNER, MemberRole.MANAGER, MemberRole.CLERK])
def test_any_member_of_the_shop_ships_a_paid_order(sent, role, django_capture_on_commit_callbacks):
    order = placed_order(status=OrderStatus.PAID)
    person = member_of(order.shop, role) if role != MemberRole.OWNER else owner_of(order.shop)
    with django_capture_on_commit_callbacks(execute=True):
        shipped = ship_order(
            order=order, by=person, carrier="  Black Cat ", tracking_number=" 1234 5678 "
        )
    shipped.refresh_from_db()
    assert shipped.status == OrderStatus.SHIPPED
    assert (shipped.carrier, shipped.tracking_number) == ("Black Cat", "1234 5678")
    assert shipped.shipped_at is not None
    assert history_of(shipped).get().by == person
    assert sent == [("order_shipped", {"order_id": order.pk})]


def test_another_shop_cannot_ship_an_order():
    order = placed_order(status=OrderStatus.PAID)
    stranger = owner_of(VariantFactory().product.shop)
    with pytest.raises(OrderError) as refused:
        ship_order(order=order, by=stranger, carrier="DHL", tracking_number="1")
    assert refused.value.code == "not_seller"
    order.refresh_from_db()
    assert (order.status, order.carrier) == (OrderStatus.PAID, "")


@pytest.mark.parametrize("status", [OrderStatus.PENDING_PAYMENT, OrderStatus.SHIPPED])
def test_only_a_paid_order_ships(status):
    order = placed_order(status=status)
    with pytest.raises(OrderError) as refused:
        ship_order(order=order, by=owner_of(order.shop), carrier="DHL", tracking_number="1")
    assert refused.value.code == "not_paid"
    order.refresh_from_db()
    assert order.status == status and order.carrier == ""


@pytest.mark.parametrize(
    ("carrier", "tracking", "code"),
    [
        (" ", "1", "carrier_required"),
        ("DHL", "  ", "tracking_required"),
        ("D" * 101, "1", "too_long"),
    ],
)
def test_shipping_needs_a_carrier_and_a_tracking_number(carrier, tracking, code):
    order = placed_order(status=OrderStatus.PAID)
    with pytest.raises(OrderError) as refused:
        ship_order(order=order, by=owner_of(order.shop), carrier=carrier, tracking_number=tracking)
    assert refused.value.code == code
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


# --- mark_delivered, confirm_receipt, complete_order ------------------------------------------


def test_the_shop_manager_staff_or_logistics_mark_a_shipped_order_delivered(staff_user):
    for by in (None, staff_user, "owner"):
        order = placed_order(status=OrderStatus.SHIPPED)
        actor = owner_of(order.shop) if by == "owner" else by
        mark_delivered(order=order, by=actor)
        order.refresh_from_db()
        assert order.status == OrderStatus.DELIVERED and order.delivered_at is not None


def test_a_clerk_or_the_buyer_cannot_mark_delivered():
    order = placed_order(status=OrderStatus.SHIPPED)
    for person in (member_of(order.shop, MemberRole.CLERK), order.buyer):
        with pytest.raises(OrderError):
            mark_delivered(order=order, by=person)
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED


def test_only_a_shipped_order_is_marked_delivered():
    order = placed_order(status=OrderStatus.PAID)
    with pytest.raises(OrderError) as refused:
        mark_delivered(order=order)
    assert refused.value.code == "not_shipped"


def test_the_buyer_confirms_receipt_of_a_shipped_order_through_delivered(
    sent, django_capture_on_commit_callbacks
):
    order = placed_order(status=OrderStatus.SHIPPED)
    with django_capture_on_commit_callbacks(execute=True):
        done = confirm_receipt(order=order, by=order.buyer)
    assert done.status == OrderStatus.COMPLETED
    assert done.delivered_at is not None and done.completed_at is not None
    moves = [(c.from_status, c.to_status) for c in history_of(order).order_by("pk")]
    assert moves == [("shipped", "delivered"), ("delivered", "completed")]
    assert [name for name, _ in sent] == ["order_delivered", "order_completed"]


def test_the_buyer_confirms_receipt_of_a_delivered_order():
    order = placed_order(status=OrderStatus.DELIVERED, delivered_at=timezone.now())
    done = confirm_receipt(order=order, by=order.buyer)
    assert done.status == OrderStatus.COMPLETED


def test_nobody_else_confirms_receipt(other_user):
    order = placed_order(status=OrderStatus.SHIPPED)
    for person in (other_user, owner_of(order.shop)):
        with pytest.raises(OrderError) as refused:
            confirm_receipt(order=order, by=person)
        assert refused.value.code == "not_buyer"
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED


@pytest.mark.parametrize("status", [OrderStatus.PENDING_PAYMENT, OrderStatus.PAID])
def test_receipt_is_confirmed_only_after_shipping(status):
    order = placed_order(status=status)
    with pytest.raises(OrderError):
        confirm_receipt(order=order, by=order.buyer)
    order.refresh_from_db()
    assert order.status == status


def test_an_open_after_sales_request_holds_completion_back(staff_user):
    order = placed_order(
        status=OrderStatus.DELIVERED, delivered_at=timezone.now(), has_open_after_sales=True
    )
    for call in (
        lambda: confirm_receipt(order=order, by=order.buyer),
        lambda: complete_order(order=order),
        lambda: complete_order(order=order, by=staff_user),
    ):
        with pytest.raises(OrderError) as refused:
            call()
        assert refused.value.code == "after_sales_open"
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


def test_complete_order_moves_only_a_delivered_order(other_user):
    shipped = placed_order(status=OrderStatus.SHIPPED)
    with pytest.raises(OrderError) as refused:
        complete_order(order=shipped)
    assert refused.value.code == "not_delivered"
    delivered = placed_order(status=OrderStatus.DELIVERED, delivered_at=timezone.now())
    with pytest.raises(OrderError):
        complete_order(order=delivered, by=other_user)
    assert complete_order(order=delivered).status == OrderStatus.COMPLETED


# --- update_seller_note ----------------------------------------------------------------------


def test_a_clerk_keeps_a_private_note_and_another_shop_cannot():
    order = placed_order(status=OrderStatus.PAID)
    update_seller_note(order=order, by=member_of(order.shop, MemberRole.CLERK), note=" Fragile ")
    order.refresh_from_db()
    assert order.seller_note == "Fragile"
    with pytest.raises(OrderError):
        update_seller_note(order=order, by=owner_of(VariantFactory().product.shop), note="x")
    order.refresh_from_db()
    assert order.seller_note == "Fragile"


# --- cancel_order ----------------------------------------------------------------------------


def test_the_buyer_cancels_an_unpaid_order_and_its_stock_is_back(
    user, sent, django_capture_on_commit_callbacks
):
    order = placed_order(buyer=user, quantity=3)
    before = stock_of(order)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = cancel_order(
            order=order, by=user, reason=" Found it  cheaper ", initiator="buyer"
        )
    assert cancelled.status == OrderStatus.CANCELLED
    assert cancelled.cancel_reason == "Found it cheaper"
    assert cancelled.cancelled_at is not None and cancelled.stock_released_at is not None
    assert stock_of(order) == before + 3
    assert cancellations_of(order) == 1
    assert cancelled.group.status == GroupStatus.CANCELLED
    assert sent == [
        (
            "order_cancelled",
            {"order_id": order.pk, "reason": "Found it cheaper", "initiator": "buyer"},
        )
    ]


def test_the_buyer_cancels_a_paid_order_before_it_ships(user):
    order = placed_order(buyer=user, status=OrderStatus.PAID)
    assert cancel_order(order=order, by=user, reason="x", initiator="buyer").status == "cancelled"


def test_another_shopper_cannot_cancel_an_order(user, other_user):
    order = placed_order(buyer=user)
    before = stock_of(order)
    with pytest.raises(OrderError) as refused:
        cancel_order(order=order, by=other_user, reason="x", initiator="buyer")
    assert refused.value.code == "not_buyer"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT and stock_of(order) == before


@pytest.mark.parametrize("status", [OrderStatus.SHIPPED, OrderStatus.DELIVERED])
def test_nobody_cancels_once_shipped(user, staff_user, status):
    order = placed_order(buyer=user, status=status)
    for by, initiator in ((user, "buyer"), (staff_user, "staff")):
        with pytest.raises(OrderError) as refused:
            cancel_order(order=order, by=by, reason="x", initiator=initiator)
        assert refused.value.code == "not_cancellable"
    order.refresh_from_db()
    assert order.status == status and cancellations_of(order) == 0


def test_staff_cancel_a_paid_order_and_only_staff_can(staff_user, other_user):
    order = placed_order(status=OrderStatus.PAID)
    with pytest.raises(OrderError) as refused:
        cancel_order(order=order, by=other_user, reason="Fraud", initiator="staff")
    assert refused.value.code == "not_staff"
    cancelled = cancel_order(order=order, by=staff_user, reason="Fraud", initiator="staff")
    assert cancelled.status == OrderStatus.CANCELLED
    assert history_of(order).get().by == staff_user


def test_a_cancellation_needs_a_reason_and_a_known_initiator(user):
    order = placed_order(buyer=user)
    for reason, initiator, code in (
        ("  ", "buyer", "reason_required"),
        ("x", "seller", "initiator"),
    ):
        with pytest.raises(OrderError) as refused:
            cancel_order(order=order, by=user, reason=reason, initiator=initiator)
        assert refused.value.code == code
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_the_timeout_cancels_only_past_the_deadline():
    order = placed_order()
    with pytest.raises(OrderError) as refused:
        cancel_order(order=order, by=None, reason="", initiator="timeout")
    assert refused.value.code == "not_expired"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_cancelling_twice_gives_the_stock_back_once(user):
    order = placed_order(buyer=user, quantity=2)
    before = stock_of(order)
    cancel_order(order=order, by=user, reason="x", initiator="buyer")
    with pytest.raises(OrderError):
        cancel_order(order=order, by=user, reason="x", initiator="buyer")
    assert stock_of(order) == before + 2
    assert cancellations_of(order) == 1
    assert history_of(order).count() == 1


def test_flash_sale_units_and_allowance_come_back(user):
    flash = FlashSaleFactory(quantity=10, per_user_limit=2)
    order = placed_order(buyer=user, variant=flash.variant, quantity=3)
    hold_flash_units(order, flash, units=2)  # two at the flash price, one at the normal price
    cancel_order(order=order, by=user, reason="x", initiator="buyer")
    flash.refresh_from_db()
    assert flash.quantity_left == 10
    assert FlashSaleAllocation.objects.get(flash_sale=flash, user=user).quantity == 0


def test_flash_units_never_exceed_a_shrunk_sale(user):
    flash = FlashSaleFactory(quantity=10)
    order = placed_order(buyer=user, variant=flash.variant)
    hold_flash_units(order, flash, units=1)
    FlashSale.objects.filter(pk=flash.pk).update(quantity=9, quantity_left=9)
    cancel_order(order=order, by=user, reason="x", initiator="buyer")
    flash.refresh_from_db()
    assert flash.quantity_left == 9


def test_the_group_and_its_coupons_stay_while_one_of_its_orders_lives(user):
    order = placed_order(buyer=user)
    other = second_order(order)
    coupon = CouponFactory(shop=None)
    use = use_coupon(order.group, coupon)
    cancel_order(order=order, by=user, reason="x", initiator="buyer")
    order.group.refresh_from_db()
    use.refresh_from_db()
    coupon.refresh_from_db()
    assert order.group.status == GroupStatus.PENDING_PAYMENT
    assert use.released_at is None and coupon.used_count == 1

    cancel_order(order=other, by=user, reason="y", initiator="buyer")
    order.group.refresh_from_db()
    use.refresh_from_db()
    coupon.refresh_from_db()
    assert order.group.status == GroupStatus.CANCELLED
    assert use.released_at is not None and coupon.used_count == 0


def test_a_paid_group_is_cancelled_when_all_its_orders_are(user, staff_user):
    order = placed_order(buyer=user)
    coupon = CouponFactory()
    use_coupon(order.group, coupon)
    mark_paid(group=order.group)
    order.refresh_from_db()
    cancel_order(order=order, by=staff_user, reason="Out of stock", initiator="staff")
    order.group.refresh_from_db()
    assert order.group.status == GroupStatus.CANCELLED
    assert Coupon.objects.get(pk=coupon.pk).used_count == 0
    assert CouponUse.objects.get(coupon=coupon).released_at is not None


def test_stock_ledger_adds_up_after_a_cancellation(user):
    order = placed_order(buyer=user, quantity=4)
    variant = Variant.objects.get(pk=order.lines.get().variant_id)
    cancel_order(order=order, by=user, reason="x", initiator="buyer")
    variant.refresh_from_db()
    total = StockMovement.objects.filter(variant=variant).aggregate(s=Sum("quantity"))["s"]
    assert variant.stock == total


def test_a_line_of_a_deleted_variant_is_skipped(user):
    order = placed_order(buyer=user)
    order.lines.update(variant=None, product=None)
    cancelled = cancel_order(order=order, by=user, reason="x", initiator="buyer")
    assert cancelled.status == OrderStatus.CANCELLED and cancellations_of(order) == 0


def test_the_order_total_is_never_recomputed_by_a_move(user):
    order = placed_order(buyer=user)
    Order.objects.filter(pk=order.pk).update(total=Decimal("7.77"))
    mark_paid(group=order.group)
    order.refresh_from_db()
    assert order.total == Decimal("7.77")
