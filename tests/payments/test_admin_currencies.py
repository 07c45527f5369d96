"""Staff pages of exchange rates: the table with when and where each rate came from; edits go
through ``set_exchange_rate``; nonsense is refused and changes nothing; the feed on demand."""

from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import ExchangeRate, RateSource
from payments.services.currencies import exchange_rates
from tests.accounts.factories import UserFactory

from .currency_support import with_rates

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/payments/exchangerate/"


def change_url(currency: str) -> str:
    row = ExchangeRate.objects.get(currency=currency)
    return reverse("admin:payments_exchangerate_change", args=[row.pk])


def test_staff_see_every_rate_with_its_source_and_last_change(client_as, staff_user):
    with_rates(TWD="31.5", EUR="0.92")

    html = client_as(staff_user).get(LIST_URL).content.decode()

    assert "31.5" in html and "0.92" in html
    assert html.count("Entered by staff") >= 2
    assert "Last changed" in html


def test_staff_add_a_rate_which_is_marked_as_theirs(client_as, staff_user):
    response = client_as(staff_user).post(
        "/admin/payments/exchangerate/add/", {"currency": "JPY", "rate": "149.8"}
    )

    assert response.status_code == 302
    row = ExchangeRate.objects.get(currency="JPY")
    assert (row.rate, row.source, row.updated_by) == (
        Decimal("149.8"),
        RateSource.STAFF,
        staff_user,
    )
    assert exchange_rates()["JPY"] == Decimal("149.8")


def test_staff_edit_a_rate_and_the_pages_use_it_at_once(client_as, staff_user):
    with_rates(TWD="31.5")
    exchange_rates()  # cached

    response = client_as(staff_user).post(change_url("TWD"), {"rate": "32.25"})

    assert response.status_code == 302
    assert exchange_rates()["TWD"] == Decimal("32.25")
    assert ExchangeRate.objects.get(currency="TWD").updated_by == staff_user


@pytest.mark.parametrize("rate", ["0", "-1", "abc", ""])
def test_a_nonsense_rate_is_refused_with_a_message_and_changes_nothing(client_as, staff_user, rate):
    with_rates(TWD="31.5")

    response = client_as(staff_user).post(change_url("TWD"), {"rate": rate})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["rate"]
    assert ExchangeRate.objects.get(currency="TWD").rate == Decimal("31.5")


def test_the_base_currency_cannot_be_given_a_rate(client_as, staff_user):
    page = client_as(staff_user).get("/admin/payments/exchangerate/add/").content.decode()
    response = client_as(staff_user).post(
        "/admin/payments/exchangerate/add/", {"currency": "USD", "rate": "1.2"}
    )

    assert '<option value="USD"' not in page and '<option value="TWD"' in page
    assert response.status_code == 200 and response.context["adminform"].form.errors["currency"]
    assert not ExchangeRate.objects.exists()


def test_a_second_rate_for_the_same_currency_is_refused(client_as, staff_user):
    with_rates(TWD="31.5")

    response = client_as(staff_user).post(
        "/admin/payments/exchangerate/add/", {"currency": "TWD", "rate": "40"}
    )

    assert response.status_code == 200
    assert ExchangeRate.objects.get().rate == Decimal("31.5")


def test_deleting_a_rate_stops_its_conversion(client_as, staff_user):
    with_rates(TWD="31.5")
    exchange_rates()

    response = client_as(staff_user).post(
        reverse("admin:payments_exchangerate_delete", args=[ExchangeRate.objects.get().pk]),
        {"post": "yes"},
    )

    assert response.status_code == 302
    assert "TWD" not in exchange_rates()


def test_the_refresh_action_takes_the_feeds_rates(client_as, staff_user, fake_feed):
    with_rates(TWD="30")
    fake_feed.answer_rates({"CNY": 7.1, "TWD": 31.52, "HKD": 7.8, "EUR": 0.92, "JPY": 149.8})

    response = client_as(staff_user).post(
        LIST_URL,
        {
            "action": "_refresh_now",
            "_selected_action": [ExchangeRate.objects.get().pk],
        },
        follow=True,
    )

    assert "5 rates taken from the feed." in response.content.decode()
    assert ExchangeRate.objects.get(currency="TWD").source == RateSource.FEED


def test_the_refresh_action_reports_a_refused_feed_and_changes_nothing(
    client_as, staff_user, fake_feed
):
    with_rates(TWD="30")
    fake_feed.answer_rates({"TWD": -1})

    response = client_as(staff_user).post(
        LIST_URL,
        {"action": "_refresh_now", "_selected_action": [ExchangeRate.objects.get().pk]},
        follow=True,
    )

    assert "The exchange-rate feed answer was refused" in response.content.decode()
    assert ExchangeRate.objects.get().rate == Decimal("30")


def test_shoppers_cannot_reach_the_rates(client_as):
    with_rates(TWD="31.5")

    response = client_as(UserFactory()).post(change_url("TWD"), {"rate": "1"})

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert ExchangeRate.objects.get().rate == Decimal("31.5")
