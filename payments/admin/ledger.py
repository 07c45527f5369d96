"""Staff pages of the money ledger: accounts with their balances, transactions with their
entries and settlements with their lines (all read-only: only the services write them), commission
rates (staff add them; a rate already applied to a sale can no longer be changed), payout
accounts, and payouts with "Mark sent" and "Mark failed" - each asks for the bank's reference or
the reason on a page of its own and calls the payouts service, like every other caller.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.admin_display import ReadOnlyAdmin, ReadOnlyInline, status_history_html

from ..models import (
    CommissionRate,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payout,
    PayoutAccount,
    PayoutMethod,
    PayoutStatus,
    SettlementLine,
    ShopSettlement,
)
from ..models.ledger import DEBIT_NORMAL
from ..services.payouts import REASON_MAX, REFERENCE_MAX, mark_payout_failed, mark_payout_sent
from .actions import ask_then_apply

# A new rate may start a few minutes back (the time it took to fill in the form), no earlier.
RATE_BACKDATE_GRACE = timedelta(minutes=5)
ZERO = Decimal("0")


# --- Ledger ----------------------------------------------------------------------------------


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["code", "kind", "shop", "provider", "currency", "balance"]
    list_filter = ["kind", "currency", "provider"]
    search_fields = ["code", "shop__name"]
    list_select_related = ["shop"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[LedgerAccount]:
        money = DecimalField(max_digits=16, decimal_places=2)
        return (
            super()
            .get_queryset(request)
            .annotate(
                debits=Coalesce(Sum("entries__debit"), Value(ZERO), output_field=money),
                credits=Coalesce(Sum("entries__credit"), Value(ZERO), output_field=money),
            )
        )

    @admin.display(description=_("balance"))
    def balance(self, obj: LedgerAccount) -> Decimal:
        """The sum of the account's entries on its normal side (one query for the whole list)."""
        change = obj.debits - obj.credits  # type: ignore[attr-defined]
        return change if obj.kind in DEBIT_NORMAL else -change


class EntryInline(ReadOnlyInline):
    model = LedgerEntry
    fields = ["account", "role", "debit", "credit", "currency", "memo"]
    readonly_fields = fields


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "key", "memo", "order", "payment", "payout"]
    list_filter = ["kind"]
    search_fields = ["=key", "memo", "=order__number", "=payment__number"]
    list_select_related = ["order", "payment", "payout__shop"]
    date_hierarchy = "created_at"
    inlines = [EntryInline]


# --- Commission and settlements --------------------------------------------------------------


class CommissionRateForm(forms.ModelForm):
    class Meta:
        model = CommissionRate
        fields = ["category", "percent", "valid_from", "note"]

    def clean_valid_from(self) -> Any:
        valid_from = self.cleaned_data["valid_from"]
        if valid_from < timezone.now() - RATE_BACKDATE_GRACE:
            raise forms.ValidationError(
                _("A new rate starts now or later: past sales keep the rate they were charged.")
            )
        return valid_from


@admin.register(CommissionRate)
class CommissionRateAdmin(admin.ModelAdmin):
    form = CommissionRateForm
    list_display = ["category", "percent", "valid_from", "note", "created_by", "created_at"]
    list_filter = ["category"]
    search_fields = ["category__name", "note"]
    list_select_related = ["category", "created_by"]
    autocomplete_fields = ["category"]
    date_hierarchy = "valid_from"

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {**super().get_changeform_initial_data(request), "valid_from": timezone.now()}

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and self._is_applied(obj):
            return ["category", "percent", "valid_from", "note"]
        return []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and self._is_applied(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: CommissionRate, form: Any, change: bool
    ) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @staticmethod
    def _is_applied(rate: CommissionRate) -> bool:
        """Some sale was charged at this rate: it stays as it was."""
        return SettlementLine.objects.filter(rate=rate).exists()


class SettlementLineInline(ReadOnlyInline):
    model = SettlementLine
    fields = ["order_line", "category", "rate", "percent", "base", "commission"]
    readonly_fields = fields


@admin.register(ShopSettlement)
class ShopSettlementAdmin(ReadOnlyAdmin):
    list_display = [
        "order",
        "shop",
        "buyer_paid",
        "platform_funded_discount",
        "commission",
        "share",
        "refunded_amount",
        "release_at",
        "released_at",
    ]
    list_filter = [("shop", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=order__number", "=payment__number", "shop__name"]
    list_select_related = ["order", "shop"]
    date_hierarchy = "created_at"
    inlines = [SettlementLineInline]


# --- Payouts ---------------------------------------------------------------------------------


@admin.register(PayoutAccount)
class PayoutAccountAdmin(admin.ModelAdmin):
    list_display = ["shop", "stripe_account_id", "updated_at"]
    search_fields = ["shop__name", "=stripe_account_id"]
    list_select_related = ["shop"]
    autocomplete_fields = ["shop"]


class ReferenceForm(forms.Form):
    reference = forms.CharField(
        label=_("The bank transfer's reference"),
        max_length=REFERENCE_MAX,
        help_text=_("As on the bank's confirmation; the shop sees it on its finance page."),
    )


class FailureForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it failed"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_("The shop sees it; the money is back in its available balance."),
    )


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "shop",
        "amount",
        "currency",
        "method",
        "status",
        "reference",
        "sent_at",
    ]
    list_filter = ["status", "method"]
    search_fields = ["shop__name", "=reference"]
    list_select_related = ["shop"]
    date_hierarchy = "created_at"
    readonly_fields = ["history"]
    actions = ["mark_sent", "mark_failed"]

    @admin.display(description=_("status history"))
    def history(self, obj: Payout) -> str:
        return status_history_html(obj)

    def has_finance_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.has_perm("payments.change_payout"))

    @admin.action(description=_("Mark sent (manual payouts)"), permissions=["finance"])
    def mark_sent(self, request: HttpRequest, queryset: QuerySet[Payout]) -> Any:
        return ask_then_apply(
            self,
            request,
            _manual(queryset),
            form_class=ReferenceForm,
            title=_("Mark payouts sent"),
            explanation=_(
                "You paid each payout below by bank transfer. Stripe Connect payouts are marked "
                "by Stripe's answer and are left out."
            ),
            apply=lambda payout, data: mark_payout_sent(
                payout=payout, by=request.user, reference=data["reference"]
            ),
            empty_message=NO_MANUAL_PAYOUT,
        )

    @admin.action(description=_("Mark failed (manual payouts)"), permissions=["finance"])
    def mark_failed(self, request: HttpRequest, queryset: QuerySet[Payout]) -> Any:
        return ask_then_apply(
            self,
            request,
            _manual(queryset),
            form_class=FailureForm,
            title=_("Mark payouts failed"),
            explanation=_(
                "Each payout below did not reach its shop: its money goes back to the shop's "
                "available balance and the next payout run pays it again."
            ),
            apply=lambda payout, data: mark_payout_failed(
                payout=payout, by=request.user, reason=data["reason"]
            ),
            empty_message=NO_MANUAL_PAYOUT,
        )


NO_MANUAL_PAYOUT = _("None of the selected payouts is a scheduled manual payout.")


def _manual(queryset: QuerySet[Payout]) -> QuerySet[Payout]:
    return queryset.filter(method=PayoutMethod.MANUAL, status=PayoutStatus.SCHEDULED)
