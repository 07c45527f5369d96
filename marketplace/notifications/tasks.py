"""Celery tasks of the notifications app; each takes ids and calls one function.

Their names are ``marketplace.notifications.tasks.<function>``: settings route them to the
``notifications`` queue and beat runs ``sweep_outbox``. Safe to run twice.
"""

from celery import shared_task
from django.conf import settings

from . import outbox, services


@shared_task(
    autoretry_for=(outbox.OutboxTaskError,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=settings.OUTBOX_MAX_ATTEMPTS,
)
def process_outbox_message(message_id: str) -> None:
    outbox.process_message(message_id=message_id)


@shared_task
def sweep_outbox() -> int:
    return outbox.sweep_outbox()


@shared_task
def send_notification_email(notification_id: int) -> None:
    services.send_notification_email(notification_id=notification_id)
