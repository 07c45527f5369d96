"""Demo data of payments: rates for the display currencies, and a demo shopper who sees NT$."""

from decimal import Decimal

import pytest

from marketplace.accounts import seed as accounts_seed
from marketplace.accounts.models import User
from payments import seed
from payments.models import ExchangeRate

from .currency_support import with_rates

pytestmark = pytest.mark.django_db


def run_seeds() -> None:
    accounts_seed.run(options={}, log=lambda line: None)
    seed.run(options={}, log=lambda line: None)


def test_the_demo_has_a_rate_for_every_display_currency_and_a_shopper_in_twd(settings):
    run_seeds()

    assert set(ExchangeRate.objects.values_list("currency", flat=True)) == (
        set(settings.CURRENCIES) - {"USD"}
    )
    assert User.objects.get(email="shopper@example.com").currency == "TWD"


def test_running_the_demo_again_keeps_rates_and_choices_people_changed():
    with_rates(TWD="29.99")
    run_seeds()
    shopper = User.objects.get(email="shopper@example.com")
    shopper.currency = "EUR"
    shopper.save(update_fields=["currency"])

    run_seeds()

    assert ExchangeRate.objects.get(currency="TWD").rate == Decimal("29.99")
    assert ExchangeRate.objects.count() == 5
    shopper.refresh_from_db()
    assert shopper.currency == "EUR"
