"""The beat job's refresh of exchange rates from the configured feed, against a local fake feed
speaking open.er-api.com's shape: good answers land, refused or missing answers change nothing."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from payments import tasks
from payments.errors import ExchangeRateFeedError, ExchangeRateFeedUnavailable
from payments.models import ExchangeRate, RateSource
from payments.services.currencies import exchange_rates, refresh_exchange_rates

from .currency_support import with_rates

pytestmark = pytest.mark.django_db

GOOD = {"CNY": 7.1234, "TWD": 31.52, "HKD": 7.8, "EUR": 0.92, "JPY": 149.8, "GBP": 0.79}


def table() -> dict[str, Decimal]:
    return dict(ExchangeRate.objects.values_list("currency", "rate"))


def test_the_configured_currencies_take_the_feeds_rates(fake_feed):
    fake_feed.answer_rates(GOOD)
    now = timezone.now()

    assert refresh_exchange_rates(now=now) == 5

    assert table() == {
        "CNY": Decimal("7.1234"),
        "TWD": Decimal("31.52"),
        "HKD": Decimal("7.8"),
        "EUR": Decimal("0.92"),
        "JPY": Decimal("149.8"),
    }  # GBP is not a display currency here, and the base is never stored
    twd = ExchangeRate.objects.get(currency="TWD")
    assert (twd.source, twd.source_url, twd.updated_at, twd.updated_by) == (
        RateSource.FEED,
        fake_feed.url,
        now,
        None,
    )
    assert twd.published_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert fake_feed.paths == ["/v6/latest/USD"]
    assert exchange_rates()["TWD"] == Decimal("31.52")


def test_the_feed_overwrites_a_staff_rate(fake_feed):
    with_rates(TWD="30")
    fake_feed.answer_rates(GOOD)

    refresh_exchange_rates(now=timezone.now())

    assert ExchangeRate.objects.get(currency="TWD").source == RateSource.FEED
    assert table()["TWD"] == Decimal("31.52")


def test_a_feed_rate_with_many_places_is_rounded_half_up_to_ten(fake_feed):
    fake_feed.answer_rates({**GOOD, "EUR": 0.92000000005})

    refresh_exchange_rates(now=timezone.now())

    assert table()["EUR"] == Decimal("0.9200000001")


def _without(name: str) -> dict:
    rates = dict(GOOD)
    del rates[name]
    return rates


BAD_ANSWERS = {
    "missing rate": {"rates": _without("TWD")},
    "zero rate": {"rates": {**GOOD, "TWD": 0}},
    "negative rate": {"rates": {**GOOD, "EUR": -0.92}},
    "rate as text": {"rates": {**GOOD, "EUR": "0.92"}},
    "rate as null": {"rates": {**GOOD, "JPY": None}},
    "rate as true": {"rates": {**GOOD, "JPY": True}},
    "huge rate": {"rates": {**GOOD, "JPY": 1e15}},
    "base not 1": {"rates": {**GOOD, "USD": 1.5}},
    "wrong base": {"base_code": "EUR"},
    "error result": {"result": "error", "error-type": "unsupported-code"},
    "no rates": {"rates": None},
}


@pytest.mark.parametrize("change", BAD_ANSWERS.values(), ids=BAD_ANSWERS.keys())
def test_a_nonsense_answer_is_refused_and_changes_nothing(fake_feed, change):
    with_rates(TWD="30", EUR="0.9")
    before = table()
    payload = {
        "result": "success",
        "base_code": "USD",
        "time_last_update_unix": 1767225600,
        "rates": {"USD": 1, **GOOD},
        **change,
    }
    fake_feed.answer(payload)

    with pytest.raises(ExchangeRateFeedError) as refused:
        refresh_exchange_rates(now=timezone.now())

    assert not isinstance(refused.value, ExchangeRateFeedUnavailable)
    assert refused.value.code == "bad_feed"
    assert table() == before
    assert set(ExchangeRate.objects.values_list("source", flat=True)) == {RateSource.STAFF}


@pytest.mark.parametrize(
    "raw", [b"<html>maintenance</html>", b'{"rates": {"TWD": NaN}}', b"\xff\xfe"]
)
def test_an_answer_that_is_not_json_is_refused(fake_feed, raw):
    with_rates(TWD="30")
    fake_feed.answer(raw=raw)

    with pytest.raises(ExchangeRateFeedError):
        refresh_exchange_rates(now=timezone.now())

    assert table() == {"TWD": Decimal("30")}


def test_a_server_error_counts_as_unavailable_and_changes_nothing(fake_feed):
    with_rates(TWD="30")
    fake_feed.answer({"result": "error"}, status=503)

    with pytest.raises(ExchangeRateFeedUnavailable):
        refresh_exchange_rates(now=timezone.now())

    assert table() == {"TWD": Decimal("30")}


def test_a_feed_that_does_not_answer_in_time_changes_nothing(fake_feed, settings):
    with_rates(TWD="30")
    fake_feed.answer_rates(GOOD)
    fake_feed.delay = 1.0
    settings.EXCHANGE_RATES_TIMEOUT_SECONDS = 0.2

    with pytest.raises(ExchangeRateFeedUnavailable):
        refresh_exchange_rates(now=timezone.now())

    assert table() == {"TWD": Decimal("30")}


def test_a_feed_that_is_down_changes_nothing(fake_feed):
    with_rates(TWD="30")
    fake_feed.server.shutdown()
    fake_feed.server.server_close()  # nothing listens on the port any more

    with pytest.raises(ExchangeRateFeedUnavailable):
        refresh_exchange_rates(now=timezone.now())

    assert table() == {"TWD": Decimal("30")}


def test_an_address_that_is_not_http_is_refused(settings):
    settings.EXCHANGE_RATES_URL = "file:///etc/passwd"

    with pytest.raises(ExchangeRateFeedError) as refused:
        refresh_exchange_rates(now=timezone.now())

    assert refused.value.code == "bad_url"
    assert table() == {}


def test_without_a_configured_feed_nothing_is_fetched_or_changed(settings):
    settings.EXCHANGE_RATES_URL = ""
    with_rates(TWD="30")

    assert refresh_exchange_rates(now=timezone.now()) == 0

    assert table() == {"TWD": Decimal("30")}


# --- The task -----------------------------------------------------------------------------------


def test_the_task_refreshes_and_is_safe_to_run_twice(fake_feed):
    fake_feed.answer_rates(GOOD)

    assert tasks.refresh_exchange_rates.apply().get() == 5
    assert tasks.refresh_exchange_rates.apply().get() == 5

    assert ExchangeRate.objects.count() == 5
    assert table()["TWD"] == Decimal("31.52")


def test_the_task_retries_when_the_feed_is_unavailable(fake_feed):
    fake_feed.answer({}, status=502)

    # Run in place, Celery performs the retries at once and then gives up with the error.
    result = tasks.refresh_exchange_rates.apply()

    assert result.failed()
    assert isinstance(result.result, ExchangeRateFeedUnavailable)
    assert len(fake_feed.paths) == 1 + tasks.FEED_RETRIES
    assert table() == {}


def test_the_task_stops_without_retrying_on_a_refused_answer(fake_feed, caplog):
    fake_feed.answer(json.loads('{"result": "success", "base_code": "EUR", "rates": {}}'))

    assert tasks.refresh_exchange_rates.apply().get() == 0

    assert "exchange rates refused" in caplog.text
    assert table() == {}


def test_beat_runs_the_refresh():
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-exchange-rates"]

    assert entry["task"] == "payments.tasks.refresh_exchange_rates"
