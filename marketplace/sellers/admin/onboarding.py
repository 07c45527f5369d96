"""Staff admin for onboarding: the document requirements per merchant type, the application
review queue (approve, reject, ask for more information), merchants and their brands.

Applications are never edited here: every field is read-only and decisions go through the
services in ``services/onboarding.py`` (from the list actions or the buttons on the change page),
so statuses, history, the new merchant and the notifications are the same as anywhere. A
merchant's payout details are editable only by staff with two-factor authentication.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.accounts.selectors import has_two_factor

from ..errors import SellerError
from ..forms.onboarding import ReasonForm
from ..models import (
    ApplicationBrand,
    DocumentRequirement,
    Merchant,
    MerchantApplication,
    MerchantBrand,
    MerchantMember,
    QualificationDocument,
)
from ..selectors.onboarding import REVIEWABLE_STATUSES, application_history
from ..services.brands import is_brand_in_force
from ..services.onboarding import (
    APPLICANT_FIELDS,
    approve_application,
    can_review_applications,
    reject_application,
    request_more_information,
)

DECISIONS = {
    "approve": (_("Approve"), None),
    "reject": (_("Reject"), reject_application),
    "needs_info": (_("Ask for more information"), request_more_information),
}


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(admin.ModelAdmin):
    list_display = ["__str__", "merchant_type", "document_type", "per_brand", "is_required"]
    list_display_links = ["__str__"]
    list_editable = ["per_brand", "is_required"]
    list_filter = ["merchant_type", "document_type", "is_required"]
    ordering = ["merchant_type", "document_type"]


# --- The review queue -----------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Whoever may see the parent sees its rows (reviewers need no document permissions)."""
        opts = self.parent_model._meta
        return any(
            request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
            for action in ("view", "change")
        )


class DocumentInline(ReadOnlyInline):
    model = QualificationDocument
    fields = ["document_type", "brand", "download", "number", "issuer", "expiry", "size"]
    readonly_fields = fields
    verbose_name_plural = _("documents")

    @admin.display(description=_("file"))
    def download(self, obj: QualificationDocument) -> str:
        url = reverse("sellers:document", kwargs={"pk": obj.pk})
        return format_html('<a href="{}">{}</a> ({})', url, obj.original_name, obj.content_type)

    @admin.display(description=_("expires on"))
    def expiry(self, obj: QualificationDocument) -> str:
        if obj.expires_on is None:
            return str(_("no expiry"))
        if obj.expires_on < timezone.localdate():
            return format_html(
                '<strong class="errornote">{} ({})</strong>', obj.expires_on, _("expired")
            )
        return str(obj.expires_on)


class ApplicationBrandInline(ReadOnlyInline):
    model = ApplicationBrand
    fields = ["name", "relation"]
    readonly_fields = fields


@admin.register(MerchantApplication)
class MerchantApplicationAdmin(admin.ModelAdmin):
    """The queue: oldest submitted first; decisions by action or by the change page's buttons."""

    change_form_template = "sellers/apply/admin_change_form.html"
    list_display = [
        "__str__",
        "legal_name",
        "applicant",
        "seller_kind",
        "merchant_type",
        "status",
        "submitted_at",
    ]
    list_filter = ["status", "seller_kind", "merchant_type"]
    list_select_related = ["applicant"]
    search_fields = [
        "shop_name",
        "legal_name",
        "registration_number",
        "applicant__email",
        "contact_email",
    ]
    date_hierarchy = "submitted_at"
    fieldsets = [
        (
            _("Application"),
            {"fields": ["applicant", "status", "submitted_at", "decided_at", "decision_reason"]},
        ),
        (_("Seller"), {"fields": ["seller_kind", "merchant_type", "shop_name"]}),
        (
            _("Legal details"),
            {"fields": ["legal_name", "registration_number", "registered_address", "country"]},
        ),
        (_("Contact"), {"fields": ["contact_name", "contact_email", "contact_phone"]}),
        (
            _("Payout details (not verified yet)"),
            {"fields": ["payout_account_name", "payout_bank_name", "payout_account_number"]},
        ),
        (_("History"), {"fields": ["status_history"]}),
    ]
    readonly_fields = [
        "applicant",
        "status",
        "submitted_at",
        "decided_at",
        "decision_reason",
        *sorted(APPLICANT_FIELDS),
        "status_history",
    ]
    inlines = [ApplicationBrandInline, DocumentInline]
    actions = ["approve_selected", "reject_selected", "ask_for_information"]

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        return [F("submitted_at").asc(nulls_last=True), "pk"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # applicants apply on the site

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_review_permission(self, request: HttpRequest) -> bool:
        return can_review_applications(by=request.user)

    @admin.display(description=_("status history"))
    def status_history(self, obj: MerchantApplication) -> str:
        entries = application_history(application=obj)
        if not entries:
            return "—"
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("when"),
            _("status"),
            _("reason"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"), e.label, e.reason)
                    for e in entries
                ),
            ),
        )

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: MerchantApplication | None = None,
    ) -> HttpResponse:
        reviewable = (
            obj is not None
            and obj.status in REVIEWABLE_STATUSES
            and self.has_review_permission(request)
        )
        context.update(
            {
                "show_save": False,
                "show_save_and_continue": False,
                "show_save_and_add_another": False,
                "show_delete": False,
                "decisions": [(key, label) for key, (label, _s) in DECISIONS.items()]
                if reviewable
                else [],
            }
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- Decisions ---

    @admin.action(description=_("Approve the selected applications"), permissions=["review"])
    def approve_selected(
        self, request: HttpRequest, queryset: QuerySet[MerchantApplication]
    ) -> None:
        approved = 0
        for application in queryset.filter(status__in=REVIEWABLE_STATUSES):
            try:
                approve_application(application=application, by=request.user)
            except SellerError as error:
                self.message_user(request, f"{application}: {error.message}", messages.ERROR)
            else:
                approved += 1
        self._report(request, approved)

    @admin.action(description=_("Reject the selected applications"), permissions=["review"])
    def reject_selected(
        self, request: HttpRequest, queryset: QuerySet[MerchantApplication]
    ) -> TemplateResponse | None:
        return self._with_reason(request, queryset, decision="reject", action="reject_selected")

    @admin.action(
        description=_("Ask the selected applicants for more information"), permissions=["review"]
    )
    def ask_for_information(
        self, request: HttpRequest, queryset: QuerySet[MerchantApplication]
    ) -> TemplateResponse | None:
        return self._with_reason(
            request, queryset, decision="needs_info", action="ask_for_information"
        )

    def _with_reason(
        self,
        request: HttpRequest,
        queryset: QuerySet[MerchantApplication],
        *,
        decision: str,
        action: str,
    ) -> TemplateResponse | None:
        """First a page asking for the reason; the decision once it comes back filled in."""
        waiting = list(queryset.filter(status__in=REVIEWABLE_STATUSES).select_related("applicant"))
        if not waiting:
            self.message_user(
                request, _("None of the selected applications is waiting."), messages.WARNING
            )
            return None
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            decided = 0
            for application in waiting:
                decided += self._decide(
                    request, application, decision=decision, reason=form.cleaned_data["reason"]
                )
            self._report(request, decided)
            return None
        return self._reason_page(request, waiting, decision=decision, form=form, action=action)

    def _decide(
        self, request: HttpRequest, application: MerchantApplication, *, decision: str, reason: str
    ) -> int:
        try:
            if decision == "approve":
                approve_application(application=application, by=request.user)
            else:
                DECISIONS[decision][1](application=application, by=request.user, reason=reason)
        except SellerError as error:
            self.message_user(request, f"{application}: {error.message}", messages.ERROR)
            return 0
        return 1

    def _report(self, request: HttpRequest, decided: int) -> None:
        self.message_user(
            request,
            ngettext("%(count)d application decided.", "%(count)d applications decided.", decided)
            % {"count": decided},
            messages.SUCCESS if decided else messages.WARNING,
        )

    def _reason_page(
        self,
        request: HttpRequest,
        applications: list[MerchantApplication],
        *,
        decision: str,
        form: ReasonForm | None,
        action: str = "",
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": DECISIONS[decision][0],
            "decision": decision,
            "applications": applications,
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "sellers/apply/admin_decide.html", context)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decision_view),
                name="sellers_merchantapplication_decide",
            ),
            *super().get_urls(),
        ]

    def decision_view(self, request: HttpRequest, pk: int, decision: str) -> HttpResponse:
        """The change page's buttons: confirm (and give a reason), then decide one application."""
        if decision not in DECISIONS or not self.has_review_permission(request):
            raise PermissionDenied
        application = get_object_or_404(MerchantApplication, pk=pk)
        change_url = reverse("admin:sellers_merchantapplication_change", args=[pk])
        needs_reason = decision != "approve"
        form = ReasonForm(request.POST or None) if needs_reason else None
        if request.method == "POST" and (form is None or form.is_valid()):
            reason = form.cleaned_data["reason"] if form is not None else ""
            if self._decide(request, application, decision=decision, reason=reason):
                self.message_user(request, _("Decision recorded."), messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        return self._reason_page(request, [application], decision=decision, form=form)


# --- Merchants and brands -------------------------------------------------------------------


class MemberInline(ReadOnlyInline):
    model = MerchantMember
    fields = ["user", "role", "joined_at"]
    readonly_fields = fields


class MerchantBrandInline(ReadOnlyInline):
    model = MerchantBrand
    fields = ["name", "relation", "valid_until", "revoked_at"]
    readonly_fields = fields


PAYOUT_FIELDS = ["payout_account_name", "payout_bank_name", "payout_account_number"]


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "shop", "seller_kind", "merchant_type", "country", "created_at"]
    list_filter = ["seller_kind", "merchant_type", "country"]
    list_select_related = ["shop"]
    search_fields = ["legal_name", "shop__name", "shop__slug", "members__user__email"]
    readonly_fields = ["application", "seller_kind", "merchant_type", "created_at"]
    inlines = [MemberInline, MerchantBrandInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """Payout details change only for staff who sign in with two-factor authentication."""
        fields = list(super().get_readonly_fields(request, obj))
        if not has_two_factor(request.user):
            fields += PAYOUT_FIELDS
        return fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # merchants come from approved applications

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MerchantBrand)
class MerchantBrandAdmin(admin.ModelAdmin):
    list_display = ["name", "merchant", "relation", "valid_until", "revoked_at", "may_be_listed"]
    list_filter = ["relation", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["merchant"]
    search_fields = ["name", "merchant__legal_name", "merchant__shop__name"]
    readonly_fields = ["merchant", "document"]
    ordering = ["name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("may be listed"), boolean=True)
    def may_be_listed(self, obj: MerchantBrand) -> bool:
        return is_brand_in_force(brand=obj, today=timezone.localdate())
