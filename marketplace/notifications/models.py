"""Outbox rows (work to hand to Celery) and notifications (a user's inbox)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A task to run, written in the transaction that decided it and sent to the broker on commit.

    ``published_at`` says the broker has it; ``processed_at`` that a worker ran it. A worker claims
    a row with a short lease (``claimed_until``) before running it, so a row swept and sent twice
    still runs once.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_name = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict)
    queue = models.CharField(_("queue"), max_length=50, default="default")
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    published_at = models.DateTimeField(_("last sent to the broker"), null=True, blank=True)
    publish_count = models.PositiveIntegerField(_("times sent"), default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(processed_at__isnull=True),
                name="notif_outbox_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} ({self.pk})"


class Notification(models.Model):
    """One message to one user: shown in the inbox, and e-mailed when ``send_email`` is set.

    The text is rendered from ``notifications/<kind>/subject.txt`` and ``body.txt`` with
    ``context``, in the reader's language at the time it is read (and the user's language for
    e-mail), so the same row reads right in English and Chinese.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=80)
    context = models.JSONField(_("context"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    send_email = models.BooleanField(_("send e-mail"), default=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["user", "created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notif_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class InboundEvent(models.Model):
    """What a sender told us, as it said it, and how far applying it got."""

    payload = models.JSONField()
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-received_at", "-pk"]
