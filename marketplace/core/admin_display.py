"""Read-outs the apps' admin pages share."""

from django.db import models
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
