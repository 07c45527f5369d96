"""Celery tasks of the sellers app; each calls one service and is safe to run twice.

Beat runs ``check_qualification_expiry`` daily and ``lift_expired_penalties`` hourly
(``CELERY_BEAT_SCHEDULE`` in settings).
"""

from celery import shared_task
from django.utils import timezone

from .services import documents, rules


@shared_task
def check_qualification_expiry() -> dict[str, int]:
    outcome = documents.check_qualification_expiry(today=timezone.localdate())
    return {"warned": outcome.warned, "revoked": outcome.revoked}


@shared_task
def lift_expired_penalties() -> int:
    return rules.lift_expired_penalties(now=timezone.now())
