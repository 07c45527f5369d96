"""Celery task of platform supervision (to be merged into ``sellers/tasks.py``): beat runs
``lift_expired_penalties`` hourly. It reloads everything and is safe to run twice."""

from celery import shared_task
from django.utils import timezone

from .services import rules


@shared_task
def lift_expired_penalties() -> int:
    return rules.lift_expired_penalties(now=timezone.now())
