"""Staff pages of exchange rates: the table the display currencies use, with when and where each
rate came from. Edits go through ``set_exchange_rate`` (marked as entered by staff; the feed,
when one is configured, overwrites them on its next refresh), and "Refresh from the feed now"
runs the beat job's service at once.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..errors import CurrencyError, ExchangeRateFeedError
from ..models import ExchangeRate
from ..services.currencies import (
    check_rate_currency,
    refresh_exchange_rates,
    remove_exchange_rates,
    set_exchange_rate,
)


def _foreign_currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in settings.CURRENCIES if code != settings.DEFAULT_CURRENCY]


class ExchangeRateForm(forms.ModelForm):
    currency = forms.ChoiceField(label=_("currency"), choices=_foreign_currency_choices)

    class Meta:
        model = ExchangeRate
        fields = ["currency", "rate"]

    def clean_currency(self) -> str:
        currency: str = self.cleaned_data["currency"]
        try:
            check_rate_currency(currency)
        except CurrencyError as error:
            raise ValidationError(error.message, code=error.code) from error
        return currency


@admin.action(description=_("Refresh all rates from the feed now"))
def _refresh_now(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    if not settings.EXCHANGE_RATES_URL:
        modeladmin.message_user(
            request, _("No exchange-rate feed is configured (EXCHANGE_RATES_URL)."), messages.ERROR
        )
        return
    try:
        count = refresh_exchange_rates(now=timezone.now())
    except ExchangeRateFeedError as error:
        modeladmin.message_user(request, error.message, messages.ERROR)
        return
    modeladmin.message_user(
        request, _("%(count)d rates taken from the feed.") % {"count": count}, messages.SUCCESS
    )


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    form = ExchangeRateForm
    list_display = ["currency", "rate", "source", "updated_at", "updated_by", "published_at"]
    list_filter = ["source"]
    list_select_related = ["updated_by"]
    readonly_fields = ["source", "source_url", "published_at", "updated_at", "updated_by"]
    actions = [_refresh_now]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "currency"] if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: ExchangeRate, form: Any, change: bool) -> None:
        row = set_exchange_rate(
            currency=obj.currency, rate=obj.rate, by=request.user, now=timezone.now()
        )
        obj.pk = row.pk
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: ExchangeRate) -> None:
        remove_exchange_rates(currencies=[obj.currency])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        remove_exchange_rates(currencies=list(queryset.values_list("currency", flat=True)))
