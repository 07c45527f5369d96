"""Staff pages of promotions, coupons, flash sales and delivery prices.

Staff create platform promotions and coupons here (``shop`` empty). Every form validates through
the same checks as the services (``check_promotion_terms``, ``check_tiers``,
``check_coupon_terms``, ``check_flash_sale_terms``, ``check_shipping_rates``), so the admin
cannot save what a merchant could not. Claims are read-only: shoppers make them. "End now" goes
through the same helper as the services' ``end_*``.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..errors import PromotionError
from ..models import (
    Coupon,
    CouponClaim,
    FlashSale,
    Promotion,
    PromotionKind,
    PromotionTier,
    ShippingRate,
)
from ..services.coupons import CouponTerms, check_coupon_terms, normalise_code
from ..services.flash_sales import check_flash_price, check_flash_sale_terms, check_no_overlap
from ..services.promotions import (
    ENDED,
    PromotionTerms,
    check_promotion_terms,
    check_shipping_rates,
    check_tiers,
    check_window,
    end_offer,
    status_of,
)


class _StaffForm(forms.ModelForm):
    """A model form that knows the staff member (set by ``get_form``) and turns the services'
    ``PromotionError`` into a form error."""

    staff: Any = None

    def check(self, run: Any) -> None:
        try:
            run()
        except PromotionError as error:
            raise ValidationError(error.message, code=error.code) from error


class _StaffFormMixin:
    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)  # type: ignore[misc]
        form.staff = request.user  # a class made for this request
        return form


def _end_now(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    ended = 0
    for offer in queryset:
        if status_of(offer) != ENDED:
            end_offer(type(offer), offer, already_ended=_("Already ended."))
            ended += 1
    modeladmin.message_user(
        request, _("%(count)d ended now.") % {"count": ended}, level=messages.SUCCESS
    )


_end_now.short_description = gettext_lazy("End now")  # type: ignore[attr-defined]


class _Status:
    @admin.display(description=gettext_lazy("status"))
    def status(self, obj: Any) -> str:
        return str(
            {"scheduled": _("Scheduled"), "running": _("Running")}.get(status_of(obj), _("Ended"))
        )


# --- Promotions -------------------------------------------------------------------------------


class PromotionAdminForm(_StaffForm):
    class Meta:
        model = Promotion
        fields = [
            "shop",
            "name",
            "kind",
            "is_active",
            "starts_at",
            "ends_at",
            "percent",
            "amount",
            "is_repeating",
            "threshold",
            "buy_quantity",
            "free_quantity",
            "member_level",
            "scope",
            "categories",
            "products",
            "funded_by",
            "platform_share_percent",
            "currency",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        terms = PromotionTerms(
            name=data.get("name", ""),
            kind=data.get("kind", ""),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            scope=data.get("scope", ""),
            categories=list(data.get("categories") or []),
            products=list(data.get("products") or []),
            percent=data.get("percent"),
            amount=data.get("amount"),
            tiers=None,  # the tier rows below are checked by their formset
            is_repeating=bool(data.get("is_repeating")),
            threshold=data.get("threshold"),
            buy_quantity=data.get("buy_quantity"),
            free_quantity=data.get("free_quantity"),
            member_level=data.get("member_level", ""),
            funded_by=data.get("funded_by", ""),
            platform_share_percent=data.get("platform_share_percent") or 0,
        )
        self.check(
            lambda: check_promotion_terms(
                shop=data.get("shop"),
                terms=terms,
                by=self.staff,
                is_new=self.instance._state.adding,
            )
        )
        return data


class TierFormSet(BaseInlineFormSet):
    """滿減 tiers: required for a spend-threshold promotion, checked like the dashboard's."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        tiers = sorted(
            (form.cleaned_data["threshold"], form.cleaned_data["discount"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )
        if self.instance.kind != PromotionKind.SPEND_THRESHOLD:
            if tiers:
                raise ValidationError(_("Only a spend-threshold promotion has tiers."))
            return
        try:
            check_tiers(tiers)
        except PromotionError as error:
            raise ValidationError(error.message, code=error.code) from error


class PromotionTierInline(admin.TabularInline):
    model = PromotionTier
    formset = TierFormSet
    extra = 2


@admin.register(Promotion)
class PromotionAdmin(_StaffFormMixin, _Status, admin.ModelAdmin):
    form = PromotionAdminForm
    inlines = [PromotionTierInline]
    list_display = ["name", "shop", "kind", "funded_by", "starts_at", "ends_at", "status"]
    list_filter = ["kind", "is_active", "funded_by", ("shop", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "shop__name"]
    list_select_related = ["shop"]
    autocomplete_fields = ["shop", "products"]
    filter_horizontal = ["categories"]
    readonly_fields = ["created_by", "created_at"]
    actions = [_end_now]
    fieldsets = [
        (None, {"fields": ["shop", "name", "kind", "is_active", "starts_at", "ends_at"]}),
        (
            gettext_lazy("What it gives"),
            {
                "fields": [
                    "percent",
                    "amount",
                    "is_repeating",
                    "threshold",
                    "buy_quantity",
                    "free_quantity",
                    "member_level",
                ]
            },
        ),
        (gettext_lazy("Applies to"), {"fields": ["scope", "categories", "products"]}),
        (
            gettext_lazy("Funding"),
            {"fields": ["funded_by", "platform_share_percent", "currency"]},
        ),
        (None, {"fields": ["created_by", "created_at"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Promotion, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


# --- Coupons ----------------------------------------------------------------------------------


class CouponAdminForm(_StaffForm):
    class Meta:
        model = Coupon
        fields = [
            "shop",
            "name",
            "code",
            "kind",
            "amount",
            "percent",
            "max_discount",
            "min_spend",
            "scope",
            "categories",
            "products",
            "is_public",
            "starts_at",
            "ends_at",
            "total_limit",
            "per_user_limit",
            "is_active",
            "funded_by",
            "platform_share_percent",
            "currency",
        ]

    def clean_code(self) -> str:
        return normalise_code(self.cleaned_data["code"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        terms = CouponTerms(
            name=data.get("name", ""),
            code=data.get("code", ""),
            kind=data.get("kind", ""),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            amount=data.get("amount"),
            percent=data.get("percent"),
            max_discount=data.get("max_discount"),
            min_spend=data.get("min_spend") or 0,
            scope=data.get("scope", ""),
            categories=list(data.get("categories") or []),
            products=list(data.get("products") or []),
            is_public=bool(data.get("is_public")),
            total_limit=data.get("total_limit"),
            per_user_limit=data.get("per_user_limit") or 0,
            funded_by=data.get("funded_by", ""),
            platform_share_percent=data.get("platform_share_percent") or 0,
        )
        coupon = None if self.instance._state.adding else self.instance
        self.check(
            lambda: check_coupon_terms(
                shop=data.get("shop"), terms=terms, by=self.staff, coupon=coupon
            )
        )
        return data


@admin.register(Coupon)
class CouponAdmin(_StaffFormMixin, _Status, admin.ModelAdmin):
    form = CouponAdminForm
    list_display = [
        "name",
        "code",
        "shop",
        "kind",
        "is_public",
        "claimed_count",
        "used_count",
        "ends_at",
        "status",
    ]
    list_filter = ["kind", "is_public", "is_active", ("shop", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code", "shop__name"]
    list_select_related = ["shop"]
    autocomplete_fields = ["shop", "products"]
    filter_horizontal = ["categories"]
    readonly_fields = ["claimed_count", "used_count", "created_by", "created_at"]
    actions = [_end_now]

    def save_model(self, request: HttpRequest, obj: Coupon, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(CouponClaim)
class CouponClaimAdmin(admin.ModelAdmin):
    list_display = ["coupon", "user", "claimed_at"]
    list_filter = [("coupon__shop", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["coupon__code", "user__email"]
    list_select_related = ["coupon", "user"]
    readonly_fields = ["coupon", "user", "claimed_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Flash sales and delivery prices ----------------------------------------------------------


class FlashSaleAdminForm(_StaffForm):
    class Meta:
        model = FlashSale
        fields = ["variant", "name", "price", "quantity", "per_user_limit", "starts_at"]
        fields += ["ends_at", "is_active", "currency"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        variant = data.get("variant") or self.instance.variant
        if self.instance._state.adding:
            self.check(
                lambda: check_flash_sale_terms(
                    variant=variant,
                    price=data["price"],
                    quantity=data["quantity"],
                    per_user_limit=data["per_user_limit"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    is_new=True,
                )
            )
        else:
            self.check(lambda: check_flash_price(variant=variant, price=data["price"]))
            self.check(
                lambda: check_window(
                    starts_at=data["starts_at"], ends_at=data["ends_at"], is_new=False
                )
            )
        self.check(
            lambda: check_no_overlap(
                variant=variant,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                exclude_pk=self.instance.pk,
            )
        )
        return data


@admin.register(FlashSale)
class FlashSaleAdmin(_StaffFormMixin, _Status, admin.ModelAdmin):
    form = FlashSaleAdminForm
    list_display = ["__str__", "shop", "variant", "price", "quantity_left", "quantity"]
    list_display += ["starts_at", "ends_at", "status"]
    list_filter = ["is_active", ("shop", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "variant__sku", "variant__product__title", "shop__name"]
    list_select_related = ["shop", "variant"]
    raw_id_fields = ["variant"]
    readonly_fields = ["shop", "quantity_left", "created_at"]
    actions = [_end_now]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Units already sold are counted against ``quantity``: it is set once, when created.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "variant", "quantity"] if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: FlashSale, form: Any, change: bool) -> None:
        if not change:
            obj.shop = obj.variant.product.shop
            obj.quantity_left = obj.quantity
        super().save_model(request, obj, form, change)


class ShippingRateAdminForm(_StaffForm):
    class Meta:
        model = ShippingRate
        fields = ["shop", "flat_rate", "express_rate", "currency"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            self.check(
                lambda: check_shipping_rates(
                    flat_rate=data.get("flat_rate"), express_rate=data.get("express_rate")
                )
            )
        return data


@admin.register(ShippingRate)
class ShippingRateAdmin(admin.ModelAdmin):
    form = ShippingRateAdminForm
    list_display = ["shop", "flat_rate", "express_rate", "currency"]
    search_fields = ["shop__name"]
    list_select_related = ["shop"]
    autocomplete_fields = ["shop"]
