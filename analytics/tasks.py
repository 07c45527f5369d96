"""Celery tasks of analytics; each calls one service and is safe to run twice.

Beat runs ``compute_product_associations`` and ``prune_product_views`` nightly on the "reports"
queue (``CELERY_BEAT_SCHEDULE`` in settings).
"""

from celery import shared_task
from django.utils import timezone

from .services import discovery


@shared_task
def compute_product_associations() -> int:
    return discovery.compute_product_associations(now=timezone.now())


@shared_task
def prune_product_views() -> int:
    return discovery.prune_product_views(now=timezone.now())
