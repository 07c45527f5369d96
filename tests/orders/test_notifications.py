"""Events are sent only once the transaction commits, and each tells the buyer and the shop's
owner and managers (not clerks) through the inbox, in text that renders in every language."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from marketplace.notifications.models import Notification, OutboxMessage
from marketplace.notifications.rendering import render_notification
from marketplace.sellers.models import MemberRole
from orders import events
from orders.models import Order, OrderStatus
from orders.services.lifecycle import (
    cancel_order,
    complete_delivered_orders,
    confirm_receipt,
    expire_unpaid_orders,
    mark_delivered,
    mark_paid,
    ship_order,
)
from orders.services.notices import notify_order_event
from tests.orders.factories import placed_order
from tests.orders.lifecycle_support import member_of, owner_of, second_order

pytestmark = pytest.mark.django_db


def kinds_for(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
    )


def test_an_event_waits_for_the_commit(django_capture_on_commit_callbacks):
    order = placed_order()
    heard = []

    def listener(sender, order_id, **kwargs):
        heard.append(order_id)

    events.order_paid.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            mark_paid(group=order.group)
        assert heard == [] and len(callbacks) == 1
        callbacks[0]()
        assert heard == [order.pk]
    finally:
        events.order_paid.disconnect(listener)


def test_a_worker_writes_the_notices_through_the_outbox(
    django_capture_on_commit_callbacks, run_outbox
):
    order = placed_order()
    with django_capture_on_commit_callbacks(execute=True):
        mark_paid(group=order.group)
    queued = OutboxMessage.objects.filter(task_name="orders.tasks.send_order_notices")
    assert kinds_for(order.buyer) == []  # paying did not wait for the inboxes
    assert list(queued.values_list("kwargs", flat=True)) == [
        {"order_id": order.pk, "event": "paid"}
    ]
    assert run_outbox() == 1
    assert kinds_for(order.buyer) == ["order_paid"]
    assert run_outbox() >= 0 and kinds_for(order.buyer) == ["order_paid"]  # runs once


def test_paid_tells_the_buyer_once_per_group_and_each_shop(
    django_capture_on_commit_callbacks, run_outbox
):
    order = placed_order()
    other = second_order(order)
    clerk = member_of(order.shop, MemberRole.CLERK)
    manager = member_of(order.shop, MemberRole.MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        mark_paid(group=order.group)
    run_outbox()
    assert kinds_for(order.buyer) == ["order_paid"]
    assert kinds_for(owner_of(order.shop)) == ["order_paid_seller"]
    assert kinds_for(owner_of(other.shop)) == ["order_paid_seller"]
    assert kinds_for(manager) == ["order_paid_seller"]
    assert kinds_for(clerk) == []
    seller_notice = Notification.objects.get(user=owner_of(other.shop))
    assert seller_notice.url == f"/seller/orders/{other.number}/"
    assert Notification.objects.get(user=order.buyer).url == f"/orders/{order.number}/"


def test_each_step_of_the_life_cycle_tells_both_sides(
    django_capture_on_commit_callbacks, run_outbox
):
    order = placed_order(status=OrderStatus.PAID)
    owner = owner_of(order.shop)
    with django_capture_on_commit_callbacks(execute=True):
        ship_order(order=order, by=owner, carrier="Black Cat", tracking_number="TW123")
    run_outbox()
    with django_capture_on_commit_callbacks(execute=True):
        mark_delivered(order=order)
    run_outbox()
    with django_capture_on_commit_callbacks(execute=True):
        confirm_receipt(order=order, by=order.buyer)
    run_outbox()
    assert kinds_for(order.buyer) == ["order_shipped", "order_delivered", "order_completed"]
    assert kinds_for(owner) == [
        "order_shipped_seller",
        "order_delivered_seller",
        "order_completed_seller",
    ]
    shipped = Notification.objects.get(user=order.buyer, kind="order_shipped")
    _subject, body = render_notification(shipped)
    assert "Black Cat" in body and "TW123" in body


def test_confirming_a_shipped_order_sends_no_separate_delivered_notice(
    django_capture_on_commit_callbacks, run_outbox
):
    order = placed_order(status=OrderStatus.SHIPPED)
    with django_capture_on_commit_callbacks(execute=True):
        confirm_receipt(order=order, by=order.buyer)
    run_outbox()
    assert kinds_for(order.buyer) == ["order_completed"]


def test_a_cancellation_gives_its_reason_and_who(
    django_capture_on_commit_callbacks, run_outbox, user
):
    order = placed_order(buyer=user)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_order(order=order, by=user, reason="Wrong colour", initiator="buyer")
    run_outbox()
    notice = Notification.objects.get(user=owner_of(order.shop))
    assert notice.kind == "order_cancelled_seller"
    _subject, body = render_notification(notice)
    assert "The buyer cancelled" in body and "Wrong colour" in body


def test_the_timeout_says_the_order_was_not_paid_in_time(
    django_capture_on_commit_callbacks, run_outbox
):
    order = placed_order()
    Order.objects.filter(pk=order.pk).update(payment_deadline=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        expire_unpaid_orders(now=timezone.now())
    run_outbox()
    notice = Notification.objects.get(user=order.buyer)
    assert notice.kind == "order_cancelled"
    _subject, body = render_notification(notice)
    assert "not paid in time" in body


def test_automatic_completion_says_so(django_capture_on_commit_callbacks, run_outbox, settings):
    settings.ORDERS_AUTO_COMPLETE_DAYS = 1
    order = placed_order(
        status=OrderStatus.DELIVERED, delivered_at=timezone.now() - timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        complete_delivered_orders(now=timezone.now())
    run_outbox()
    _subject, body = render_notification(Notification.objects.get(user=order.buyer))
    assert "automatically" in body


@pytest.mark.parametrize(
    "event", ["placed", "paid", "shipped", "delivered", "completed", "cancelled"]
)
@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_every_kind_renders_in_every_language(event, language):
    status = {"delivered": OrderStatus.DELIVERED}.get(event, OrderStatus.PAID)
    order = placed_order(status=status, carrier="DHL", tracking_number="1", cancel_reason="x")
    notify_order_event(order_id=order.pk, event=event, initiator="staff")
    notices = Notification.objects.filter(kind__startswith=f"order_{event}")
    assert notices.count() == 2  # the buyer and the owner
    with translation.override(language):
        for notice in notices:
            subject, body = render_notification(notice)
            assert order.number in subject or order.group.number in subject
            assert body
