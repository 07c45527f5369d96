"""Staff views of the outbox (what is pending, what failed, send it again) and of notifications."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import outbox
from .models import Notification, OutboxMessage


class OutboxStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [
            ("pending", _("Pending")),
            ("failing", _("Failed at least once")),
            ("processed", _("Processed")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "pending":
            return queryset.filter(processed_at__isnull=True)
        if self.value() == "failing":
            return queryset.filter(processed_at__isnull=True, attempts__gt=0)
        if self.value() == "processed":
            return queryset.filter(processed_at__isnull=False)
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "task_name",
        "queue",
        "created_at",
        "published_at",
        "publish_count",
        "processed_at",
        "attempts",
    ]
    list_filter = [OutboxStatusFilter, "queue", "task_name"]
    search_fields = ["task_name", "=id"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [
        "id",
        "task_name",
        "kwargs",
        "queue",
        "created_at",
        "published_at",
        "publish_count",
        "claimed_until",
        "processed_at",
        "attempts",
        "last_error",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Send again to the broker"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        """A processed row is not run again: the worker's claim skips it."""
        sent = failed = 0
        for message_id in queryset.values_list("pk", flat=True):
            if outbox.publish(message_id):
                sent += 1
            else:
                failed += 1
        if sent:
            self.message_user(
                request,
                ngettext("%(count)d message sent again.", "%(count)d messages sent again.", sent)
                % {"count": sent},
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message could not reach the broker; the sweeper will retry it.",
                    "%(count)d messages could not reach the broker; the sweeper will retry them.",
                    failed,
                )
                % {"count": failed},
                messages.WARNING,
            )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "user", "created_at", "read_at", "send_email", "emailed_at"]
    list_filter = ["kind", "send_email", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "kind"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "read_at", "emailed_at"]
