"""Staff admin for search: synonym groups (editable) and the search log (read-only), where
queries that found nothing are one click away and summarised above the list."""

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import SearchLog, SynonymGroup

ZERO_RESULT_WINDOW = timedelta(days=30)
ZERO_RESULT_TOP = 20


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    list_display = ["__str__", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["is_active"]
    search_fields = ["terms"]


class ResultsFilter(admin.SimpleListFilter):
    title = _("results")
    parameter_name = "found"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("Nothing found")), ("yes", _("Something found"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[SearchLog]) -> QuerySet[SearchLog]:
        if self.value() == "no":
            return queryset.filter(results=0)
        if self.value() == "yes":
            return queryset.filter(results__gt=0)
        return queryset


@admin.register(SearchLog)
class SearchLogAdmin(admin.ModelAdmin):
    list_display = ["query", "normalized", "results_shown", "user", "session_key", "at"]
    list_filter = [ResultsFilter, "at"]
    search_fields = ["query", "normalized"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    change_list_template = "admin/catalog/searchlog/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("results"), ordering="results")
    def results_shown(self, obj: SearchLog) -> str:
        if obj.results == 0:
            return format_html('<strong style="color:#b42318">{}</strong>', _("none"))
        return str(obj.results)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        since = timezone.now() - ZERO_RESULT_WINDOW
        missing = (
            SearchLog.objects.filter(results=0, at__gte=since)
            .values("normalized")
            .annotate(times=Count("id"), last=Max("at"), example=Max("query"))
            .order_by("-times", "-last")[:ZERO_RESULT_TOP]
        )
        extra_context = {**(extra_context or {}), "zero_result_queries": missing}
        return super().changelist_view(request, extra_context=extra_context)
