"""Store credit: the buyer pays from their wallet. The debit happens in the same transaction
that records the success (``services.paying``), so a short balance fails the attempt and
changes nothing; refunds go back to the wallet."""

from typing import Any

from django.http import HttpRequest

from ..models import Payment, PaymentPurpose, PaymentStatus, Refund, RefundStatus
from ._no_webhooks import NoWebhooks
from .base import Outcome, Started


class StoreCreditProvider(NoWebhooks):
    code = "store_credit"

    def is_available(self, *, payment_shops: list[Any], purpose: str) -> bool:
        return purpose == PaymentPurpose.ORDER

    def start(self, *, payment: Payment, request: HttpRequest) -> Started:
        return Started(status=PaymentStatus.SUCCEEDED, reference=f"SC{payment.number}")

    def refund(self, *, refund: Refund) -> Outcome:
        return Outcome(
            reference=f"SCR{refund.pk}",
            status=RefundStatus.SUCCEEDED,
            amount=refund.amount,
            currency=refund.currency,
            is_refund=True,
        )
