"""Celery tasks of logistics; each calls one service and is safe to run twice (or at once).

Beat runs ``flag_late_dispatches`` every 10 minutes (``CELERY_BEAT_SCHEDULE`` in settings);
``send_late_dispatch_notice`` is queued through the outbox by ``services.dispatch``.
"""

from celery import shared_task
from django.utils import timezone

from .services import dispatch


@shared_task
def flag_late_dispatches() -> int:
    return dispatch.flag_late_dispatches(now=timezone.now())


@shared_task
def send_late_dispatch_notice(*, late_dispatch_id: int) -> int:
    return dispatch.notify_late_dispatch(late_dispatch_id=late_dispatch_id)
