"""Staff pages of placed orders: order groups and orders, read-only (lines and discounts are
snapshots), with the status history, and "Cancel (staff)" - an action on the list and a button
on an order's page - which asks for a reason and goes through ``cancel_order`` like every other
cancellation (stock, flash-sale units and coupons back once; buyer and shop told).
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.core.admin_display import ReadOnlyAdmin, ReadOnlyInline, status_history_html

from ..errors import OrderError
from ..models import CouponUse, Order, OrderDiscount, OrderGroup, OrderLine
from ..services.lifecycle import REASON_MAX, cancel_order
from ..states import STAFF_CANCELLABLE


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["title", "sku", "options", "unit_price", "quantity", "discount", "total"]
    readonly_fields = fields


class OrderDiscountInline(ReadOnlyInline):
    model = OrderDiscount
    fields = ["label", "source", "amount", "funded_by", "shop_funded", "platform_funded"]
    readonly_fields = fields


class OrderInline(ReadOnlyInline):
    model = Order
    fields = ["number", "shop", "status", "total"]
    readonly_fields = fields
    show_change_link = True


class CouponUseInline(ReadOnlyInline):
    model = CouponUse
    fields = ["coupon", "amount", "created_at", "released_at"]
    readonly_fields = fields


def status_history(obj: Any) -> str:
    return status_history_html(obj, limit=30)


@admin.register(OrderGroup)
class OrderGroupAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "buyer",
        "status",
        "total",
        "currency",
        "payment_deadline",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["=number", "buyer__email"]
    list_select_related = ["buyer"]
    date_hierarchy = "created_at"
    readonly_fields = ["history"]
    inlines = [OrderInline, CouponUseInline]

    @admin.display(description=_("status history"))
    def history(self, obj: OrderGroup) -> str:
        return status_history(obj)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason given to the buyer and the shop"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "shop", "buyer", "status", "total", "currency", "created_at"]
    list_filter = [
        "status",
        ("shop", admin.RelatedOnlyFieldListFilter),
        "has_flash_sale",
        "has_open_after_sales",
    ]
    search_fields = ["=number", "=group__number", "buyer__email"]
    list_select_related = ["shop", "buyer"]
    date_hierarchy = "created_at"
    readonly_fields = ["history"]
    inlines = [OrderLineInline, OrderDiscountInline]
    actions = ["cancel_selected"]
    change_form_template = "orders/admin/order_change_form.html"

    @admin.display(description=_("status history"))
    def history(self, obj: Order) -> str:
        return status_history(obj)

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.has_perm("orders.change_order"))

    def get_urls(self) -> list:
        cancel = self.admin_site.admin_view(self.cancel_view)
        return [
            path("<path:object_id>/cancel/", cancel, name="orders_order_cancel"),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        order = self.get_object(request, object_id)
        extra = {
            **(extra_context or {}),
            "can_staff_cancel": order is not None
            and order.status in STAFF_CANCELLABLE
            and self.has_cancel_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra)

    @admin.action(description=_("Cancel (staff)"), permissions=["cancel"])
    def cancel_selected(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> TemplateResponse | None:
        form = CancelForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            self._cancel(request, list(queryset.order_by("pk")), form.cleaned_data["reason"])
            return None
        return self._ask(request, orders=queryset.select_related("shop"), form=form, action=True)

    def cancel_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The change page's "Cancel (staff)" button: asks for the reason, then cancels."""
        if not self.has_cancel_permission(request):
            raise PermissionDenied
        order = self.get_object(request, object_id)  # None for a bad or unknown id
        if order is None:
            raise Http404
        form = CancelForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            self._cancel(request, [order], form.cleaned_data["reason"])
            return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))
        return self._ask(request, orders=[order], form=form, action=False)

    def _ask(self, request: HttpRequest, *, orders: Any, form: CancelForm, action: bool) -> Any:
        context = {
            **self.admin_site.each_context(request),
            "title": _("Cancel orders (staff)"),
            "orders": orders,
            "form": form,
            "is_action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "orders/admin/cancel.html", context)

    def _cancel(self, request: HttpRequest, orders: list[Order], reason: str) -> None:
        done = 0
        for order in orders:
            try:
                cancel_order(order=order, by=request.user, reason=reason, initiator="staff")
            except OrderError as error:
                self.message_user(request, f"{order}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d order cancelled.", "%(count)d orders cancelled.", done)
                % {"count": done},
                messages.SUCCESS,
            )
