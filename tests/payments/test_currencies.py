"""Display currencies: converting for display, a request's display currency, the shopper's
choice, and staff's rate edits. Charges never go through here."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.cache import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from marketplace.core.money import Money
from payments.errors import CurrencyError
from payments.models import ExchangeRate, RateSource
from payments.services.currencies import (
    SESSION_KEY,
    convert_for_display,
    display_currency_for,
    exchange_rates,
    remove_exchange_rates,
    set_display_currency,
    set_exchange_rate,
)
from tests.accounts.factories import UserFactory

from .currency_support import with_rates

pytestmark = pytest.mark.django_db


def request_for(user=None, session_currency=None):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    if session_currency:
        request.session[SESSION_KEY] = session_currency
    return request


# --- Converting ---------------------------------------------------------------------------------


def test_a_base_amount_is_multiplied_by_the_rate_and_rounded_half_up_to_cents():
    with_rates(EUR="0.9215")

    # 10.05 * 0.9215 = 9.261075 -> 9.26; 12.35 * 0.9215 = 11.380525 -> 11.38
    assert convert_for_display(amount=Money(Decimal("10.05"), "USD"), to="EUR") == Money(
        Decimal("9.26"), "EUR"
    )
    assert convert_for_display(amount=Money(Decimal("12.35"), "USD"), to="EUR") == Money(
        Decimal("11.38"), "EUR"
    )
    # Exactly half a cent goes up.
    with_rates(EUR="0.125")
    assert convert_for_display(amount=Money(Decimal("0.10"), "USD"), to="EUR").amount == Decimal(
        "0.01"
    )  # 0.0125 -> 0.01
    assert convert_for_display(amount=Money(Decimal("0.20"), "USD"), to="EUR").amount == Decimal(
        "0.03"
    )  # 0.025 -> 0.03 (HALF_UP, not banker's 0.02)


def test_currencies_without_minor_units_are_rounded_to_whole_units():
    with_rates(TWD="31.5", JPY="149.8")

    assert convert_for_display(amount=Money(Decimal("12.99"), "USD"), to="TWD") == Money(
        Decimal("409"), "TWD"
    )  # 409.185
    assert convert_for_display(amount=Money(Decimal("5.00"), "USD"), to="JPY") == Money(
        Decimal("749"), "JPY"
    )  # 749.0
    assert str(convert_for_display(amount=Money(Decimal("1234.00"), "USD"), to="TWD")) == (
        "NT$38,871"
    )


def test_an_amount_in_another_currency_goes_through_the_base_rate():
    with_rates(EUR="0.8", TWD="32")

    # 8 EUR = 10 USD = 320 TWD
    assert convert_for_display(amount=Money(Decimal("8.00"), "EUR"), to="TWD").amount == 320


def test_a_recorded_rate_is_used_instead_of_todays():
    with_rates(TWD="40")

    converted = convert_for_display(
        amount=Money(Decimal("10.00"), "USD"), to="TWD", rate=Decimal("31.5")
    )

    assert converted == Money(Decimal("315"), "TWD")


def test_the_same_currency_is_returned_unchanged():
    amount = Money(Decimal("10.00"), "USD")

    assert convert_for_display(amount=amount, to="USD") is amount


def test_a_currency_without_a_rate_is_refused():
    with pytest.raises(CurrencyError) as refused:
        convert_for_display(amount=Money(Decimal("10.00"), "USD"), to="TWD")

    assert refused.value.code == "no_rate"
    assert "TWD" in refused.value.message


# --- Whose currency -----------------------------------------------------------------------------


def test_a_guest_sees_the_base_currency_until_choosing_and_costs_no_query(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        shown = display_currency_for(request_for())

    assert (shown.code, shown.rate, shown.can_convert) == ("USD", Decimal(1), False)


def test_a_guests_session_choice_is_shown_with_todays_rate():
    with_rates(TWD="31.5")

    shown = display_currency_for(request_for(session_currency="TWD"))

    assert (shown.code, shown.rate, shown.can_convert) == ("TWD", Decimal("31.5"), True)


def test_a_users_preference_wins_over_the_session():
    with_rates(TWD="31.5", JPY="150")
    user = UserFactory(currency="JPY")

    shown = display_currency_for(request_for(user, session_currency="TWD"))

    assert (shown.code, shown.rate) == ("JPY", Decimal("150"))


def test_a_user_without_a_preference_keeps_the_sessions_choice():
    with_rates(TWD="31.5")

    shown = display_currency_for(request_for(UserFactory(currency=""), session_currency="TWD"))

    assert shown.code == "TWD"


def test_a_currency_without_a_rate_is_shown_without_conversion():
    shown = display_currency_for(request_for(session_currency="EUR"))

    assert (shown.code, shown.rate, shown.can_convert) == ("EUR", None, False)


def test_a_session_value_that_is_no_configured_currency_is_ignored():
    shown = display_currency_for(request_for(session_currency="XYZ"))

    assert shown.code == "USD"


def test_rates_are_read_once_then_served_from_the_cache(django_assert_num_queries):
    with_rates(TWD="31.5")
    exchange_rates()

    with django_assert_num_queries(0):
        assert exchange_rates()["TWD"] == Decimal("31.5")


# --- Choosing -----------------------------------------------------------------------------------


def test_a_guests_choice_is_kept_in_the_session():
    request = request_for()

    set_display_currency(currency="twd", user=request.user, session=request.session)

    assert request.session[SESSION_KEY] == "TWD"


def test_a_users_choice_is_saved_on_the_account():
    user = UserFactory(currency="")
    request = request_for(user)

    set_display_currency(currency="EUR", user=user, session=request.session)

    user.refresh_from_db()
    assert user.currency == "EUR"
    assert request.session[SESSION_KEY] == "EUR"


def test_an_unknown_currency_is_refused_and_nothing_changes():
    user = UserFactory(currency="TWD")
    request = request_for(user, session_currency="TWD")

    with pytest.raises(CurrencyError) as refused:
        set_display_currency(currency="XYZ", user=user, session=request.session)

    assert refused.value.code == "unknown_currency"
    user.refresh_from_db()
    assert user.currency == "TWD"
    assert request.session[SESSION_KEY] == "TWD"


# --- Staff edits --------------------------------------------------------------------------------


def test_staff_set_a_rate_which_records_who_when_and_the_source(staff_user):
    now = timezone.now()

    row = set_exchange_rate(currency="TWD", rate=Decimal("31.523"), by=staff_user, now=now)

    assert (row.rate, row.source, row.updated_by, row.updated_at) == (
        Decimal("31.523"),
        RateSource.STAFF,
        staff_user,
        now,
    )
    assert exchange_rates()["TWD"] == Decimal("31.523")


def test_a_new_rate_replaces_the_cached_one_at_once():
    with_rates(TWD="31.5")
    assert exchange_rates()["TWD"] == Decimal("31.5")

    with_rates(TWD="32")

    assert exchange_rates()["TWD"] == Decimal("32")


@pytest.mark.parametrize(
    ("currency", "rate", "code"),
    [
        ("TWD", Decimal("0"), "bad_rate"),
        ("TWD", Decimal("-31.5"), "bad_rate"),
        ("TWD", Decimal("NaN"), "bad_rate"),
        ("TWD", Decimal("Infinity"), "bad_rate"),
        ("TWD", Decimal("1E+12"), "bad_rate"),
        ("USD", Decimal("1.1"), "base_currency"),
        ("XYZ", Decimal("2"), "unknown_currency"),
    ],
)
def test_nonsense_rates_are_refused_and_nothing_changes(currency, rate, code):
    with_rates(TWD="31.5")

    with pytest.raises(CurrencyError) as refused:
        set_exchange_rate(currency=currency, rate=rate, by=None, now=timezone.now())

    assert refused.value.code == code
    assert dict(ExchangeRate.objects.values_list("currency", "rate")) == {"TWD": Decimal("31.5")}


def test_a_removed_rate_no_longer_converts():
    with_rates(TWD="31.5", EUR="0.9")
    assert exchange_rates()["TWD"]

    assert remove_exchange_rates(currencies=["TWD"]) == 1

    assert "TWD" not in exchange_rates()
    assert display_currency_for(request_for(session_currency="TWD")).can_convert is False
