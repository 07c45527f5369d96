"""Exchange rates for showing prices in a shopper's display currency.

One row per currency other than the base one (``settings.DEFAULT_CURRENCY``, always 1): how many
units of that currency one base unit buys. Rates only ever change what a page *shows*; every
charge is in the base currency. Written by ``payments.services.currencies`` only.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Ten places keep a rate like 0.0000671 (VND -> USD style) exact enough; twenty digits in all
# leave room for rates in the tens of thousands.
RATE_MAX_DIGITS = 20
RATE_DECIMAL_PLACES = 10
SMALLEST_RATE = Decimal("0.0000000001")


class RateSource(models.TextChoices):
    STAFF = "staff", _("Entered by staff")
    FEED = "feed", _("Exchange-rate feed")


class ExchangeRate(models.Model):
    currency = models.CharField(_("currency"), max_length=3, unique=True)
    rate = models.DecimalField(
        _("rate"),
        max_digits=RATE_MAX_DIGITS,
        decimal_places=RATE_DECIMAL_PLACES,
        validators=[MinValueValidator(SMALLEST_RATE)],
        help_text=_("Units of this currency for one unit of the base currency."),
    )
    source = models.CharField(_("source"), max_length=10, choices=RateSource)
    source_url = models.URLField(_("feed address"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published by the feed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last changed"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0), name="payments_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {settings.DEFAULT_CURRENCY} = {self.rate.normalize():f} {self.currency}"
