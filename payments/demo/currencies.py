"""Demo exchange rates for the configured display currencies (only those
missing, so rates a feed or staff set survive ``make run``), and the demo shopper, unless they
chose otherwise, sees prices with an approximate amount in New Taiwan dollars.
"""

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.accounts.services import set_preferred_currency

from ..models import ExchangeRate
from ..services.currencies import set_exchange_rate

SHOPPER = "shopper@example.com"
SHOPPER_CURRENCY = "TWD"
# Rough mid-market rates against the US dollar; other base currencies get the cross rate.
USD_RATES = {
    "USD": Decimal("1"),
    "CNY": Decimal("7.12"),
    "TWD": Decimal("31.55"),
    "HKD": Decimal("7.79"),
    "EUR": Decimal("0.921"),
    "JPY": Decimal("149.80"),
    "GBP": Decimal("0.789"),
}


def run(*, log: Callable[[str], None]) -> None:
    base = settings.DEFAULT_CURRENCY
    have = set(ExchangeRate.objects.values_list("currency", flat=True))
    now = timezone.now()
    added = []
    for currency in settings.CURRENCIES:
        if currency == base or currency in have:
            continue
        if currency not in USD_RATES or base not in USD_RATES:
            continue
        rate = USD_RATES[currency] / USD_RATES[base]
        set_exchange_rate(currency=currency, rate=rate, by=None, now=now)
        added.append(currency)
    shopper = User.objects.filter(email=SHOPPER, currency="").first()
    if shopper is not None and SHOPPER_CURRENCY in settings.CURRENCIES:
        set_preferred_currency(user=shopper, currency=SHOPPER_CURRENCY)
    log(f"exchange rates: {', '.join(added) or 'already there'}")
