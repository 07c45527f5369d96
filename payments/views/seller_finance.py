"""The seller's finance pages under /seller/finance/: balances (available, pending with release
dates, in payout), the history of the shop's ledger lines, payouts, one order's split, and the
statement for a date range as CSV.

Only the shop's owner and managers get in (``seller_required(roles=MANAGERS)``); every read goes
through ``selectors_finance`` scoped to ``request.shop``, so another shop's order is a 404.
"""

import csv
from datetime import date

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET

from marketplace.core.csv import escape_row
from marketplace.sellers.access import MANAGERS, seller_required

from ..selectors_finance import (
    balance_for_shop,
    ledger_lines_for_shop,
    payouts_for_shop,
    pending_settlements_for_shop,
    settlement_for_shop_or_404,
    statement_for_shop,
)

PAGE_SIZE = 25
PAYOUTS_SHOWN = 20
PENDING_SHOWN = 50
STATEMENT_MAX_DAYS = 366


class StatementForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date comes before the start date."))
            if (end - start).days >= STATEMENT_MAX_DAYS:
                raise forms.ValidationError(
                    _("A statement covers at most %(days)d days.") % {"days": STATEMENT_MAX_DAYS}
                )
        return cleaned


def _this_month() -> dict[str, date]:
    today = timezone.localdate()
    return {"start": today.replace(day=1), "end": today}


@seller_required(roles=MANAGERS)
@require_GET
def finance(request: HttpRequest) -> HttpResponse:
    return _finance_page(request, StatementForm(initial=_this_month()))


def _finance_page(request: HttpRequest, form: StatementForm, *, status: int = 200) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    lines = Paginator(ledger_lines_for_shop(shop=shop), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "balance": balance_for_shop(shop=shop),
        "pending": list(pending_settlements_for_shop(shop=shop)[:PENDING_SHOWN]),
        "page": lines,
        "payouts": list(payouts_for_shop(shop=shop)[:PAYOUTS_SHOWN]),
        "form": form,
        "holding_days": settings.PAYMENTS_HOLDING_DAYS,
    }
    return render(request, "payments/seller/finance.html", context, status=status)


@seller_required(roles=MANAGERS)
@require_GET
def statement(request: HttpRequest) -> HttpResponse:
    """The statement as CSV; bad dates show the finance page with the form's errors."""
    form = StatementForm(request.GET)
    if not form.is_valid():
        return _finance_page(request, form, status=400)
    shop = request.shop  # type: ignore[attr-defined]
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="statement-{shop.slug}-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    )
    response.write("\ufeff")  # spreadsheets then read the file as UTF-8 (shop names, Chinese)
    writer = csv.writer(response)
    writer.writerow(
        escape_row(
            [
                _("Date"),
                _("Balance"),
                _("What"),
                _("Order"),
                pgettext("payout", "Reference"),
                _("Amount"),
                _("Running balance"),
            ]
        )
    )
    accounts = {"available": _("Available"), "pending": _("Pending (escrow)")}
    edges = {"opening": _("Opening balance"), "closing": _("Closing balance")}
    for row in statement_for_shop(shop=shop, first_day=start, last_day=end):
        at = timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M") if row.at else ""
        writer.writerow(
            escape_row(
                [
                    at,
                    accounts[row.account],
                    edges.get(row.what, row.what),
                    row.order,
                    row.reference,
                    "" if row.amount is None else str(row.amount),
                    str(row.balance),
                ]
            )
        )
    return response


@seller_required(roles=MANAGERS)
@require_GET
def settlement(request: HttpRequest, number: str) -> HttpResponse:
    """One order's split: what the buyer paid, who funded the discounts, commission per line."""
    record = settlement_for_shop_or_404(shop=request.shop, number=number)  # type: ignore[attr-defined]
    context = {"settlement": record, "holding_days": settings.PAYMENTS_HOLDING_DAYS}
    return render(request, "payments/seller/settlement.html", context)
