"""Staff admin for the sellers' CSV imports and exports: read-only, for support (what ran, how far
it got, which rows failed). Jobs are started and run only by the seller pages and the worker."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..models import ProductJob


@admin.register(ProductJob)
class ProductJobAdmin(admin.ModelAdmin):
    list_display = [
        "__str__", "shop", "status", "processed_rows", "total_rows", "error_count", "created_at",
        "finished_at",
    ]  # fmt: skip
    list_filter = ["kind", "status"]
    search_fields = ["shop__name", "shop__slug", "created_by__email"]
    list_select_related = ["shop"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "shop", "kind", "status", "source", "result", "total_rows", "processed_rows",
        "created_products", "updated_products", "errors", "created_by", "created_at", "finished_at",
    ]  # fmt: skip
    fields = readonly_fields

    @admin.display(description=_("problems"))
    def error_count(self, obj: ProductJob) -> int:
        return len(obj.errors or [])

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
