"""Staff admin for product discovery, read-only: the recorded product views and the
"customers also viewed" and "also bought" rows the nightly job computes (``analytics.tasks``).
Nobody edits them by hand: views are facts and associations are rebuilt from views and orders."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import ProductAssociation, ProductView


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SignedInFilter(admin.SimpleListFilter):
    title = _("shopper")
    parameter_name = "signed_in"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Signed in")), ("no", _("Anonymous"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() in ("yes", "no"):
            return queryset.filter(user__isnull=self.value() == "no")
        return queryset


@admin.register(ProductView)
class ProductViewAdmin(ReadOnlyAdmin):
    list_display = ["product", "user", "session_key", "viewed_at"]
    list_filter = [SignedInFilter, "viewed_at", "product__category"]
    search_fields = ["product__title", "product__slug", "user__email", "session_key"]
    list_select_related = ["product", "user"]
    date_hierarchy = "viewed_at"
    show_full_result_count = False


@admin.register(ProductAssociation)
class ProductAssociationAdmin(ReadOnlyAdmin):
    list_display = ["product", "kind", "other", "score", "computed_at"]
    list_filter = ["kind", "computed_at"]
    search_fields = ["product__title", "product__slug", "other__title"]
    list_select_related = ["product", "other"]
    ordering = ["product", "kind", "-score", "other"]
    show_full_result_count = False
