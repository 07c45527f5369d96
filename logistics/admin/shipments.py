"""Staff pages of carriers (editable, with their service levels), shipments (read-only: the
carriers and the sellers make them, with every tracking event and the customs declaration) and
carriers' webhook events (read-only, with "process again" and "poll now" actions that call the
same services the workers run)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from marketplace.core.admin_display import ReadOnlyAdmin, ReadOnlyInline, status_history_html
from marketplace.core.errors import DomainError

from .. import adapters
from ..models import (
    Carrier,
    CarrierEvent,
    CarrierService,
    CustomsDeclaration,
    CustomsItem,
    Shipment,
    ShipmentItem,
    ShipmentPackage,
    TrackingEvent,
)
from ..services import tracking, webhooks

# --- Carriers ----------------------------------------------------------------------------------


class CarrierForm(forms.ModelForm):
    adapter = forms.ChoiceField(label=_("adapter"), choices=adapters.CHOICES)

    class Meta:
        model = Carrier
        fields = ["name", "code", "adapter", "tracking_url_template", "countries", "is_active"]


class CarrierServiceInline(admin.TabularInline):
    model = CarrierService
    extra = 0
    fields = ["level", "name", "days_min", "days_max", "is_active"]


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    form = CarrierForm
    list_display = ["name", "code", "adapter", "is_active"]
    list_filter = ["adapter", "is_active"]
    search_fields = ["name", "code"]
    inlines = [CarrierServiceInline]


# --- Shipments ---------------------------------------------------------------------------------


class PackageInline(ReadOnlyInline):
    model = ShipmentPackage
    fields = ["weight_grams", "length_cm", "width_cm", "height_cm"]
    readonly_fields = fields


class ItemInline(ReadOnlyInline):
    model = ShipmentItem
    fields = ["line", "quantity"]
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = TrackingEvent
    fields = ["occurred_at", "status", "location", "description", "external_id", "received_at"]
    readonly_fields = fields
    ordering = ["-occurred_at", "-pk"]


class CustomsInline(admin.StackedInline):
    model = CustomsDeclaration
    extra = 0
    can_delete = False
    fields = ["incoterm", "currency", "total_value", "estimated_duties", "items_table"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("declared items"))
    def items_table(self, obj: CustomsDeclaration) -> str:
        rows = CustomsItem.objects.filter(declaration=obj).values_list(
            "quantity", "description", "hs_code", "origin_country", "unit_value", "weight_grams"
        )
        return format_html_join(mark_safe("<br>"), "{} x {} · HS {} · {} · {} · {} g", rows) or "—"


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = [
        "tracking_number",
        "order",
        "shop",
        "carrier",
        "service",
        "status",
        "destination_country",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "carrier", "service", "eco_packaging"]
    search_fields = ["=tracking_number", "order__number", "shop__name"]
    list_select_related = ["order", "shop", "carrier"]
    date_hierarchy = "created_at"
    readonly_fields = ["history"]
    inlines = [PackageInline, ItemInline, CustomsInline, EventInline]
    actions = ["poll_now"]

    @admin.display(description=_("status history"))
    def history(self, obj: Shipment) -> str:
        return status_history_html(obj)

    def has_logistics_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.has_perm("logistics.view_shipment"))

    @admin.action(description=_("Ask the carrier now"), permissions=["logistics"])
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Shipment]) -> None:
        now = timezone.now()
        polled = 0
        for shipment in queryset.exclude(tracking_number="").select_related("carrier", "order"):
            polled += tracking.poll_shipment(shipment=shipment, now=now)
        self.message_user(
            request, _("%(count)d shipments updated.") % {"count": polled}, messages.SUCCESS
        )


@admin.register(CarrierEvent)
class CarrierEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "carrier", "received_at", "processed_at", "attempts"]
    list_filter = ["carrier", ("processed_at", admin.EmptyFieldListFilter)]
    search_fields = ["=event_id"]
    actions = ["process_again"]

    def has_logistics_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.has_perm("logistics.view_shipment"))

    @admin.action(description=_("Process again"), permissions=["logistics"])
    def process_again(self, request: HttpRequest, queryset: QuerySet[CarrierEvent]) -> None:
        done = 0
        for event in queryset.filter(processed_at__isnull=True):
            try:
                done += webhooks.process_carrier_event(event_id=event.pk)
            except DomainError as error:
                self.message_user(request, f"{event}: {error.message}", messages.ERROR)
        self.message_user(
            request, _("%(count)d events applied.") % {"count": done}, messages.SUCCESS
        )
