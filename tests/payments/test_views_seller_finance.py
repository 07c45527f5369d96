"""The seller's finance pages: balances, escrow with release dates, history, payouts, an order's
split and the CSV statement - for the shop's owner and managers only; another shop's order is a
404 and another merchant sees none of this shop's money."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.sellers.models import MemberRole
from payments.models import ShopSettlement
from payments.services.payouts import mark_payout_sent, schedule_payouts
from payments.services.settlement import release_available_funds
from tests.orders.lifecycle_support import member_of, owner_of
from tests.payments.ledger_factories import finance_staff
from tests.payments.ledger_support import complete, pay, place, refund
from tests.sellers.factories import ShopFactory

pytestmark = pytest.mark.django_db

D = Decimal
FINANCE = "/seller/finance/"


def statement_url(start: str, end: str) -> str:
    return f"/seller/finance/statement.csv?start={start}&end={end}"


@pytest.fixture
def history(market, settings):
    """Shop A: one order paid, partly refunded, completed, released and paid out (the bank's
    reference looks like a formula); a second order paid and waiting in escrow."""
    settings.PAYMENTS_MINIMUM_PAYOUT = D("50.00")
    first = place(market.buyer, [(market.book.pk, 1)])
    payment = pay(first)
    order = first.orders.get()
    refund(payment, "5.00", order=order)
    complete(order)
    ShopSettlement.objects.filter(order=order).update(release_at=timezone.now())
    release_available_funds(now=timezone.now())
    schedule_payouts(now=timezone.now())
    payout = market.shop_a.payouts.get()
    mark_payout_sent(payout=payout, by=finance_staff(), reference="=HYPERLINK(evil)")
    second = place(market.buyer, [(market.book.pk, 2)])
    pay(second)
    return market, order, second.orders.get()


def test_the_owner_sees_balances_escrow_history_and_payouts(client_as, history):
    market, paid_out, waiting = history

    response = client_as(owner_of(market.shop_a)).get(FINANCE)

    assert response.status_code == 200
    balance = response.context["balance"]
    # First order: 105 paid, 10.00 commission; 5.00 refunded takes back 5.00 - 0.48 commission,
    # so 90.48 was paid out. Second order: 205 paid, 20.00 commission: 185.00 in escrow.
    assert (balance.available, balance.pending, balance.in_payout) == (0, D("185.00"), 0)
    assert [s.order for s in response.context["pending"]] == [waiting]
    assert [p.amount for p in response.context["payouts"]] == [D("90.48")]
    roles = [entry.role for entry in response.context["page"].object_list]
    assert roles[:2] == ["commission", "sale"]  # the second order, newest first
    assert {"refund", "commission_returned", "release", "payout"} <= set(roles)
    body = response.content.decode()
    assert waiting.number in body and paid_out.number in body
    assert "When the buyer confirms receipt" in body
    assert 'href="/seller/finance/"' in body  # the dashboard's menu links here


def test_a_manager_gets_in_and_a_clerk_does_not(client_as, history):
    market, _paid_out, _waiting = history
    manager = member_of(market.shop_a, MemberRole.MANAGER)
    clerk = member_of(market.shop_a, MemberRole.CLERK)

    assert client_as(manager).get(FINANCE).status_code == 200
    assert client_as(clerk).get(FINANCE).status_code == 403
    assert client_as(clerk).get(statement_url("2020-01-01", "2020-01-31")).status_code == 403
    orders_page = client_as(clerk).get(reverse("orders:seller-orders")).content.decode()
    assert 'href="/seller/finance/"' not in orders_page  # and the menu does not offer it


def test_a_shopper_is_sent_to_apply(client_as, history):
    market, _paid_out, _waiting = history

    response = client_as(market.buyer).get(FINANCE)

    assert response.status_code == 302
    assert response.url == reverse("sellers:apply")


def test_another_merchant_sees_only_its_own_money(client_as, history):
    _market, paid_out, waiting = history
    other = owner_of(ShopFactory())

    response = client_as(other).get(FINANCE)

    assert response.status_code == 200
    balance = response.context["balance"]
    assert (balance.available, balance.pending, balance.in_payout) == (0, 0, 0)
    assert list(response.context["page"].object_list) == []
    assert response.context["payouts"] == []
    body = response.content.decode()
    assert paid_out.number not in body and waiting.number not in body
    today = timezone.localdate()
    statement = client_as(other).get(
        statement_url((today - timedelta(days=30)).isoformat(), today.isoformat())
    )
    rows = list(csv.reader(io.StringIO(statement.content.decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["Opening balance", "Closing balance"] * 2


def test_an_orders_split_for_its_shop_and_404_for_another(client_as, history):
    market, paid_out, _waiting = history
    url = reverse("payments:seller-settlement", args=[paid_out.number])

    mine = client_as(owner_of(market.shop_a)).get(url)
    theirs = client_as(owner_of(ShopFactory())).get(url)
    unknown = client_as(owner_of(market.shop_a)).get(
        reverse("payments:seller-settlement", args=["NOPE"])
    )

    assert mine.status_code == 200
    assert mine.context["settlement"].order == paid_out
    body = mine.content.decode()
    assert "10.00 %" in body  # the rate in force for Books
    assert theirs.status_code == unknown.status_code == 404


def test_the_statement_lists_every_line_with_running_balances(client_as, history):
    market, paid_out, waiting = history
    today = timezone.localdate().isoformat()

    response = client_as(owner_of(market.shop_a)).get(statement_url(today, today))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"statement-{market.shop_a.slug}-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Date",
        "Balance",
        "What",
        "Order",
        "Reference",
        "Amount",
        "Running balance",
    ]
    available = [row for row in rows[1:] if row[1] == "Available"]
    assert [(row[2], row[5], row[6]) for row in available] == [
        ("Opening balance", "", "0.00"),
        ("Released from escrow", "90.48", "90.48"),
        ("Payout", "-90.48", "0.00"),
        ("Closing balance", "", "0.00"),
    ]
    assert available[2][4] == "'=HYPERLINK(evil)"  # a spreadsheet shows it, never runs it
    pending = [row for row in rows[1:] if row[1] == "Pending (escrow)"]
    assert pending[-1][2:] == ["Closing balance", "", "", "", "185.00"]
    assert {row[3] for row in pending} == {"", paid_out.number, waiting.number}


def test_a_statement_before_any_activity_has_only_the_balances(client_as, history):
    market, _paid_out, _waiting = history
    day = (timezone.localdate() - timedelta(days=40)).isoformat()

    response = client_as(owner_of(market.shop_a)).get(statement_url(day, day))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["Opening balance", "Closing balance"] * 2


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-02-01", "2026-01-01", "The end date comes before the start date."),
        ("2024-01-01", "2025-12-31", "A statement covers at most 366 days."),
        ("yesterday", "2026-01-01", "Enter a valid date."),
    ],
)
def test_bad_statement_dates_are_explained(client_as, history, start, end, message):
    market, _paid_out, _waiting = history

    response = client_as(owner_of(market.shop_a)).get(statement_url(start, end))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


def test_the_page_query_count_does_not_grow_with_its_rows(client_as, market):
    owner = owner_of(market.shop_a)
    client = client_as(owner)
    pay(place(market.buyer, [(market.book.pk, 1)]))
    client.get(FINANCE)  # accounts opened, caches warm
    with CaptureQueriesContext(connection) as few:
        client.get(FINANCE)
    for _ in range(3):
        pay(place(market.buyer, [(market.book.pk, 1)]))

    with CaptureQueriesContext(connection) as many:
        response = client.get(FINANCE)

    assert len(response.context["pending"]) == 4
    assert len(many) == len(few)
