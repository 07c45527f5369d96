"""Staff pages of the ledger: accounts with balances, transactions with entries (read-only),
commission rates (a rate applied to a sale cannot be changed, none starts in the past), and
payouts marked sent or failed through the payouts service."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from payments.models import CommissionRate, LedgerTransaction, Payout, PayoutStatus
from payments.services.payouts import schedule_payout
from tests.accounts.factories import UserFactory
from tests.payments.ledger_factories import PayoutAccountFactory, finance_staff
from tests.payments.ledger_support import available, pay, place
from tests.payments.test_payouts import credit_available
from tests.sellers.factories import ShopFactory

pytestmark = pytest.mark.django_db

D = Decimal
PAYOUTS = reverse("admin:payments_payout_changelist")


def test_accounts_are_listed_with_their_balances(client_as, staff_user, market):
    pay(place(market.buyer, [(market.book.pk, 1)]))

    response = client_as(staff_user).get(reverse("admin:payments_ledgeraccount_changelist"))

    assert response.status_code == 200
    balances = {
        account.code: account.debits - account.credits
        for account in response.context["cl"].result_list
    }
    assert balances["clearing:sandbox:USD"] == D("105.00")
    assert balances[f"merchant_pending:shop{market.shop_a.pk}:USD"] == D("-95.00")
    assert "95.00" in response.content.decode()


def test_a_transaction_shows_its_entries_and_cannot_be_changed(client_as, staff_user, market):
    pay(place(market.buyer, [(market.book.pk, 1)]))
    sale = LedgerTransaction.objects.get(kind="sale")
    url = reverse("admin:payments_ledgertransaction_change", args=[sale.pk])

    response = client_as(staff_user).get(url)
    posted = client_as(staff_user).post(url, {"memo": "changed"})

    assert response.status_code == 200
    assert "Commission" in response.content.decode()
    assert posted.status_code == 403
    sale.refresh_from_db()
    assert sale.memo != "changed"


def test_staff_add_a_rate_from_now_and_are_recorded_as_its_author(client_as, staff_user, market):
    starts = timezone.localtime() + timedelta(hours=1)

    response = client_as(staff_user).post(
        reverse("admin:payments_commissionrate_add"),
        {
            "category": market.books.pk,
            "percent": "12.50",
            "valid_from_0": starts.strftime("%Y-%m-%d"),
            "valid_from_1": starts.strftime("%H:%M:%S"),
            "note": "New season",
        },
    )

    assert response.status_code == 302
    rate = CommissionRate.objects.get(note="New season")
    assert (rate.percent, rate.created_by) == (D("12.50"), staff_user)


def test_a_rate_cannot_start_in_the_past(client_as, staff_user, market):
    starts = timezone.localtime() - timedelta(days=2)

    response = client_as(staff_user).post(
        reverse("admin:payments_commissionrate_add"),
        {
            "category": market.books.pk,
            "percent": "1.00",
            "valid_from_0": starts.strftime("%Y-%m-%d"),
            "valid_from_1": starts.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 200
    assert "past sales keep the rate they were charged" in response.content.decode()
    assert not CommissionRate.objects.filter(percent=D("1.00")).exists()


def test_a_rate_applied_to_a_sale_stays_as_it_was(client_as, staff_user, market):
    pay(place(market.buyer, [(market.book.pk, 1)]))
    rate = market.books_rate
    url = reverse("admin:payments_commissionrate_change", args=[rate.pk])

    client_as(staff_user).post(url, {"percent": "1.00", "category": market.books.pk})
    deleted = client_as(staff_user).post(
        reverse("admin:payments_commissionrate_delete", args=[rate.pk]), {"post": "yes"}
    )

    rate.refresh_from_db()
    assert rate.percent == D("10.00")
    assert deleted.status_code == 403


def _action(client, action: str, payouts, **data):
    return client.post(
        PAYOUTS,
        {"action": action, ACTION_CHECKBOX_NAME: [p.pk for p in payouts], **data},
        follow=True,
    )


def test_finance_staff_mark_a_payout_sent_after_giving_the_reference(client_as):
    shop = ShopFactory()
    credit_available(shop, "80.00")
    payout = schedule_payout(shop=shop)
    client = client_as(finance_staff())

    asked = _action(client, "mark_sent", [payout])
    done = _action(client, "mark_sent", [payout], confirm="yes", reference="BANK-77")

    assert "The bank transfer" in asked.content.decode()
    assert "Done for 1." in done.content.decode()
    payout.refresh_from_db()
    assert (payout.status, payout.reference) == (PayoutStatus.SENT, "BANK-77")


def test_finance_staff_mark_a_payout_failed_and_the_money_is_back(client_as):
    shop = ShopFactory()
    credit_available(shop, "80.00")
    payout = schedule_payout(shop=shop)

    _action(client_as(finance_staff()), "mark_failed", [payout], confirm="yes", reason="Closed")

    payout.refresh_from_db()
    assert (payout.status, payout.failure_reason) == (PayoutStatus.FAILED, "Closed")
    assert available(shop) == D("80.00")


def test_stripe_connect_payouts_are_left_out_of_the_manual_actions(client_as):
    shop = PayoutAccountFactory().shop
    credit_available(shop, "80.00")
    payout = schedule_payout(shop=shop)

    response = _action(
        client_as(finance_staff()), "mark_sent", [payout], confirm="yes", reference="BANK-1"
    )

    assert "None of the selected payouts is a scheduled manual payout." in (
        response.content.decode()
    )
    assert Payout.objects.get().status == PayoutStatus.SCHEDULED


def test_staff_without_the_finance_permission_cannot_mark_payouts(client_as):
    shop = ShopFactory()
    credit_available(shop, "80.00")
    payout = schedule_payout(shop=shop)
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_payout"))

    response = _action(client_as(viewer), "mark_sent", [payout], confirm="yes", reference="X")

    assert response.status_code == 200  # the list again: the action is not offered
    assert Payout.objects.get().status == PayoutStatus.SCHEDULED
