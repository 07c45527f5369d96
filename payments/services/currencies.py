"""Display currencies: the currency a shopper sees prices in, the exchange-rate table behind it,
and the table's refresh from a configured feed.

Prices, charges, orders and ledger entries are all in the base currency
(``settings.DEFAULT_CURRENCY``). This module only turns a base amount into an approximate label
in another currency; it must never be used to compute an amount anybody pays or is paid. It never
calls the feed inside a transaction.

The feed (``settings.EXCHANGE_RATES_URL``, empty = no refresh) answers in the shape of
https://open.er-api.com/v6/latest/USD::

    {"result": "success", "base_code": "USD", "time_last_update_unix": 1767225600,
     "rates": {"USD": 1, "TWD": 31.52, "EUR": 0.92, ...}}

A payload with another base, or a configured currency missing, zero, negative or not a number,
is refused as a whole and changes nothing.
"""

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from http.client import HTTPException
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.accounts.models import User
from marketplace.accounts.services import set_preferred_currency
from marketplace.core.money import CENT, NO_MINOR_UNITS, Money

from ..errors import CurrencyError, ExchangeRateFeedError, ExchangeRateFeedUnavailable
from ..models import ExchangeRate, RateSource
from ..models.currencies import RATE_DECIMAL_PLACES, RATE_MAX_DIGITS, SMALLEST_RATE

logger = logging.getLogger(__name__)

SESSION_KEY = "display_currency"
RATES_CACHE_KEY = "payments:exchange-rates"
RATES_CACHE_SECONDS = 600
FEED_MAX_BYTES = 1_000_000
RATE_PLACES = Decimal(1).scaleb(-RATE_DECIMAL_PLACES)
LARGEST_RATE = Decimal(10) ** (RATE_MAX_DIGITS - RATE_DECIMAL_PLACES)

CURRENCY_NAMES = {
    "USD": gettext_lazy("US dollar"),
    "CNY": gettext_lazy("Chinese yuan"),
    "TWD": gettext_lazy("New Taiwan dollar"),
    "HKD": gettext_lazy("Hong Kong dollar"),
    "EUR": gettext_lazy("Euro"),
    "JPY": gettext_lazy("Japanese yen"),
}


@dataclass(frozen=True)
class DisplayCurrency:
    """The currency a page shows approximate prices in; ``rate`` is None when none is known."""

    code: str
    rate: Decimal | None

    @property
    def is_base(self) -> bool:
        return self.code == settings.DEFAULT_CURRENCY

    @property
    def can_convert(self) -> bool:
        return not self.is_base and self.rate is not None


@dataclass(frozen=True)
class FeedRates:
    rates: dict[str, Decimal]
    published_at: datetime | None


# --- Reading rates and converting ---------------------------------------------------------------


def exchange_rates() -> dict[str, Decimal]:
    """Every known rate, the base currency's 1 included; one cache read, one query on a miss."""
    rates: dict[str, Decimal] | None = cache.get(RATES_CACHE_KEY)
    if rates is None:
        rates = dict(ExchangeRate.objects.values_list("currency", "rate"))
        cache.set(RATES_CACHE_KEY, rates, RATES_CACHE_SECONDS)
    return {**rates, settings.DEFAULT_CURRENCY: Decimal(1)}


def convert_for_display(*, amount: Money, to: str, rate: Decimal | None = None) -> Money:
    """``amount`` in currency ``to``, rounded HALF_UP to that currency's smallest shown unit.

    ``rate`` (units of ``to`` per unit of ``amount.currency``) is for a rate recorded earlier,
    such as an order's; without it today's table is used, through the base currency if needed.
    """
    if amount.currency == to:
        return amount
    if rate is None:
        rates = exchange_rates()
        if amount.currency not in rates or to not in rates:
            raise CurrencyError(
                _("There is no exchange rate for %(currency)s yet.")
                % {"currency": to if to not in rates else amount.currency},
                code="no_rate",
            )
        rate = rates[to] / rates[amount.currency]
    places = Decimal(1) if to in NO_MINOR_UNITS else CENT
    return Money((amount.amount * rate).quantize(places, rounding=ROUND_HALF_UP), to)


def display_currency_for(request: HttpRequest) -> DisplayCurrency:
    """The user's preferred currency, else the one chosen in this session, else the base one."""
    code = settings.DEFAULT_CURRENCY
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    chosen = session.get(SESSION_KEY, "") if session is not None else ""
    if user is not None and user.is_authenticated and user.currency in settings.CURRENCIES:
        code = user.currency
    elif chosen in settings.CURRENCIES:
        code = chosen
    if code == settings.DEFAULT_CURRENCY:
        return DisplayCurrency(code, Decimal(1))  # no rate to look up: no cache read, no query
    return DisplayCurrency(code, exchange_rates().get(code))


def display_rate_for_request(request: HttpRequest) -> tuple[str, Decimal | None]:
    """For ``settings.ORDERS_DISPLAY_RATE``: what checkout records on the order group."""
    shown = display_currency_for(request)
    return shown.code, shown.rate


# --- The shopper's choice -----------------------------------------------------------------------


def set_display_currency(*, currency: str, user: Any, session: SessionBase) -> str:
    """Prices are shown with an approximate amount in ``currency`` from the next page on; a
    logged-in user's account remembers it too."""
    currency = currency.strip().upper()
    if currency not in settings.CURRENCIES:
        raise CurrencyError(
            _("%(currency)s is not a currency the marketplace shows prices in.")
            % {"currency": currency},
            code="unknown_currency",
        )
    if user is not None and user.is_authenticated:
        set_preferred_currency(user=user, currency=currency)
    session[SESSION_KEY] = currency
    return currency


# --- Staff edits --------------------------------------------------------------------------------


def set_exchange_rate(
    *, currency: str, rate: Decimal, by: User | None, now: datetime
) -> ExchangeRate:
    """The currency's rate is ``rate`` from now on, marked as entered by staff."""
    check_rate_currency(currency)
    rate = _checked_rate(rate, currency=currency)
    with transaction.atomic():  # a label's rate, not money: the admin's own transaction may wrap it
        row, _created = ExchangeRate.objects.update_or_create(
            currency=currency,
            defaults={
                "rate": rate,
                "source": RateSource.STAFF,
                "source_url": "",
                "published_at": None,
                "updated_at": now,
                "updated_by": by,
            },
        )
        _rates_changed()
    return row


def remove_exchange_rates(*, currencies: Iterable[str]) -> int:
    """These currencies have no rate any more: prices show no approximate amount in them."""
    with transaction.atomic():
        removed, _by_model = ExchangeRate.objects.filter(currency__in=list(currencies)).delete()
        _rates_changed()
    return removed


def forget_cached_rates() -> None:
    cache.delete(RATES_CACHE_KEY)


def _rates_changed() -> None:
    # Now, for this transaction's own later reads, and after commit, for a request that cached
    # the old rates meanwhile.
    forget_cached_rates()
    transaction.on_commit(forget_cached_rates)


# --- The feed -----------------------------------------------------------------------------------


def refresh_exchange_rates(*, now: datetime) -> int:
    """The configured currencies' rates are the feed's, or nothing changed (error raised).

    Returns how many rates were written; 0 when no feed is configured.
    """
    url: str = settings.EXCHANGE_RATES_URL
    if not url:
        return 0
    payload = fetch_feed(url=url, timeout=settings.EXCHANGE_RATES_TIMEOUT_SECONDS)
    feed = parse_feed(payload=payload, base=settings.DEFAULT_CURRENCY, wanted=_foreign_currencies())
    with transaction.atomic(durable=True):
        for currency, rate in sorted(feed.rates.items()):
            ExchangeRate.objects.update_or_create(
                currency=currency,
                defaults={
                    "rate": rate,
                    "source": RateSource.FEED,
                    "source_url": url[:500],
                    "published_at": feed.published_at,
                    "updated_at": now,
                    "updated_by": None,
                },
            )
        _rates_changed()
    return len(feed.rates)


def fetch_feed(*, url: str, timeout: float) -> bytes:
    """The feed's raw answer; ``ExchangeRateFeedUnavailable`` if it cannot be had in time."""
    if not url.startswith(("http://", "https://")):
        raise ExchangeRateFeedError(
            _("The exchange-rate feed address must start with http:// or https://."),
            code="bad_url",
        )
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, headers={"Accept": "application/json", "User-Agent": "marketplace-rates/1"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            payload: bytes = response.read(FEED_MAX_BYTES + 1)
    except (urllib.error.URLError, HTTPException, OSError) as error:
        # HTTPError (4xx/5xx), refused connections and timeouts all land here.
        raise ExchangeRateFeedUnavailable(
            _("The exchange-rate feed could not be reached: %(reason)s") % {"reason": error},
            code="feed_unavailable",
        ) from error
    if len(payload) > FEED_MAX_BYTES:
        raise ExchangeRateFeedError(_("The exchange-rate feed answer is too large."), code="large")
    return payload


def parse_feed(*, payload: bytes, base: str, wanted: Iterable[str]) -> FeedRates:
    """The wanted currencies' rates from an open.er-api.com-shaped answer, each checked."""
    try:
        data = json.loads(payload, parse_float=Decimal, parse_int=Decimal, parse_constant=_refuse)
    except (ValueError, UnicodeDecodeError) as error:
        raise _bad_feed(_("The answer is not JSON.")) from error
    if not isinstance(data, dict) or data.get("result") != "success":
        raise _bad_feed(_("The feed did not report success."))
    if data.get("base_code") != base:
        raise _bad_feed(
            _("Its rates are against %(feed)s, not the marketplace's %(base)s.")
            % {"feed": str(data.get("base_code"))[:10], "base": base}
        )
    rates = data.get("rates")
    if not isinstance(rates, dict):
        raise _bad_feed(_("It has no rates."))
    if base in rates and rates[base] != 1:
        raise _bad_feed(_("It does not give the base currency a rate of 1."))
    checked = {}
    for currency in wanted:
        if currency not in rates:
            raise _bad_feed(_("It has no rate for %(currency)s.") % {"currency": currency})
        checked[currency] = _feed_rate(rates[currency], currency=currency)
    return FeedRates(rates=checked, published_at=_published_at(data.get("time_last_update_unix")))


# --- Helpers ------------------------------------------------------------------------------------


def _foreign_currencies() -> list[str]:
    return [code for code in settings.CURRENCIES if code != settings.DEFAULT_CURRENCY]


def check_rate_currency(currency: str) -> None:
    """Refuses the base currency (always 1) and currencies the marketplace does not show."""
    if currency == settings.DEFAULT_CURRENCY:
        raise CurrencyError(
            _("%(currency)s is the base currency; its rate is always 1.") % {"currency": currency},
            code="base_currency",
        )
    if currency not in settings.CURRENCIES:
        raise CurrencyError(
            _("%(currency)s is not a currency the marketplace shows prices in.")
            % {"currency": currency},
            code="unknown_currency",
        )


def _checked_rate(value: Any, *, currency: str) -> Decimal:
    """A positive, finite rate that fits the table, rounded HALF_UP to its ten places."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise _bad_rate(currency)
    try:
        rate = Decimal(value)
        if not rate.is_finite():
            raise _bad_rate(currency)
        rate = rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
    except InvalidOperation as error:
        raise _bad_rate(currency) from error
    if rate < SMALLEST_RATE or rate >= LARGEST_RATE:
        raise _bad_rate(currency)
    return rate


def _feed_rate(value: Any, *, currency: str) -> Decimal:
    try:
        return _checked_rate(value, currency=currency)
    except CurrencyError as error:
        raise _bad_feed(error.message) from error


def _bad_rate(currency: str) -> CurrencyError:
    return CurrencyError(
        _("The rate for %(currency)s must be a positive number.") % {"currency": currency},
        code="bad_rate",
    )


def _bad_feed(reason: str) -> ExchangeRateFeedError:
    return ExchangeRateFeedError(
        _("The exchange-rate feed answer was refused: %(reason)s") % {"reason": reason},
        code="bad_feed",
    )


def _refuse(constant: str) -> None:
    raise ValueError(constant)  # NaN and Infinity are not rates


def _published_at(value: Any) -> datetime | None:
    if not isinstance(value, Decimal) or not value.is_finite():
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
