"""Every write to the inbox: sending a notification, e-mailing it once, marking it read.

``notify()`` is the one function other apps call to tell a user something. E-mail is never sent
inside a request or a transaction: it goes through the outbox to a worker.
"""

import logging
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import User

from . import outbox
from .errors import NotificationError
from .models import Notification
from .rendering import kind_exists, render_notification, render_notification_html

logger = logging.getLogger(__name__)

SEND_EMAIL_TASK = "marketplace.notifications.tasks.send_notification_email"
EMAIL_QUEUE = "notifications"


def notify(
    *,
    user: User,
    kind: str,
    context: dict[str, Any] | None = None,
    url: str = "",
    send_email: bool = True,
) -> Notification:
    """The user finds the message in their inbox, and in their mailbox once the transaction commits.

    ``kind`` names the templates in ``notifications/<kind>/``; ``context`` must hold JSON values,
    because the text is rendered later, in the reader's language.
    """
    if not kind_exists(kind):
        raise ValueError(f"No templates for notification kind {kind!r}.")
    with transaction.atomic(savepoint=False):
        notification = Notification.objects.create(
            user=user, kind=kind, context=context or {}, url=url, send_email=send_email
        )
        if send_email and user.email:
            outbox.enqueue(task=SEND_EMAIL_TASK, queue=EMAIL_QUEUE, notification_id=notification.pk)
    return notification


def send_notification_email(*, notification_id: int) -> bool:
    """The notification is in the user's mailbox exactly once; True if this call sent it.

    ``emailed_at`` is claimed by a conditional update before sending, so a second or concurrent
    run sends nothing; if the mail server refuses, the claim is released and the error raised so
    the outbox retries.
    """
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None:
        logger.warning("Notification %s no longer exists; no e-mail sent.", notification_id)
        return False
    user = notification.user
    if not notification.send_email or not user.email or notification.emailed_at is not None:
        return False

    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject, body = render_notification(notification)
        html = render_notification_html(notification)

    claimed_at = timezone.now()
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=claimed_at
    )
    if not claimed:
        return False
    try:
        send_mail(subject, body, None, [user.email], html_message=html)
    except (smtplib.SMTPException, OSError):
        Notification.objects.filter(pk=notification.pk, emailed_at=claimed_at).update(
            emailed_at=None
        )
        raise
    return True


def mark_read(*, notification: Notification, by: User) -> Notification:
    """The notification shows as read (the first reading time is kept)."""
    if notification.user_id != by.pk:
        raise NotificationError(_("This message is not yours."), code="not_owner")
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(*, user: User) -> int:
    """Every unread notification of the user shows as read; returns how many changed."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
