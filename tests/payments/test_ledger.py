"""The ledger's own guarantees: unbalanced entries are refused by the service and by the database,
entries are append-only, a second posting under the same key changes nothing, and the whole
life of two orders (pay, refund before release, release, payout, refund after release, payout
netting the negative balance) keeps every transaction balanced and every balance equal to the
sum of its entries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from payments.errors import LedgerError
from payments.models import (
    AccountKind,
    EntryRole,
    LedgerEntry,
    LedgerTransaction,
    Payout,
    PayoutStatus,
    ShopSettlement,
    TransactionKind,
)
from payments.services.ledger import Line, platform_account, post_transaction, shop_account
from payments.services.payouts import mark_payout_sent, schedule_payouts
from payments.services.settlement import release_available_funds
from tests.payments.ledger_factories import finance_staff
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


def accounts():
    cash = platform_account(kind=AccountKind.CASH, currency="USD")
    revenue = platform_account(kind=AccountKind.COMMISSION_REVENUE, currency="USD")
    return cash, revenue


def test_unbalanced_lines_are_refused_and_nothing_is_written():
    cash, revenue = accounts()

    with pytest.raises(LedgerError) as refused:
        post_transaction(
            key="test:1",
            kind=TransactionKind.SALE,
            lines=[
                Line(cash, D("10.00"), EntryRole.SALE),
                Line(revenue, D("-9.99"), EntryRole.SALE),
            ],
        )

    assert refused.value.code == "unbalanced"
    assert ledger_counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([("cash", "10.00")], "too_few"),
        ([("cash", "0.005"), ("revenue", "-0.005")], "not_cents"),
    ],
)
def test_malformed_lines_are_refused(lines, code):
    cash, revenue = accounts()
    by_name = {"cash": cash, "revenue": revenue}

    with pytest.raises(LedgerError) as refused:
        post_transaction(
            key="test:1",
            kind=TransactionKind.SALE,
            lines=[Line(by_name[name], D(amount), EntryRole.SALE) for name, amount in lines],
        )

    assert refused.value.code == code
    assert ledger_counts() == (0, 0, 0)


def test_a_key_is_posted_once():
    cash, revenue = accounts()
    lines = [Line(cash, D("10.00"), EntryRole.SALE), Line(revenue, D("-10.00"), EntryRole.SALE)]

    first = post_transaction(key="test:1", kind=TransactionKind.SALE, lines=lines)
    second = post_transaction(key="test:1", kind=TransactionKind.SALE, lines=lines)

    assert first is not None and second is None
    assert ledger_counts() == (1, 2, 0)


def test_the_database_refuses_a_transaction_that_does_not_balance():
    cash, _revenue = accounts()
    record = LedgerTransaction.objects.create(key="raw", kind=TransactionKind.SALE)

    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        LedgerEntry.objects.create(
            transaction=record, account=cash, debit=D("5.00"), currency="USD", role="sale"
        )
        with connection.cursor() as cursor:  # the check is deferred to commit: run it now
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    assert not LedgerEntry.objects.exists()


def test_the_database_refuses_to_change_or_delete_an_entry():
    cash, revenue = accounts()
    post_transaction(
        key="test:1",
        kind=TransactionKind.SALE,
        lines=[Line(cash, D("10.00"), EntryRole.SALE), Line(revenue, D("-10.00"), EntryRole.SALE)],
    )
    entry = LedgerEntry.objects.filter(account=cash).get()

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(debit=D("1000.00"))
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()

    entry.refresh_from_db()
    assert entry.debit == D("10.00")


def test_an_entry_is_a_debit_or_a_credit_never_both():
    cash, _revenue = accounts()
    record = LedgerTransaction.objects.create(key="raw", kind=TransactionKind.SALE)

    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            transaction=record,
            account=cash,
            debit=D("5.00"),
            credit=D("5.00"),
            currency="USD",
            role="sale",
        )


def test_a_whole_life_keeps_the_ledger_balanced_and_nets_a_negative_balance(market, settings):
    """Pay, refund part before the release, release, pay out, refund after the release (the
    available balance goes negative), then the next order's release and payout net it."""
    settings.PAYMENTS_HOLDING_DAYS = 7
    settings.PAYMENTS_MINIMUM_PAYOUT = D("50.00")
    staff = finance_staff()
    group = place(market.buyer, [(market.book.pk, 1), (market.case.pk, 2)], market.coupons())
    payment = pay(group)
    order_a = group.orders.get(shop=market.shop_a)
    assert (pending(market.shop_a), pending(market.shop_b)) == (D("86.00"), D("87.80"))

    # 20 of the 85 paid for A's order: 20/85 of 9.00 commission (2.12) and of 10.00 platform
    # discount (2.35) go back; the shop gives back 20 + 2.35 - 2.12.
    refund(payment, "20.00", order=order_a)
    assert pending(market.shop_a) == D("65.77")

    order_a = complete(order_a)
    release_at = order_a.completed_at + timedelta(days=7)
    ShopSettlement.objects.filter(order=order_a).update(release_at=release_at)
    assert release_available_funds(now=release_at) == 1
    assert (pending(market.shop_a), available(market.shop_a)) == (0, D("65.77"))

    assert schedule_payouts(now=release_at) == 1
    first = Payout.objects.get()
    assert (first.amount, first.method, first.status) == (D("65.77"), "manual", "scheduled")
    assert available(market.shop_a) == 0
    assert platform(AccountKind.PAYOUTS_IN_TRANSIT) == D("65.77")
    mark_payout_sent(payout=first, by=staff, reference="BANK-0001")
    assert platform(AccountKind.PAYOUTS_IN_TRANSIT) == 0

    # 30 more after the release (50 of 85 in all): cumulative commission back 5.29 (3.17 now),
    # platform discount back 5.88 (3.53 now): 30.36 out of the available balance.
    refund(payment, "30.00", order=order_a)
    assert available(market.shop_a) == D("-30.36")
    assert schedule_payouts(now=release_at) == 0  # nothing to pay

    second = place(market.buyer, [(market.book.pk, 1)])
    pay(second)
    order = complete(second.orders.get())
    ShopSettlement.objects.filter(order=order).update(release_at=timezone.now())
    assert release_available_funds(now=timezone.now()) == 1
    assert available(market.shop_a) == D("64.64")  # 95.00 - 30.36

    assert schedule_payouts(now=timezone.now()) == 1
    netted = Payout.objects.exclude(pk=first.pk).get()
    assert (netted.amount, netted.status) == (D("64.64"), PayoutStatus.SCHEDULED)
    mark_payout_sent(payout=netted, by=staff, reference="BANK-0002")

    assert available(market.shop_a) == pending(market.shop_a) == 0
    assert pending(market.shop_b) == D("87.80")
    assert platform(AccountKind.CLEARING, provider="sandbox") == D("225.00")  # 170 + 105 - 50
    assert platform(AccountKind.COMMISSION_REVENUE) == D("20.91")  # 16.20 - 5.29 + 10.00
    assert platform(AccountKind.PROMOTION_EXPENSE) == D("14.12")  # 20.00 - 5.88
    assert platform(AccountKind.CASH) == D("-130.41")  # paid out: 65.77 + 64.64
    assert platform(AccountKind.UNALLOCATED) == 0
    assert_ledger_consistent()


def test_shop_accounts_belong_to_one_shop(market):
    account = shop_account(shop=market.shop_a, kind=AccountKind.MERCHANT_PENDING, currency="USD")

    assert shop_account(shop=market.shop_a.pk, kind="merchant_pending", currency="USD") == account
    assert account.shop_id == market.shop_a.pk
    with pytest.raises(ValueError):
        shop_account(shop=market.shop_a, kind=AccountKind.CASH, currency="USD")
