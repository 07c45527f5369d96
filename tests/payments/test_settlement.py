"""Splitting a paid order group per shop: shares, commission at the rate in force, shop- and
platform-funded discounts, refunds before and after the escrow release, and idempotency."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import OrderStatus
from orders.services.lifecycle import cancel_order
from payments.errors import LedgerError
from payments.models import AccountKind, PaymentStatus, ShopSettlement
from payments.services.settlement import release_available_funds, settle_payment
from tests.payments.ledger_factories import CommissionRateFactory, PaymentFactory
from tests.payments.ledger_support import (
    assert_ledger_consistent,
    available,
    complete,
    ledger_counts,
    pay,
    pending,
    place,
    platform,
    refund,
)

pytestmark = pytest.mark.django_db

D = Decimal


def test_a_paid_group_is_split_per_shop_with_commission_and_who_funds_discounts(market):
    group = place(market.buyer, [(market.book.pk, 1), (market.case.pk, 2)], market.coupons())
    order_a = group.orders.get(shop=market.shop_a)
    order_b = group.orders.get(shop=market.shop_b)
    # A: 100 - 10 (shop coupon) - 10 (its half of the platform coupon) + 5 delivery.
    assert (order_a.total, order_b.total, group.total) == (D("85.00"), D("85.00"), D("170.00"))

    payment = pay(group)

    a = ShopSettlement.objects.get(order=order_a)
    assert (a.buyer_paid, a.shop_funded_discount, a.platform_funded_discount) == (
        D("85.00"),
        D("10.00"),
        D("10.00"),
    )
    # Commission on the goods the shop is paid for: 80 paid + 10 the platform funds, not delivery.
    assert (a.commission_base, a.shipping_amount, a.commission) == (
        D("90.00"),
        D("5.00"),
        D("9.00"),
    )
    assert a.share == D("86.00")
    line = a.lines.get()
    assert (line.percent, line.rate, line.base) == (D("10.00"), market.books_rate, D("90.00"))
    b = ShopSettlement.objects.get(order=order_b)
    # Phones has no rate of its own: Electronics' 8 % applies.
    assert (b.commission_base, b.lines.get().percent, b.commission, b.share) == (
        D("90.00"),
        D("8.00"),
        D("7.20"),
        D("87.80"),
    )
    assert payment.settlements.count() == 2
    assert pending(market.shop_a) == D("86.00")
    assert pending(market.shop_b) == D("87.80")
    assert available(market.shop_a) == 0
    assert platform(AccountKind.CLEARING, provider="sandbox") == D("170.00")
    assert platform(AccountKind.COMMISSION_REVENUE) == D("16.20")
    assert platform(AccountKind.PROMOTION_EXPENSE) == D("20.00")
    assert platform(AccountKind.UNALLOCATED) == 0
    assert_ledger_consistent()


def test_the_default_rate_applies_to_a_category_without_rates(market, settings):
    settings.PAYMENTS_DEFAULT_COMMISSION_PERCENT = D("5.00")
    from tests.catalog.factories import VariantFactory

    mug = VariantFactory(price=D("19.99"), stock=5)  # a new category, no rate anywhere
    group = place(market.buyer, [(mug.pk, 3)])
    pay(group)
    settlement = ShopSettlement.objects.get(order__group=group)
    line = settlement.lines.get()
    # 59.97 x 5 % = 2.9985, rounded half up per line.
    assert (line.rate, line.percent, line.base, line.commission) == (
        None,
        D("5.00"),
        D("59.97"),
        D("3.00"),
    )
    assert settlement.share == D("59.97") + D("5.00") - D("3.00")


def test_a_later_rate_does_not_change_a_past_split_and_applies_to_later_payments(market):
    first = place(market.buyer, [(market.book.pk, 1)])
    pay(first)
    CommissionRateFactory(
        category=market.books, percent=D("12.50"), valid_from=timezone.now() - timedelta(seconds=1)
    )
    CommissionRateFactory(
        category=market.books, percent=D("50.00"), valid_from=timezone.now() + timedelta(days=30)
    )
    settle_payment(payment=first.payments.get())  # again: nothing is recomputed

    second = place(market.buyer, [(market.book.pk, 1)])
    pay(second)

    assert ShopSettlement.objects.get(order__group=first).commission == D("10.00")
    assert ShopSettlement.objects.get(order__group=second).commission == D("12.50")


def test_settling_twice_changes_nothing(market):
    group = place(market.buyer, [(market.book.pk, 1), (market.case.pk, 1)])
    payment = pay(group)
    before = ledger_counts()

    settle_payment(payment=payment)

    assert ledger_counts() == before
    assert ShopSettlement.objects.filter(payment=payment).count() == 2


def test_an_order_cancelled_before_payment_gets_nothing(market):
    group = place(market.buyer, [(market.book.pk, 1), (market.case.pk, 1)])
    order_b = group.orders.get(shop=market.shop_b)
    cancel_order(order=order_b, by=market.buyer, reason="Changed my mind", initiator="buyer")

    payment = pay(group)

    assert payment.amount == D("105.00")
    assert list(ShopSettlement.objects.values_list("order__shop", flat=True)) == [market.shop_a.pk]
    assert pending(market.shop_b) == 0
    assert platform(AccountKind.UNALLOCATED) == 0
    assert_ledger_consistent()


def test_a_payment_that_did_not_succeed_is_refused_and_nothing_is_written(market):
    group = place(market.buyer, [(market.book.pk, 1)])
    payment = PaymentFactory(group=group, status=PaymentStatus.PROCESSING, succeeded_at=None)

    with pytest.raises(LedgerError) as refused:
        settle_payment(payment=payment)

    assert refused.value.code == "not_succeeded"
    assert ledger_counts() == (0, 0, 0)


def test_store_credit_payments_spend_the_wallets_liability(market):
    group = place(market.buyer, [(market.book.pk, 1)])
    pay(group, provider="store_credit")

    assert platform(AccountKind.STORE_CREDIT) == D("-105.00")
    assert platform(AccountKind.CLEARING, provider="sandbox") == 0
    assert pending(market.shop_a) == D("95.00")
    assert_ledger_consistent()


def test_a_top_up_becomes_store_credit(market):
    payment = PaymentFactory(amount=D("30.00"))

    settle_payment(payment=payment)
    settle_payment(payment=payment)

    assert platform(AccountKind.CLEARING, provider="sandbox") == D("30.00")
    assert platform(AccountKind.STORE_CREDIT) == D("30.00")
    assert platform(AccountKind.UNALLOCATED) == 0
    assert_ledger_consistent()


# --- Refunds ---------------------------------------------------------------------------------


def test_a_partial_refund_before_release_comes_out_of_pending_with_commission_back(market):
    group = place(market.buyer, [(market.book.pk, 1), (market.case.pk, 2)], market.coupons())
    payment = pay(group)
    order_a = group.orders.get(shop=market.shop_a)

    refund(payment, "42.50", order=order_a)  # half of what the buyer paid for A's order

    settlement = ShopSettlement.objects.get(order=order_a)
    assert (
        settlement.refunded_amount,
        settlement.refunded_commission,
        settlement.refunded_platform_discount,
        settlement.refunded_share,
    ) == (D("42.50"), D("4.50"), D("5.00"), D("43.00"))
    assert pending(market.shop_a) == D("43.00")
    assert pending(market.shop_b) == D("87.80")
    assert platform(AccountKind.CLEARING, provider="sandbox") == D("127.50")
    assert platform(AccountKind.COMMISSION_REVENUE) == D("11.70")
    assert platform(AccountKind.PROMOTION_EXPENSE) == D("15.00")
    assert_ledger_consistent()


def test_refunding_an_order_in_pieces_gives_back_exactly_its_commission(market):
    group = place(market.buyer, [(market.book.pk, 1), (market.case.pk, 2)], market.coupons())
    payment = pay(group)
    order_a = group.orders.get(shop=market.shop_a)

    for amount in ("33.33", "33.33", "18.34"):
        refund(payment, amount, order=order_a)

    settlement = ShopSettlement.objects.get(order=order_a)
    assert settlement.refunded_commission == settlement.commission == D("9.00")
    assert settlement.refunded_platform_discount == D("10.00")
    assert settlement.refunded_share == settlement.share
    assert pending(market.shop_a) == 0
    assert_ledger_consistent()


def test_a_refund_without_an_order_is_shared_by_the_orders_in_proportion(market):
    group = place(market.buyer, [(market.book.pk, 1), (market.case.pk, 2)], market.coupons())
    payment = pay(group)

    refund(payment, "170.00")

    for settlement in ShopSettlement.objects.filter(payment=payment):
        assert settlement.refunded_amount == settlement.buyer_paid
        assert settlement.refunded_share == settlement.share
    assert pending(market.shop_a) == pending(market.shop_b) == 0
    assert platform(AccountKind.COMMISSION_REVENUE) == 0
    assert platform(AccountKind.PROMOTION_EXPENSE) == 0
    assert platform(AccountKind.CLEARING, provider="sandbox") == 0
    assert_ledger_consistent()


def test_money_for_a_group_cancelled_before_it_arrived_is_refunded_from_unallocated(market):
    group = place(market.buyer, [(market.book.pk, 1)])
    payment = PaymentFactory(group=group)  # arrived, but the group could not be marked paid
    cancel_order(order=group.orders.get(), by=market.buyer, reason="Too slow", initiator="buyer")

    refund(payment, "105.00")

    assert not ShopSettlement.objects.exists()
    assert platform(AccountKind.UNALLOCATED) == 0
    assert platform(AccountKind.CLEARING, provider="sandbox") == 0
    assert platform(AccountKind.REFUND_EXPENSE) == 0
    assert_ledger_consistent()


def test_a_refund_to_the_wallet_becomes_store_credit(market):
    group = place(market.buyer, [(market.book.pk, 1)])
    payment = pay(group)

    refund(payment, "105.00", order=group.orders.get(), to_wallet=True)

    assert platform(AccountKind.STORE_CREDIT) == D("105.00")
    assert platform(AccountKind.CLEARING, provider="sandbox") == D("105.00")
    assert pending(market.shop_a) == 0
    assert_ledger_consistent()


def test_settling_a_refund_twice_changes_nothing(market):
    group = place(market.buyer, [(market.book.pk, 1)])
    payment = pay(group)
    record = refund(payment, "10.00", order=group.orders.get())
    before = ledger_counts()
    settlement_before = ShopSettlement.objects.values().get()

    from payments.services.settlement import settle_refund

    settle_refund(refund=record)

    assert ledger_counts() == before
    assert ShopSettlement.objects.values().get() == settlement_before


# --- Escrow ----------------------------------------------------------------------------------


def test_the_share_becomes_available_after_the_holding_period_once(
    market, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_HOLDING_DAYS = 7
    group = place(market.buyer, [(market.book.pk, 1)])
    pay(group)
    with django_capture_on_commit_callbacks(execute=True):
        order = complete(group.orders.get())
    settlement = ShopSettlement.objects.get(order=order)
    assert settlement.release_at == order.completed_at + timedelta(days=7)

    assert release_available_funds(now=settlement.release_at - timedelta(seconds=1)) == 0
    assert (pending(market.shop_a), available(market.shop_a)) == (D("95.00"), 0)

    assert release_available_funds(now=settlement.release_at) == 1
    assert release_available_funds(now=settlement.release_at + timedelta(days=1)) == 0

    assert (pending(market.shop_a), available(market.shop_a)) == (0, D("95.00"))
    settlement.refresh_from_db()
    assert (settlement.released_at, settlement.released_amount) == (
        settlement.release_at,
        D("95.00"),
    )
    assert_ledger_consistent()


def test_orders_not_completed_stay_pending(market):
    group = place(market.buyer, [(market.book.pk, 1)])
    pay(group)

    assert release_available_funds(now=timezone.now() + timedelta(days=365)) == 0

    assert ShopSettlement.objects.get().release_at is None
    assert pending(market.shop_a) == D("95.00")


def test_a_missed_completion_event_is_caught_by_the_beat_job(market, settings):
    settings.PAYMENTS_HOLDING_DAYS = 3
    group = place(market.buyer, [(market.book.pk, 1)])
    pay(group)
    order = complete(group.orders.get())  # on-commit callbacks never run: the event is lost

    assert release_available_funds(now=order.completed_at + timedelta(days=3)) == 1

    assert available(market.shop_a) == D("95.00")
    assert order.status == OrderStatus.COMPLETED


def test_the_release_is_scheduled_once(market, settings, django_capture_on_commit_callbacks):
    from payments.services.settlement import schedule_release

    group = place(market.buyer, [(market.book.pk, 1)])
    pay(group)
    with django_capture_on_commit_callbacks(execute=True):
        order = complete(group.orders.get())
    release_at = ShopSettlement.objects.get(order=order).release_at
    settings.PAYMENTS_HOLDING_DAYS = 30

    assert schedule_release(order=order) is False

    assert ShopSettlement.objects.get(order=order).release_at == release_at
