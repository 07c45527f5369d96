"""Staff admin for shoppers' carts: read-only, for support (what a shopper has in the cart and
saved for later). Carts change only through the shopper's own pages."""

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..models import Cart, CartLine


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CartLineInline(ReadOnly, admin.TabularInline):
    model = CartLine
    fields = ["variant", "quantity", "is_saved_for_later", "added_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[CartLine]:
        return super().get_queryset(request).select_related("variant__product")


@admin.register(Cart)
class CartAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "user", "line_count", "created_at", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    date_hierarchy = "updated_at"
    readonly_fields = ["user", "token", "created_at", "updated_at"]
    fields = readonly_fields
    inlines = [CartLineInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cart]:
        return super().get_queryset(request).annotate(line_count=Count("lines"))

    @admin.display(description=_("lines"), ordering="line_count")
    def line_count(self, obj: Cart) -> int:
        return obj.line_count  # type: ignore[attr-defined]
