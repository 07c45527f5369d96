"""Staff pages of delivery pricing: shops' shipping templates with their regions (read-only:
merchants own them), the duty-rate table checkout's DDP estimate reads, and shops' delivery
settings. The forms check what the services check; saving goes through ``set_duty_rate`` and
``update_delivery_settings``."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.countries import country_choices
from marketplace.core.admin_display import ReadOnlyAdmin

from ..models import DutyRate, ShippingRegion, ShippingTemplate, ShopLogistics
from ..services.duties import set_duty_rate
from ..services.templates import MAX_HANDLING_HOURS, update_delivery_settings


class RegionInline(admin.TabularInline):
    model = ShippingRegion
    extra = 0
    can_delete = False
    fields = [
        "level",
        "countries",
        "provinces",
        "is_served",
        "first_units",
        "first_price",
        "additional_units",
        "additional_price",
        "free_over_amount",
        "free_over_grams",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ShippingTemplate)
class ShippingTemplateAdmin(ReadOnlyAdmin):
    list_display = ["name", "shop", "basis", "is_default", "currency", "updated_at"]
    list_filter = ["basis", "is_default"]
    list_select_related = ["shop"]
    search_fields = ["name", "shop__name"]
    inlines = [RegionInline]
    readonly_fields = ["shop", "name", "basis", "is_default", "currency", "created_at"]


class DutyRateForm(forms.ModelForm):
    country = forms.ChoiceField(label=_("country"), choices=country_choices)
    de_minimis = forms.DecimalField(
        label=_("duty-free up to"), max_digits=14, decimal_places=2, min_value=0
    )

    class Meta:
        model = DutyRate
        fields = ["country", "duty_percent", "tax_percent", "de_minimis"]


@admin.register(DutyRate)
class DutyRateAdmin(admin.ModelAdmin):
    form = DutyRateForm
    list_display = ["country", "duty_percent", "tax_percent", "de_minimis"]
    search_fields = ["country"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["country"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: DutyRate, form: Any, change: bool) -> None:
        row = set_duty_rate(
            country=obj.country,
            duty_percent=obj.duty_percent,
            tax_percent=obj.tax_percent,
            de_minimis=obj.de_minimis,
            by=request.user,
        )
        obj.pk = row.pk


class ShopLogisticsForm(forms.ModelForm):
    ships_from_country = forms.ChoiceField(label=_("ships from (country)"), choices=country_choices)
    handling_hours = forms.IntegerField(
        label=_("ships within (hours)"), min_value=1, max_value=MAX_HANDLING_HOURS
    )

    class Meta:
        model = ShopLogistics
        fields = [
            "shop",
            "ships_from_country",
            "ships_from_region",
            "handling_hours",
            "offers_eco_packaging",
        ]


@admin.register(ShopLogistics)
class ShopLogisticsAdmin(admin.ModelAdmin):
    form = ShopLogisticsForm
    list_display = [
        "shop",
        "ships_from_country",
        "ships_from_region",
        "handling_hours",
        "offers_eco_packaging",
    ]
    list_filter = ["ships_from_country", "offers_eco_packaging"]
    list_select_related = ["shop"]
    search_fields = ["shop__name"]
    raw_id_fields = ["shop"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["shop"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: ShopLogistics, form: Any, change: bool) -> None:
        row = update_delivery_settings(
            shop=obj.shop,
            by=request.user,
            ships_from_country=obj.ships_from_country,
            ships_from_region=obj.ships_from_region,
            handling_hours=obj.handling_hours,
            offers_eco_packaging=obj.offers_eco_packaging,
        )
        obj.pk = row.pk
