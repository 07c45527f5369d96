"""Staff pages of risk control: the rules (weights, parameters, on/off), the single row of
decision thresholds, and the assessments, read-only, filtered by decision and linked to their
payment. The queue of held payments, with approve and reject, lives with the payments.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from marketplace.core.admin_display import ReadOnlyAdmin

from ..models import RiskAssessment, RiskPolicy, RiskRule, RiskRuleCode
from ..models.risk import RULE_PARAMETERS


@admin.register(RiskRule)
class RiskRuleAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "weight", "enabled", "parameters"]
    list_editable = ["weight", "enabled"]
    list_filter = ["enabled"]
    fieldsets = [
        (None, {"fields": ["code", "label", "weight", "enabled"]}),
        (
            _("Parameters"),
            {
                "fields": ["window_minutes", "count_limit", "amount_threshold", "account_age_days"],
                "description": _(
                    "Each rule uses only some of these: velocity, repeated failures and shared "
                    "address use a window and a limit; a new account with a high amount uses an "
                    "age in days and an amount; the card country uses none."
                ),
            },
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a rule off instead: assessments name it

    @admin.display(description=_("parameters"))
    def parameters(self, obj: RiskRule) -> str:
        names = RULE_PARAMETERS.get(obj.code, ())
        shown = [
            (RiskRule._meta.get_field(name).verbose_name, getattr(obj, name)) for name in names
        ]
        return format_html_join(", ", "{}: {}", shown) if shown else "—"


@admin.register(RiskPolicy)
class RiskPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "review_at", "block_at", "updated_at"]
    fields = ["review_at", "block_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not RiskPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["payment_link", "buyer", "score", "decision", "stage", "created_at"]
    list_filter = ["decision", "stage"]
    list_select_related = ["payment__buyer"]
    search_fields = ["payment__number", "payment__buyer__email"]
    date_hierarchy = "created_at"
    fields = [
        "payment_link",
        "buyer",
        "stage",
        "score",
        "decision",
        "reasons_table",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[RiskAssessment]:
        return super().get_queryset(request).select_related("payment__buyer")

    @admin.display(description=_("payment"), ordering="payment__number")
    def payment_link(self, obj: RiskAssessment) -> str:
        try:
            url = reverse("admin:payments_payment_change", args=[obj.payment_id])
        except NoReverseMatch:
            return obj.payment.number
        return format_html('<a href="{}">{}</a>', url, obj.payment.number)

    @admin.display(description=_("buyer"), ordering="payment__buyer__email")
    def buyer(self, obj: RiskAssessment) -> str:
        return str(obj.payment.buyer)

    @admin.display(description=_("reasons"))
    def reasons_table(self, obj: RiskAssessment) -> str:
        if not obj.reasons:
            return "—"
        rows = (
            (
                RiskRuleCode(reason["rule"]).label
                if reason["rule"] in RiskRuleCode.values
                else reason["rule"],
                reason["weight"],
                reason["detail"],
            )
            for reason in obj.reasons
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("rule"),
            _("weight"),
            _("what it saw"),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )
