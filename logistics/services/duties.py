"""The duty-rate table staff keep per destination country (duty %, import tax %, de minimis in
the base currency), which checkout's DDP estimate reads. Staff with the right permission only;
a bad rate is refused and changes nothing. It never estimates anything (``quotes`` does)."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from marketplace.accounts.countries import COUNTRY_NAMES

from ..errors import LogisticsError
from ..models import DutyRate

HUNDRED = Decimal(100)


def set_duty_rate(
    *, country: str, duty_percent: Decimal, tax_percent: Decimal, de_minimis: Decimal, by: Any
) -> DutyRate:
    """Goods sent to ``country`` are estimated at these rates above ``de_minimis``."""
    if not (getattr(by, "is_staff", False) and by.has_perm("logistics.change_dutyrate")):
        raise LogisticsError(_("Only logistics staff can change duty rates."), code="not_staff")
    country = country.strip().upper()
    if country not in COUNTRY_NAMES:
        raise LogisticsError(_("Choose a country from the list."), code="country")
    if not (0 <= duty_percent <= HUNDRED and 0 <= tax_percent <= HUNDRED):
        raise LogisticsError(_("Rates are between 0 and 100 percent."), code="percent")
    if de_minimis < 0:
        raise LogisticsError(_("The duty-free amount cannot be negative."), code="de_minimis")
    rate, _created = DutyRate.objects.update_or_create(
        country=country,
        defaults={
            "duty_percent": duty_percent,
            "tax_percent": tax_percent,
            "de_minimis": de_minimis,
        },
    )
    return rate
