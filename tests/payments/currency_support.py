"""Arrangements shared by the currency tests: today's rates in the table, set the way staff do."""

from decimal import Decimal

from django.utils import timezone

from payments.services.currencies import set_exchange_rate


def with_rates(**rates: str) -> None:
    """with_rates(TWD="31.5", JPY="150") - against the base currency (USD in the tests)."""
    for currency, rate in rates.items():
        set_exchange_rate(currency=currency, rate=Decimal(rate), by=None, now=timezone.now())
