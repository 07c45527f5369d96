"""Celery tasks of payments; each calls one service and is safe to run twice.

Beat runs ``refresh_exchange_rates`` hourly (``CELERY_BEAT_SCHEDULE`` in settings): it retries
when the feed cannot be reached and stops, logging why, when the feed's answer is refused.
"""

import logging

from celery import Task, shared_task
from django.utils import timezone

from .errors import ExchangeRateFeedError, ExchangeRateFeedUnavailable
from .services import currencies

logger = logging.getLogger(__name__)

FEED_RETRIES = 3
FEED_RETRY_SECONDS = 300


@shared_task(bind=True, max_retries=FEED_RETRIES, default_retry_delay=FEED_RETRY_SECONDS)
def refresh_exchange_rates(self: Task) -> int:
    try:
        return currencies.refresh_exchange_rates(now=timezone.now())
    except ExchangeRateFeedUnavailable as error:
        raise self.retry(exc=error) from error
    except ExchangeRateFeedError as error:
        logger.warning(
            "exchange rates refused", extra={"code": error.code, "reason": error.message}
        )
        return 0
