"""Read-outs and read-only bases the apps' admin pages share."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from .states import history_of


def status_history_html(obj: models.Model, *, limit: int = 20) -> str:
    """The object's last status changes, newest first: when, from -> to, who, why."""
    changes = list(history_of(obj).order_by("-at", "-pk")[:limit]) if obj.pk else []
    if not changes:
        return "—"
    rows = (
        (
            timezone.localtime(change.at).strftime("%Y-%m-%d %H:%M"),
            change.from_status,
            change.to_status,
            change.by or _("system"),
            change.reason,
        )
        for change in changes
    )
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {} → {} ({}) {}</li>", rows))


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under their parent in admin, never added, changed or deleted there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records only services write (orders, payments, the ledger, shipments): staff read them
    and act through admin actions that call those services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
