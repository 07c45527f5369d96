"""Staff admin for delivery operations: peak periods (checked by ``services.peak`` before they
are saved), late dispatches (read only: the beat job flags them) and the delivery performance
report (per carrier, per shop, per day) as the admin entry "Delivery performance".
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.admin_display import ReadOnlyAdmin

from ..errors import PeakPeriodError
from ..models import DeliveryPerformance, LateDispatch, PeakPeriod
from ..services.analytics import delivery_report
from ..services.peak import check_peak_period, current_peak, peaks_changed


class PeakPeriodForm(forms.ModelForm):
    class Meta:
        model = PeakPeriod
        fields = ["name", "starts_at", "ends_at", "extra_days", "poll_minutes"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        extra_days = cleaned.get("extra_days")
        if starts_at and ends_at and extra_days is not None:
            try:
                check_peak_period(
                    starts_at=starts_at,
                    ends_at=ends_at,
                    extra_days=extra_days,
                    exclude_pk=self.instance.pk,
                )
            except PeakPeriodError as error:
                raise forms.ValidationError(error.message, code=error.code) from error
        return cleaned


@admin.register(PeakPeriod)
class PeakPeriodAdmin(admin.ModelAdmin):
    form = PeakPeriodForm
    list_display = ["name", "starts_at", "ends_at", "extra_days", "poll_minutes", "is_on"]
    search_fields = ["name"]
    date_hierarchy = "starts_at"

    def save_model(self, request: HttpRequest, obj: PeakPeriod, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        peaks_changed()

    def delete_model(self, request: HttpRequest, obj: PeakPeriod) -> None:
        super().delete_model(request, obj)
        peaks_changed()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        super().delete_queryset(request, queryset)
        peaks_changed()

    @admin.display(description=_("on now"), boolean=True)
    def is_on(self, obj: PeakPeriod) -> bool:
        return obj.starts_at <= timezone.now() < obj.ends_at


@admin.register(LateDispatch)
class LateDispatchAdmin(ReadOnlyAdmin):
    list_display = ["order", "shop", "due_at", "flagged_at", "shipped_at", "violation"]
    list_filter = [("shipped_at", admin.EmptyFieldListFilter), "due_at"]
    list_select_related = ["order", "shop", "violation__rule"]
    search_fields = ["order__number", "shop__name"]
    date_hierarchy = "due_at"
    readonly_fields = ["order", "shop", "due_at", "flagged_at", "shipped_at", "violation"]


@admin.register(DeliveryPerformance)
class DeliveryPerformanceAdmin(ReadOnlyAdmin):
    """One page, no list: the report of the last 30 days over every carrier and shop."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return bool(
            user.is_active and user.is_staff and user.has_perm("logistics.view_deliveryperformance")
        )

    def get_urls(self) -> list[URLPattern]:
        # Only the report: no change, history or delete pages of single shipments here.
        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name="logistics_deliveryperformance_changelist",
            )
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        now = timezone.now()
        context = {
            **self.admin_site.each_context(request),
            **(extra_context or {}),
            "title": _("Delivery performance"),
            "opts": self.model._meta,
            "report": delivery_report(now=now),
            "peak": current_peak(now=now),
        }
        return TemplateResponse(request, "logistics/admin/delivery_performance.html", context)
