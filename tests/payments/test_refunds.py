"""Refunds: full and partial, never above what is left, once, through the right channel."""

from decimal import Decimal

import pytest

from orders.services.lifecycle import cancel_order
from payments.errors import RefundError
from payments.models import PaymentStatus, Refund, RefundStatus, WalletEntry
from payments.services import refunds, wallets
from tests.orders.lifecycle_support import second_order

from .factories import approve, group_to_pay, paid_group, started_payment

pytestmark = pytest.mark.django_db


def test_partial_then_remaining_refund_through_the_sandbox(staff_user):
    _group, payment = paid_group(price=Decimal("80.00"))
    first = refunds.refund_payment(
        payment=payment, amount=Decimal("30"), by=staff_user, reason="Damaged box"
    )
    assert first.status == RefundStatus.SUCCEEDED
    assert first.provider_reference.startswith("sbr_")
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("30.00")
    assert payment.refundable_amount == Decimal("50.00")
    refunds.refund_payment(payment=payment, amount=Decimal("50"), by=staff_user, reason="Rest")
    payment.refresh_from_db()
    assert payment.refundable_amount == 0


def test_a_refund_above_what_is_left_is_refused_and_changes_nothing(staff_user):
    _group, payment = paid_group(price=Decimal("80.00"))
    refunds.refund_payment(payment=payment, amount=Decimal("60"), by=staff_user, reason="Part")
    with pytest.raises(RefundError) as error:
        refunds.refund_payment(payment=payment, amount=Decimal("20.01"), by=staff_user, reason="x")
    assert error.value.code == "too_much"
    assert "20.00" in error.value.message
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("60.00")
    assert payment.refunds.count() == 1


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5"), "abc"])
def test_a_refund_needs_a_positive_amount(staff_user, amount):
    _group, payment = paid_group()
    with pytest.raises(RefundError):
        refunds.refund_payment(payment=payment, amount=amount, by=staff_user, reason="x")
    assert not Refund.objects.exists()


def test_a_refund_needs_a_reason(staff_user):
    _group, payment = paid_group()
    with pytest.raises(RefundError) as error:
        refunds.refund_payment(payment=payment, amount=Decimal("1"), by=staff_user, reason=" ")
    assert error.value.code == "reason_required"


def test_only_a_succeeded_payment_can_be_refunded(staff_user):
    payment = started_payment(group=group_to_pay())
    with pytest.raises(RefundError) as error:
        refunds.refund_payment(payment=payment, amount=Decimal("1"), by=staff_user, reason="x")
    assert error.value.code == "not_paid"


def test_one_shops_order_cannot_get_back_more_than_its_total(staff_user):
    group = group_to_pay(price=Decimal("10.00"))
    order = group.orders.get()
    other = second_order(order)
    type(group).objects.filter(pk=group.pk).update(total=order.total + other.total)
    payment = approve(started_payment(group=group))
    assert payment.amount == order.total + other.total
    refunds.refund_payment(
        payment=payment, amount=order.total, by=staff_user, reason="Lost", order=order
    )
    with pytest.raises(RefundError) as error:
        refunds.refund_payment(
            payment=payment, amount=Decimal("0.01"), by=staff_user, reason="x", order=order
        )
    assert error.value.code == "too_much"
    refunds.refund_payment(
        payment=payment, amount=other.total, by=staff_user, reason="x", order=other
    )
    assert refunds.refundable_for_order(order=other) == 0


def test_store_credit_payments_are_refunded_into_the_wallet(staff_user):
    group = group_to_pay(price=Decimal("12.00"))
    wallets.adjust_wallet(user=group.buyer, amount=Decimal("12"), by=staff_user, note="Gift")
    payment = started_payment(group=group, provider="store_credit")
    assert payment.status == PaymentStatus.SUCCEEDED
    refund = refunds.refund_payment(
        payment=payment, amount=Decimal("5"), by=staff_user, reason="Late"
    )
    assert refund.to_wallet and refund.status == RefundStatus.SUCCEEDED
    assert wallets.balance_of(user=group.buyer) == Decimal("5.00")
    assert WalletEntry.objects.get(refund=refund).amount == Decimal("5.00")
    # The same refund recorded again does not credit twice.
    refunds.record_refund_succeeded(refund=refund)
    assert wallets.balance_of(user=group.buyer) == Decimal("5.00")


def test_a_card_refund_may_go_to_store_credit_instead(staff_user):
    group, payment = paid_group(price=Decimal("9.00"))
    refunds.refund_payment(
        payment=payment, amount=Decimal("9"), by=staff_user, reason="Goodwill", to_wallet=True
    )
    assert wallets.balance_of(user=group.buyer) == Decimal("9.00")


def test_bank_transfer_refunds_wait_for_finance_then_succeed(staff_user):
    group = group_to_pay(price=Decimal("15.00"))
    payment = approve(started_payment(group=group, provider="bank_transfer"))
    refund = refunds.refund_payment(
        payment=payment, amount=Decimal("15"), by=staff_user, reason="x"
    )
    assert refund.status == RefundStatus.PENDING
    refund = refunds.record_refund_succeeded(refund=refund, reference="BANK-REF-1", by=staff_user)
    assert (refund.status, refund.provider_reference) == (RefundStatus.SUCCEEDED, "BANK-REF-1")


def test_a_failed_refund_gives_its_amount_back_to_refund_another_way(staff_user):
    group = group_to_pay(price=Decimal("15.00"))
    payment = approve(started_payment(group=group, provider="bank_transfer"))
    refund = refunds.refund_payment(
        payment=payment, amount=Decimal("15"), by=staff_user, reason="x"
    )
    refunds.record_refund_failed(refund=refund, message="Account closed", by=staff_user)
    payment.refresh_from_db()
    assert payment.refunded_amount == 0
    refunds.record_refund_failed(refund=refund, message="again")  # no double give-back
    payment.refresh_from_db()
    assert payment.refunded_amount == 0
    again = refunds.refund_payment(
        payment=payment, amount=Decimal("15"), by=staff_user, reason="To wallet", to_wallet=True
    )
    assert again.status == RefundStatus.SUCCEEDED


def test_a_paid_order_cancelled_before_shipping_is_refunded(
    run_outbox, django_capture_on_commit_callbacks
):
    group, _payment = paid_group(price=Decimal("33.00"))
    order = group.orders.get()
    with django_capture_on_commit_callbacks(execute=True):
        cancel_order(order=order, by=group.buyer, reason="Ordered twice", initiator="buyer")
    run_outbox()
    refund = Refund.objects.get(order=order)
    assert (refund.amount, refund.status) == (Decimal("33.00"), RefundStatus.SUCCEEDED)
    assert refund.reason == "Ordered twice"
    run_outbox()
    assert refunds.refund_cancelled_order(order=order, reason="again") is None
    assert Refund.objects.filter(order=order).count() == 1
