"""Celery tasks of payments; each calls one service and is safe to run twice (or at once).

Beat runs ``release_available_funds`` hourly and ``schedule_payouts`` daily
(``CELERY_BEAT_SCHEDULE`` in settings); ``send_payout`` is queued through the outbox by
``services.payouts.schedule_payout`` for each Stripe Connect payout.
"""

from celery import shared_task
from django.utils import timezone

from .errors import PayoutError
from .models import Payout
from .services import payouts, settlement


@shared_task
def release_available_funds() -> int:
    return settlement.release_available_funds(now=timezone.now())


@shared_task
def schedule_payouts() -> int:
    return payouts.schedule_payouts(now=timezone.now())


@shared_task
def send_payout(*, payout_id: int) -> None:
    """A network failure raises (the outbox retries with the same idempotency key); a payout
    already sent or failed is left alone."""
    payout = Payout.objects.filter(pk=payout_id).first()
    if payout is None:
        return
    try:
        payouts.send_payout(payout=payout)
    except PayoutError:
        return
