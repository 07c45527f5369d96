"""Payouts: the beat job's minimum and netting, Stripe Connect payouts handed to the outbox,
finance staff marking manual payouts sent or failed (money back), and who may."""

from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.core.states import history_of
from marketplace.notifications.models import OutboxMessage
from payments.errors import PayoutError
from payments.models import AccountKind, EntryRole, Payout, PayoutMethod, PayoutStatus
from payments.services.ledger import Line, post_transaction, shop_account
from payments.services.payouts import (
    mark_payout_failed,
    mark_payout_sent,
    schedule_payout,
    schedule_payouts,
)
from tests.accounts.factories import UserFactory
from tests.payments.ledger_factories import PayoutAccountFactory, finance_staff
from tests.payments.ledger_support import (
    assert_ledger_consistent,
    available,
    ledger_counts,
    platform,
)
from tests.sellers.factories import ShopFactory

pytestmark = pytest.mark.django_db

D = Decimal


def credit_available(shop, amount: str) -> None:
    """The shop's available balance grows by ``amount`` (as a release would move it)."""
    post_transaction(
        key=f"test-release:{shop.pk}:{amount}",
        kind="release",
        lines=[
            Line(
                shop_account(shop=shop, kind=AccountKind.MERCHANT_PENDING, currency="USD"),
                D(amount),
                EntryRole.RELEASE,
            ),
            Line(
                shop_account(shop=shop, kind=AccountKind.MERCHANT_AVAILABLE, currency="USD"),
                -D(amount),
                EntryRole.RELEASE,
            ),
        ],
    )


@pytest.fixture
def shop(db):
    return ShopFactory()


@pytest.mark.parametrize(
    ("balance", "paid"),
    [("49.99", None), ("50.00", "50.00"), ("50.01", "50.01"), ("-10.00", None)],
)
def test_a_payout_is_scheduled_only_from_the_minimum(shop, settings, balance, paid):
    settings.PAYMENTS_MINIMUM_PAYOUT = D("50.00")
    credit_available(shop, balance)

    count = schedule_payouts(now=timezone.now())

    if paid is None:
        assert count == 0
        assert not Payout.objects.exists()
        assert available(shop) == D(balance)
    else:
        payout = Payout.objects.get()
        assert count == 1
        assert (payout.shop, payout.amount, payout.method) == (shop, D(paid), PayoutMethod.MANUAL)
        assert available(shop) == 0
        assert platform(AccountKind.PAYOUTS_IN_TRANSIT) == D(paid)
    assert_ledger_consistent()


def test_scheduling_twice_pays_once(shop):
    credit_available(shop, "80.00")

    assert schedule_payouts(now=timezone.now()) == 1
    before = ledger_counts()
    assert schedule_payouts(now=timezone.now()) == 0

    assert ledger_counts() == before


def test_a_shop_with_a_connected_account_is_paid_through_stripe_via_the_outbox(
    shop, django_capture_on_commit_callbacks
):
    PayoutAccountFactory(shop=shop, stripe_account_id="acct_1DemoShop")
    credit_available(shop, "80.00")

    payout = schedule_payout(shop=shop)

    assert (payout.method, payout.destination, payout.status) == (
        PayoutMethod.STRIPE_CONNECT,
        "acct_1DemoShop",
        PayoutStatus.SCHEDULED,
    )
    message = OutboxMessage.objects.get(task_name="payments.tasks.send_payout")
    assert message.kwargs == {"payout_id": payout.pk}


def test_finance_staff_mark_a_manual_payout_sent(shop):
    credit_available(shop, "80.00")
    payout = schedule_payout(shop=shop)
    staff = finance_staff()

    mark_payout_sent(payout=payout, by=staff, reference="  BANK  0001 ")

    payout.refresh_from_db()
    assert (payout.status, payout.reference, payout.sent_by) == ("sent", "BANK 0001", staff)
    assert payout.sent_at is not None
    assert platform(AccountKind.PAYOUTS_IN_TRANSIT) == 0
    assert platform(AccountKind.CASH) == D("-80.00")
    assert history_of(payout).get().to_status == "sent"
    assert_ledger_consistent()


def test_a_failed_payout_returns_the_money_to_available(shop):
    credit_available(shop, "80.00")
    payout = schedule_payout(shop=shop)

    mark_payout_failed(payout=payout, by=finance_staff(), reason="Account closed")

    payout.refresh_from_db()
    assert (payout.status, payout.failure_reason) == ("failed", "Account closed")
    assert available(shop) == D("80.00")
    assert platform(AccountKind.PAYOUTS_IN_TRANSIT) == 0
    assert schedule_payouts(now=timezone.now()) == 1  # the next run pays it again
    assert_ledger_consistent()


@pytest.mark.parametrize(
    ("mark", "text", "code"),
    [
        ("sent", "", "reference_required"),
        ("sent", "x" * 256, "too_long"),
        ("failed", "   ", "reason_required"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(shop, mark, text, code):
    credit_available(shop, "80.00")
    payout = schedule_payout(shop=shop)
    before = ledger_counts()

    with pytest.raises(PayoutError) as refused:
        if mark == "sent":
            mark_payout_sent(payout=payout, by=finance_staff(), reference=text)
        else:
            mark_payout_failed(payout=payout, by=finance_staff(), reason=text)

    assert refused.value.code == code
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.SCHEDULED
    assert ledger_counts() == before


def test_only_finance_staff_mark_payouts(shop):
    credit_available(shop, "80.00")
    payout = schedule_payout(shop=shop)
    merchant = shop.merchant.members.get().user

    for user in (merchant, UserFactory(is_staff=True)):  # staff without the permission
        with pytest.raises(PayoutError) as refused:
            mark_payout_sent(payout=payout, by=user, reference="BANK-1")
        assert refused.value.code == "not_finance"

    payout.refresh_from_db()
    assert payout.status == PayoutStatus.SCHEDULED


def test_a_payout_is_marked_once(shop):
    credit_available(shop, "80.00")
    payout = schedule_payout(shop=shop)
    staff = finance_staff()
    mark_payout_sent(payout=payout, by=staff, reference="BANK-1")
    before = ledger_counts()

    with pytest.raises(PayoutError) as refused:
        mark_payout_failed(payout=payout, by=staff, reason="Too late")
    with pytest.raises(PayoutError):
        mark_payout_sent(payout=payout, by=staff, reference="BANK-2")

    assert refused.value.code == "not_scheduled"
    payout.refresh_from_db()
    assert (payout.status, payout.reference) == ("sent", "BANK-1")
    assert ledger_counts() == before


def test_staff_do_not_mark_stripe_connect_payouts_by_hand(shop):
    PayoutAccountFactory(shop=shop)
    credit_available(shop, "80.00")
    payout = schedule_payout(shop=shop)

    with pytest.raises(PayoutError) as refused:
        mark_payout_sent(payout=payout, by=finance_staff(), reference="BANK-1")

    assert refused.value.code == "not_manual"
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.SCHEDULED


def test_the_send_task_leaves_a_manual_payout_to_finance_staff(shop):
    from payments import tasks

    credit_available(shop, "80.00")
    payout = schedule_payout(shop=shop)
    before = ledger_counts()

    tasks.send_payout(payout_id=payout.pk)
    tasks.send_payout(payout_id=payout.pk + 1000)  # gone: nothing to do

    payout.refresh_from_db()
    assert payout.status == PayoutStatus.SCHEDULED
    assert ledger_counts() == before


# --- Stripe Connect, against the local fake Stripe API -------------------------------------


@pytest.fixture
def connected_payout(shop, fake_stripe):
    account = fake_stripe.add_account()
    PayoutAccountFactory(shop=shop, stripe_account_id=account)
    credit_available(shop, "80.00")
    return schedule_payout(shop=shop)


def test_a_connect_payout_is_transferred_once_and_marked_sent(
    connected_payout, fake_stripe, run_outbox
):
    assert run_outbox() == 1
    transfers = fake_stripe.calls_to("POST", "/v1/transfers")
    assert len(transfers) == 1
    call = transfers[0]
    assert (call.params["destination"], call.params["amount"], call.params["currency"]) == (
        connected_payout.destination,
        "8000",
        "usd",
    )
    assert call.headers["idempotency-key"] == str(connected_payout.idempotency_key)
    connected_payout.refresh_from_db()
    assert connected_payout.status == PayoutStatus.SENT
    assert connected_payout.reference.startswith("tr_")
    assert platform(AccountKind.PAYOUTS_IN_TRANSIT) == 0
    assert_ledger_consistent()

    from payments.services.payouts import send_payout

    send_payout(payout=connected_payout)  # the task again: nothing more
    assert len(fake_stripe.calls_to("POST", "/v1/transfers")) == 1


def test_a_refused_connect_transfer_fails_the_payout_and_returns_the_money(
    shop, fake_stripe, run_outbox
):
    PayoutAccountFactory(shop=shop, stripe_account_id="acct_unknown_to_stripe")
    credit_available(shop, "80.00")
    payout = schedule_payout(shop=shop)
    run_outbox()
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.FAILED
    assert available(shop) == D("80.00")
    assert_ledger_consistent()


def test_stripe_unreachable_leaves_the_connect_payout_scheduled_for_a_retry(
    connected_payout, fake_stripe
):
    from payments.errors import ProviderError
    from payments.services.payouts import send_payout

    fake_stripe.fail_next(3, status=503)
    with pytest.raises(ProviderError) as error:
        send_payout(payout=connected_payout)
    assert error.value.retryable
    connected_payout.refresh_from_db()
    assert connected_payout.status == PayoutStatus.SCHEDULED
    send_payout(payout=connected_payout)
    connected_payout.refresh_from_db()
    assert connected_payout.status == PayoutStatus.SENT
    assert (
        len({c.headers["idempotency-key"] for c in fake_stripe.calls_to("POST", "/v1/transfers")})
        == 1
    )
