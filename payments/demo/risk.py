"""Demo risk data: the default rules and thresholds come from the ``risk`` migration, so a fresh
install has them; this module gives the payments seed a flagged risky payment the way the live
flow flags one, through ``assess_payment`` at start and at success. Idempotent.
"""

from datetime import datetime

from ..models import Payment, PaymentStatus, RiskAssessment, RiskStage
from ..services.risk import assess_payment

# A card country that differs from the demo's delivery addresses (Taiwan).
FOREIGN_CARD_COUNTRY = "NG"


def assess_demo_payment(
    *, payment: Payment, now: datetime, card_country: str = ""
) -> RiskAssessment:
    """The payment's assessment at start and, once it succeeded, at success with the card's
    country; a ``card_country`` other than the delivery country makes it a review case."""
    assessment = assess_payment(payment=payment, now=now, stage=RiskStage.START)
    if card_country and not payment.card_country:
        Payment.objects.filter(pk=payment.pk, card_country="").update(card_country=card_country)
        payment.card_country = card_country
    if payment.status == PaymentStatus.SUCCEEDED:
        assessment = assess_payment(payment=payment, now=now, stage=RiskStage.SUCCESS)
    return assessment


def flag_demo_payment(*, payment: Payment, now: datetime) -> RiskAssessment:
    """A succeeded payment's assessment saying review: its card comes from abroad (on a fresh
    install the card-country rule alone weighs the review score)."""
    return assess_demo_payment(payment=payment, now=now, card_country=FOREIGN_CARD_COUNTRY)
