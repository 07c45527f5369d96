"""Finance staff in admin: the held-payment queue, bank transfers, refunds, events, wallets."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from orders.models import GroupStatus
from payments.models import Payment, PaymentStatus, Refund, RefundStatus, WebhookEvent
from payments.services import wallets
from tests.accounts.factories import UserFactory

from .factories import approve, group_to_pay, paid_group, started_payment

pytestmark = pytest.mark.django_db


def _action(client, model: str, action: str, objects, **data):
    return client.post(
        f"/admin/payments/{model}/",
        {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **data},
    )


def test_the_held_queue_lists_only_held_payments(client_as, staff_user):
    held = approve(started_payment(group=group_to_pay()), currency="EUR")
    _fine, paid = paid_group()
    page = client_as(staff_user).get("/admin/payments/heldpayment/").content.decode()
    assert held.number in page
    assert paid.number not in page


def test_staff_approve_from_the_queue(client_as, staff_user):
    group = group_to_pay()
    held = approve(started_payment(group=group), amount=group.total + 5)
    response = _action(client_as(staff_user), "heldpayment", "approve_held", [held])
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.status == GroupStatus.PAID


def test_refusing_asks_for_a_reason_first(client_as, staff_user):
    group = group_to_pay(price=Decimal("20.00"))
    held = approve(started_payment(group=group), currency="EUR")
    client = client_as(staff_user)
    asked = _action(client, "heldpayment", "reject_held", [held])
    assert asked.status_code == 200 and b"Reason" in asked.content
    held.refresh_from_db()
    assert held.needs_review  # nothing happened yet
    _action(client, "heldpayment", "reject_held", [held], confirm="yes", reason="Fraud")
    held.refresh_from_db()
    assert not held.needs_review and held.refunded_amount == Decimal("20.00")


def test_confirm_a_bank_transfer_with_the_amount_received(client_as, staff_user):
    group = group_to_pay(price=Decimal("64.00"))
    payment = started_payment(group=group, provider="bank_transfer")
    client = client_as(staff_user)
    _action(
        client,
        "payment",
        "confirm_transfer",
        [payment],
        confirm="yes",
        amount="64.00",
        currency="usd",
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED and not payment.needs_review
    group.refresh_from_db()
    assert group.status == GroupStatus.PAID


def test_a_short_bank_transfer_is_held(client_as, staff_user):
    group = group_to_pay(price=Decimal("64.00"))
    payment = started_payment(group=group, provider="bank_transfer")
    _action(
        client_as(staff_user),
        "payment",
        "confirm_transfer",
        [payment],
        confirm="yes",
        amount="60.00",
        currency="USD",
    )
    payment.refresh_from_db()
    assert payment.needs_review


def test_refund_action_refuses_too_much_with_a_message(client_as, staff_user):
    _group, payment = paid_group(price=Decimal("10.00"))
    client = client_as(staff_user)
    response = _action(
        client, "payment", "refund", [payment], confirm="yes", amount="11.00", reason="x"
    )
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("At most" in m for m in messages)
    assert not Refund.objects.exists()
    _action(client, "payment", "refund", [payment], confirm="yes", amount="4.00", reason="x")
    assert Refund.objects.get().amount == Decimal("4.00")


def test_mark_a_manual_refund_sent(client_as, staff_user):
    payment = approve(started_payment(group=group_to_pay(), provider="bank_transfer"))
    from payments.services.refunds import refund_payment

    refund = refund_payment(payment=payment, amount=Decimal("1"), by=staff_user, reason="x")
    _action(client_as(staff_user), "refund", "mark_sent", [refund], confirm="yes", reference="R1")
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED


def test_staff_adjust_a_wallet(client_as, staff_user):
    user = UserFactory()
    wallet = wallets.wallet_of(user=user)
    _action(
        client_as(staff_user), "wallet", "adjust", [wallet], confirm="yes", amount="7", note="Sorry"
    )
    assert wallets.balance_of(user=user) == Decimal("7.00")


def test_staff_without_payment_rights_cannot_act(client_as):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_payment"))
    group = group_to_pay()
    held = approve(started_payment(group=group), currency="EUR")
    _action(client_as(viewer), "payment", "approve_held", [held])
    held.refresh_from_db()
    assert held.needs_review


def test_events_are_listed_read_only(client_as, staff_user):
    WebhookEvent.objects.create(provider="sandbox", event_id="evt_1", kind="x", payload={})
    client = client_as(staff_user)
    assert b"evt_1" in client.get("/admin/payments/webhookevent/").content
    assert Payment.objects.count() == 0
