"""Staff admin for platform supervision: the rule catalogue, the points thresholds, violations
recorded through ``record_violation``, penalties lifted through ``lift_penalty`` and the appeal
queue decided through ``decide_appeal``.

Violations, penalties and appeals are never saved here directly: their add forms and actions
call the services, so the points, penalties, shop status and events are the same as anywhere.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.core.errors import DomainError

from ..models import Appeal, AppealStatus, Penalty, PenaltyThreshold, Rule, Violation
from ..services.rules import (
    can_decide_appeal,
    can_lift_penalty,
    check_violation_input,
    checked_file,
    decide_appeal,
    lift_penalty,
    record_violation,
)


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "severity", "points", "is_active"]
    list_filter = ["severity", "is_active"]
    search_fields = ["code", "title"]
    ordering = ["code"]


@admin.register(PenaltyThreshold)
class PenaltyThresholdAdmin(admin.ModelAdmin):
    list_display = ["points", "penalty", "duration_days"]
    list_editable = ["penalty", "duration_days"]
    ordering = ["points"]


# --- Violations -----------------------------------------------------------------------------


class ViolationAddForm(forms.ModelForm):
    delisted_products = forms.CharField(
        label=_("Products to delist"),
        required=False,
        help_text=_("Product numbers separated by commas (for the “Delist products” penalty)."),
    )

    class Meta:
        model = Violation
        fields = [
            "shop",
            "rule",
            "description",
            "evidence",
            "evidence_file",
            "penalty",
            "penalty_days",
            "delisted_products",
        ]

    def clean_delisted_products(self) -> list[int]:
        raw = self.cleaned_data["delisted_products"]
        parts = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError(_("Use product numbers separated by commas."))
        return [int(part) for part in parts]

    def clean_evidence_file(self) -> Any:
        file = self.cleaned_data.get("evidence_file")
        if file:
            try:
                checked_file(file)
            except DomainError as error:
                raise forms.ValidationError(error.message) from error
        return file

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rule") and data.get("penalty"):
            try:
                check_violation_input(
                    rule=data["rule"],
                    penalty=data["penalty"],
                    penalty_days=data.get("penalty_days"),
                    delisted_products=data.get("delisted_products") or [],
                )
            except DomainError as error:
                raise forms.ValidationError(error.message) from error
        return data


class PenaltyInline(admin.TabularInline):
    model = Penalty
    fields = ["kind", "threshold", "starts_at", "ends_at", "lifted_at", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AppealInline(admin.StackedInline):
    model = Appeal
    fk_name = "violation"
    fields = ["status", "explanation", "submitted_by", "created_at", "decided_by", "decided_at"]
    readonly_fields = [*fields, "decision_note"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Violation)
class ViolationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "shop", "rule", "points", "penalty", "status", "recorded_by"]
    list_filter = ["status", "penalty", "rule__severity", "rule"]
    search_fields = ["shop__name", "shop__slug", "rule__code", "rule__title", "description"]
    list_select_related = ["shop", "rule", "recorded_by"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["shop", "rule"]
    readonly_fields = [
        "shop",
        "rule",
        "status",
        "points",
        "description",
        "evidence",
        "evidence_download",
        "penalty",
        "penalty_days",
        "delisted_products",
        "recorded_by",
        "created_at",
    ]
    inlines = [PenaltyInline, AppealInline]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        if obj is None:
            kwargs["form"] = ViolationAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return list(ViolationAddForm.Meta.fields)
        return self.readonly_fields

    def get_inlines(self, request: HttpRequest, obj: Any) -> list:
        return self.inlines if obj is not None else []

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a recorded violation changes only through its appeal

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if object_id is None and request.method == "POST":
            # record_violation opens its own durable transaction; the admin's would enclose it.
            return self._changeform_view(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Violation, form: Any, change: bool) -> None:
        if change:
            return
        data = form.cleaned_data
        violation = record_violation(
            shop=data["shop"],
            rule=data["rule"],
            description=data["description"],
            evidence=data.get("evidence", ""),
            evidence_file=data.get("evidence_file") or None,
            penalty=data["penalty"],
            penalty_days=data.get("penalty_days"),
            delisted_products=data.get("delisted_products") or [],
            by=request.user,  # type: ignore[arg-type]
        )
        for field in ("pk", "points", "status", "created_at", "recorded_by_id"):
            setattr(obj, field, getattr(violation, field))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        return None  # nothing related is edited here

    @admin.display(description=_("evidence file"))
    def evidence_download(self, obj: Violation) -> str:
        if not obj.evidence_file:
            return "—"
        url = reverse("admin:sellers_violation_evidence", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/evidence/",
                self.admin_site.admin_view(self.evidence_view),
                name="sellers_violation_evidence",
            ),
            *super().get_urls(),
        ]

    def evidence_view(self, request: HttpRequest, pk: int) -> FileResponse:
        violation = Violation.objects.filter(pk=pk).first()
        if not self.has_view_permission(request, violation):
            raise PermissionDenied
        return _private_file(violation.evidence_file if violation else None)


# --- Penalties ------------------------------------------------------------------------------


@admin.register(Penalty)
class PenaltyAdmin(admin.ModelAdmin):
    list_display = ["shop", "kind", "violation", "threshold", "starts_at", "ends_at", "lifted_at"]
    list_filter = ["kind", ("lifted_at", admin.EmptyFieldListFilter)]
    search_fields = ["shop__name", "shop__slug", "violation__rule__code"]
    list_select_related = ["shop", "violation__rule", "violation__shop", "threshold"]
    date_hierarchy = "starts_at"
    actions = ["lift_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_lift_permission(self, request: HttpRequest) -> bool:
        return can_lift_penalty(by=request.user)  # type: ignore[arg-type]

    @admin.action(description=_("Lift the selected penalties"), permissions=["lift"])
    def lift_selected(self, request: HttpRequest, queryset: QuerySet[Penalty]) -> None:
        lifted = 0
        for penalty in queryset.filter(lifted_at__isnull=True):
            try:
                lift_penalty(penalty=penalty, by=request.user)  # type: ignore[arg-type]
            except DomainError as error:
                self.message_user(request, f"{penalty}: {error.message}", messages.ERROR)
            else:
                lifted += 1
        self.message_user(
            request,
            ngettext("%(count)d penalty lifted.", "%(count)d penalties lifted.", lifted)
            % {"count": lifted},
            messages.SUCCESS if lifted else messages.WARNING,
        )


# --- Appeals --------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Reason given to the merchant"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
    )


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """The queue: pending appeals first, oldest first."""

    list_display = ["violation", "shop", "status", "created_at", "decided_at", "decided_by"]
    list_filter = ["status"]
    search_fields = ["violation__shop__name", "violation__rule__code", "explanation"]
    list_select_related = ["violation__shop", "violation__rule", "decided_by"]
    readonly_fields = [
        "violation",
        "status",
        "explanation",
        "file_download",
        "submitted_by",
        "created_at",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    fields = readonly_fields
    actions = ["accept_appeals", "reject_appeals"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appeal]:
        pending_first = Case(
            When(status=AppealStatus.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return (
            super()
            .get_queryset(request)
            .annotate(queue=pending_first)
            .order_by("queue", "created_at")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return can_decide_appeal(by=request.user)  # type: ignore[arg-type]

    @admin.display(description=_("shop"), ordering="violation__shop__name")
    def shop(self, obj: Appeal) -> str:
        return str(obj.violation.shop)

    @admin.display(description=_("supporting file"))
    def file_download(self, obj: Appeal) -> str:
        if not obj.file:
            return "—"
        url = reverse("admin:sellers_appeal_file", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    @admin.action(
        description=_("Accept: revoke the violation and lift its penalties"), permissions=["decide"]
    )
    def accept_appeals(
        self, request: HttpRequest, queryset: QuerySet[Appeal]
    ) -> TemplateResponse | None:
        return self._decide(request, queryset, accept=True, action="accept_appeals")

    @admin.action(description=_("Reject: uphold the violation"), permissions=["decide"])
    def reject_appeals(
        self, request: HttpRequest, queryset: QuerySet[Appeal]
    ) -> TemplateResponse | None:
        return self._decide(request, queryset, accept=False, action="reject_appeals")

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[Appeal], *, accept: bool, action: str
    ) -> TemplateResponse | None:
        """First shows a page asking for the note; decides once it comes back filled in."""
        pending = queryset.filter(status=AppealStatus.PENDING).select_related(
            "violation__shop", "violation__rule"
        )
        form = DecisionForm(request.POST if "decide" in request.POST else None)
        if form.is_valid():
            decided = 0
            for appeal in pending:
                try:
                    decide_appeal(
                        appeal=appeal,
                        by=request.user,  # type: ignore[arg-type]
                        accept=accept,
                        note=form.cleaned_data["note"],
                    )
                except DomainError as error:
                    self.message_user(request, f"{appeal}: {error.message}", messages.ERROR)
                else:
                    decided += 1
            self.message_user(
                request,
                ngettext("%(count)d appeal decided.", "%(count)d appeals decided.", decided)
                % {"count": decided},
                messages.SUCCESS if decided else messages.WARNING,
            )
            return None
        if not pending:
            self.message_user(
                request, _("None of the selected appeals is waiting."), messages.WARNING
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Accept appeals") if accept else _("Reject appeals"),
            "accept": accept,
            "appeals": pending,
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "sellers/rules/admin_decide_appeal.html", context)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/file/",
                self.admin_site.admin_view(self.file_view),
                name="sellers_appeal_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request: HttpRequest, pk: int) -> FileResponse:
        appeal = Appeal.objects.filter(pk=pk).first()
        if not self.has_view_permission(request, appeal):
            raise PermissionDenied
        return _private_file(appeal.file if appeal else None)


def _private_file(file: FieldFile | None) -> FileResponse:
    if not file:
        raise Http404
    return FileResponse(file.open("rb"), as_attachment=True, filename=file.name.rsplit("/", 1)[-1])
