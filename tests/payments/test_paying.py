"""Paying an order group: each provider's happy and failure paths, retries, held payments."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.core.states import history_of
from orders.models import GroupStatus, OrderStatus
from payments.errors import PaymentError
from payments.models import Payment, PaymentStatus, WalletEntry
from payments.providers import sandbox
from payments.providers.base import Outcome
from payments.services import paying, wallets
from tests.accounts.factories import UserFactory
from tests.orders.factories import FlashSaleFactory
from tests.orders.lifecycle_support import hold_flash_units, owner_of

from .factories import (
    approve,
    group_to_pay,
    paid_group,
    pay_request,
    sandbox_result,
    started_payment,
)

pytestmark = pytest.mark.django_db


def _outcome_of(result: dict) -> Outcome:
    return sandbox.SandboxProvider().handle_return(
        payment=Payment.objects.get(provider_reference=result["reference"]),
        params={"result": sandbox.signed_result(result)},
    )


def test_sandbox_attempt_waits_for_the_buyer_on_the_hosted_page():
    group = group_to_pay(price=Decimal("25.00"))
    payment = started_payment(group=group)
    assert payment.status == PaymentStatus.REQUIRES_ACTION
    assert payment.amount == Decimal("25.00")
    assert payment.currency == group.currency
    assert payment.provider_reference.startswith("sbx_")
    assert (
        payment.provider_data["redirect_url"] == f"/payments/sandbox/{payment.provider_reference}/"
    )
    assert payment.ip_address == "203.0.113.7"
    assert payment.session_key


def test_approval_pays_the_group_and_each_order_once():
    group = group_to_pay()
    payment = started_payment(group=group)
    payment = paying.record_outcome(payment=payment, outcome=_outcome_of(sandbox_result(payment)))
    assert payment.status == PaymentStatus.SUCCEEDED
    assert not payment.needs_review
    group.refresh_from_db()
    assert group.status == GroupStatus.PAID
    assert list(group.orders.values_list("status", flat=True)) == [OrderStatus.PAID]
    moves = history_of(payment).count()

    again = paying.record_outcome(payment=payment, outcome=_outcome_of(sandbox_result(payment)))
    assert again.status == PaymentStatus.SUCCEEDED
    assert history_of(payment).count() == moves  # a replayed success changes nothing


def test_declined_payment_can_be_retried_until_it_succeeds():
    group = group_to_pay()
    first = started_payment(group=group)
    first = paying.record_outcome(
        payment=first, outcome=_outcome_of(sandbox_result(first, sandbox.DECLINE))
    )
    assert first.status == PaymentStatus.FAILED
    assert first.failure_message == "The card was declined (sandbox)."
    group.refresh_from_db()
    assert group.status == GroupStatus.PENDING_PAYMENT

    second = started_payment(group=group)
    assert second.pk != first.pk
    approve(second)
    group.refresh_from_db()
    assert group.status == GroupStatus.PAID


def test_a_new_attempt_gives_up_the_open_one():
    group = group_to_pay()
    abandoned = started_payment(group=group)
    started_payment(group=group)
    abandoned.refresh_from_db()
    assert abandoned.status == PaymentStatus.CANCELLED


def test_failed_three_d_secure_fails_the_attempt():
    group = group_to_pay()
    payment = started_payment(group=group)
    outcome = _outcome_of(sandbox_result(payment, sandbox.CHALLENGE))
    payment = paying.record_outcome(payment=payment, outcome=outcome)
    assert payment.status == PaymentStatus.FAILED
    assert payment.failure_message == "3-D Secure authentication failed."


def test_reports_are_applied_in_life_cycle_order_not_arrival_order():
    group = group_to_pay()
    payment = started_payment(group=group)
    approve(payment)
    for late in (PaymentStatus.PROCESSING, PaymentStatus.FAILED, PaymentStatus.REQUIRES_ACTION):
        payment = paying.record_outcome(
            payment=payment, outcome=Outcome(reference=payment.provider_reference, status=late)
        )
        assert payment.status == PaymentStatus.SUCCEEDED


def test_success_after_a_failure_report_still_pays():
    """Money that arrives wins: a provider may let the buyer retry on the same attempt."""
    group = group_to_pay()
    payment = started_payment(group=group)
    paying.record_outcome(
        payment=payment,
        outcome=Outcome(reference=payment.provider_reference, status=PaymentStatus.FAILED),
    )
    payment = approve(payment)
    assert payment.status == PaymentStatus.SUCCEEDED
    group.refresh_from_db()
    assert group.status == GroupStatus.PAID


def test_amount_mismatch_holds_the_payment_instead_of_paying_the_order():
    group = group_to_pay(price=Decimal("30.00"))
    payment = approve(started_payment(group=group), amount=Decimal("3.00"))
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.needs_review
    assert "reported" in payment.review_reason
    group.refresh_from_db()
    assert group.status == GroupStatus.PENDING_PAYMENT


def test_currency_mismatch_holds_the_payment():
    group = group_to_pay()
    payment = approve(started_payment(group=group), currency="JPY")
    assert payment.needs_review
    group.refresh_from_db()
    assert group.status == GroupStatus.PENDING_PAYMENT


def test_staff_approve_a_held_payment_and_the_order_is_paid(staff_user):
    group = group_to_pay()
    payment = approve(started_payment(group=group), amount=group.total + 1)
    assert payment.needs_review
    paying.approve_held_payment(payment=payment, by=staff_user)
    payment.refresh_from_db()
    assert (payment.needs_review, payment.reviewed_by) == (False, staff_user)
    group.refresh_from_db()
    assert group.status == GroupStatus.PAID
    with pytest.raises(PaymentError) as again:
        paying.approve_held_payment(payment=payment, by=staff_user)
    assert again.value.code == "not_held"


def test_lower_case_currency_from_a_provider_is_the_same_currency():
    group = group_to_pay()
    payment = approve(started_payment(group=group), currency=group.currency.lower())
    assert not payment.needs_review


def test_approval_is_refused_when_the_group_no_longer_waits(staff_user):
    from orders.services.lifecycle import cancel_order

    group = group_to_pay()
    payment = started_payment(group=group)
    cancel_order(
        order=group.orders.get(), by=group.buyer, reason="Changed my mind", initiator="buyer"
    )
    payment = approve(payment)
    with pytest.raises(PaymentError) as refused:
        paying.approve_held_payment(payment=payment, by=staff_user)
    assert refused.value.code == "not_waiting"
    payment.refresh_from_db()
    assert payment.needs_review


def test_staff_reject_a_held_payment_cancels_the_orders_and_refunds(staff_user):
    group = group_to_pay(price=Decimal("40.00"))
    payment = approve(started_payment(group=group), amount=Decimal("40.00"), currency="EUR")
    assert payment.needs_review
    paying.reject_held_payment(payment=payment, by=staff_user, reason="Currency does not match")
    payment.refresh_from_db()
    assert not payment.needs_review
    assert payment.reviewed_by == staff_user
    assert payment.refunded_amount == Decimal("40.00")
    assert payment.refunds.get().status == "succeeded"
    group.refresh_from_db()
    assert group.status == GroupStatus.CANCELLED


def test_reject_needs_a_reason_and_changes_nothing_without_one(staff_user):
    group = group_to_pay()
    payment = approve(started_payment(group=group), currency="EUR")
    with pytest.raises(PaymentError):
        paying.reject_held_payment(payment=payment, by=staff_user, reason="  ")
    payment.refresh_from_db()
    assert payment.needs_review
    assert payment.refunded_amount == 0


def test_money_arriving_for_a_cancelled_group_is_held_for_a_refund():
    from orders.services.lifecycle import cancel_order

    group = group_to_pay()
    payment = started_payment(group=group)
    cancel_order(
        order=group.orders.get(), by=group.buyer, reason="Changed my mind", initiator="buyer"
    )
    payment = approve(payment)
    assert payment.needs_review
    assert "cancelled" in payment.review_reason
    group.refresh_from_db()
    assert group.status == GroupStatus.CANCELLED


def test_a_second_success_for_a_paid_group_is_held(staff_user):
    group = group_to_pay()
    first = started_payment(group=group)
    second = paying.start_payment(
        group=group, by=group.buyer, provider="sandbox", request=pay_request(group.buyer)
    )
    approve(second)
    late = approve(first)  # the abandoned attempt's money arrives anyway
    assert late.status == PaymentStatus.SUCCEEDED
    assert late.needs_review
    assert "already paid" in late.review_reason


def test_only_the_buyer_may_pay_and_a_paid_or_cancelled_group_cannot_be_paid():
    group, _payment = paid_group()
    with pytest.raises(PaymentError) as error:
        started_payment(group=group)
    assert error.value.code == "already_paid"
    other = group_to_pay()
    stranger = UserFactory()
    with pytest.raises(PaymentError) as error:
        paying.start_payment(
            group=other, by=stranger, provider="sandbox", request=pay_request(stranger)
        )
    assert error.value.code == "not_buyer"
    assert not Payment.objects.filter(group=other).exists()


def test_an_unknown_method_is_refused():
    group = group_to_pay()
    with pytest.raises(PaymentError) as error:
        started_payment(group=group, provider="bitcoin")
    assert error.value.code == "method"


# --- Store credit --------------------------------------------------------------------------


def test_store_credit_pays_at_once_and_leaves_an_entry():
    group = group_to_pay(price=Decimal("12.50"))
    wallet = wallets.wallet_of(user=group.buyer)
    wallets.adjust_wallet(user=group.buyer, amount=Decimal("20.00"), by=None, note="Goodwill")
    payment = started_payment(group=group, provider="store_credit")
    assert payment.status == PaymentStatus.SUCCEEDED
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("7.50")
    entry = WalletEntry.objects.get(payment=payment)
    assert (entry.amount, entry.balance_after) == (Decimal("-12.50"), Decimal("7.50"))
    group.refresh_from_db()
    assert group.status == GroupStatus.PAID


def test_short_store_credit_fails_and_changes_nothing():
    group = group_to_pay(price=Decimal("12.50"))
    wallets.adjust_wallet(user=group.buyer, amount=Decimal("5.00"), by=None, note="Goodwill")
    payment = started_payment(group=group, provider="store_credit")
    assert payment.status == PaymentStatus.FAILED
    assert payment.failure_code == "insufficient_credit"
    assert wallets.balance_of(user=group.buyer) == Decimal("5.00")
    assert not WalletEntry.objects.filter(payment=payment).exists()
    group.refresh_from_db()
    assert group.status == GroupStatus.PENDING_PAYMENT


def test_top_up_through_the_sandbox_lands_in_the_wallet():
    buyer = UserFactory()
    payment = paying.start_top_up(
        by=buyer, amount=Decimal("50"), provider="sandbox", request=pay_request(buyer)
    )
    assert payment.group is None
    approve(payment)
    assert wallets.balance_of(user=buyer) == Decimal("50.00")
    approve(payment)  # replayed
    assert wallets.balance_of(user=buyer) == Decimal("50.00")


def test_store_credit_cannot_top_up_itself():
    buyer = UserFactory()
    with pytest.raises(PaymentError):
        paying.start_top_up(
            by=buyer, amount=Decimal("50"), provider="store_credit", request=pay_request(buyer)
        )


# --- Bank transfer ---------------------------------------------------------------------------


def test_bank_transfer_shows_a_reference_and_gives_the_order_days(settings):
    group = group_to_pay()
    before = timezone.now()
    payment = started_payment(group=group, provider="bank_transfer")
    assert payment.status == PaymentStatus.REQUIRES_ACTION
    assert payment.provider_reference == f"BT{payment.number}"
    assert payment.provider_data["account"]["number"] == settings.BANK_TRANSFER_ACCOUNT["number"]
    group.refresh_from_db()
    assert group.payment_deadline >= before + timedelta(days=settings.BANK_TRANSFER_DAYS)
    assert group.orders.get().payment_deadline == group.payment_deadline

    approve(payment)  # finance staff confirm what arrived
    group.refresh_from_db()
    assert group.status == GroupStatus.PAID


def test_bank_transfer_is_not_offered_for_flash_sale_orders():
    group = group_to_pay()
    order = group.orders.get()
    hold_flash_units(order, FlashSaleFactory(variant=order.lines.get().variant), 1)
    order.__class__.objects.filter(pk=order.pk).update(has_flash_sale=True)
    assert "bank_transfer" not in paying.methods_for(group=group)
    assert "sandbox" in paying.methods_for(group=group)


# --- Cash on delivery ------------------------------------------------------------------------


def test_cash_on_delivery_only_for_shops_that_accept_it():
    group = group_to_pay()
    assert "cash_on_delivery" not in paying.methods_for(group=group)
    shop = group.orders.get().shop
    shop.__class__.objects.filter(pk=shop.pk).update(accepts_cash_on_delivery=True)
    assert "cash_on_delivery" in paying.methods_for(group=group)


def test_cash_on_delivery_ships_first_and_is_paid_when_delivered(
    run_outbox, django_capture_on_commit_callbacks
):
    from orders.services.lifecycle import mark_delivered, ship_order

    group = group_to_pay()
    order = group.orders.get()
    order.shop.__class__.objects.filter(pk=order.shop_id).update(accepts_cash_on_delivery=True)
    payment = started_payment(group=group, provider="cash_on_delivery")
    assert payment.status == PaymentStatus.PROCESSING
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID  # to ship
    ship_order(order=order, by=owner_of(order.shop), carrier="SF", tracking_number="SF1")
    with django_capture_on_commit_callbacks(execute=True):
        mark_delivered(order=order)
    run_outbox()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert not payment.needs_review


def test_the_client_address_ignores_a_forwarded_header_unless_a_proxy_is_trusted(settings):
    from django.test import RequestFactory

    request = RequestFactory().post(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9"
    )
    request.session = None
    assert paying.Client.of(request).ip == "10.0.0.2"
    settings.USE_X_FORWARDED_FOR = True
    assert paying.Client.of(request).ip == "198.51.100.9"  # what our proxy appended


def test_a_production_site_offering_the_sandbox_fails_its_checks(settings):
    from payments.checks import sandbox_not_in_production

    settings.IS_PRODUCTION = False
    assert sandbox_not_in_production() == []
    settings.IS_PRODUCTION = True
    assert [error.id for error in sandbox_not_in_production()] == ["payments.E001"]
    settings.PAYMENT_PROVIDERS = ["stripe", "bank_transfer"]
    assert sandbox_not_in_production() == []


def test_a_production_site_sending_transfers_to_the_demo_account_fails_its_checks(settings):
    from payments.checks import real_bank_account_in_production

    settings.IS_PRODUCTION = True
    settings.PAYMENT_PROVIDERS = ["bank_transfer"]
    assert [error.id for error in real_bank_account_in_production()] == ["payments.E002"]
    settings.BANK_TRANSFER_ACCOUNT = {**settings.BANK_TRANSFER_ACCOUNT, "number": "TW-812-0001"}
    assert real_bank_account_in_production() == []
    settings.IS_PRODUCTION = False
    settings.BANK_TRANSFER_ACCOUNT = {**settings.BANK_TRANSFER_ACCOUNT, "number": "000-123-456789"}
    assert real_bank_account_in_production() == []
