"""Bank transfer: the buyer sends money to the platform's account with the payment's reference;
finance staff confirm what arrived in admin (``services.paying.record_outcome``) and send
refunds by hand (marked done in admin). The order waits longer for a transfer than for a card,
so flash-sale orders, whose units are held briefly, cannot be paid this way.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ..models import Payment, PaymentStatus, Refund, RefundStatus
from ._no_webhooks import NoWebhooks
from .base import Outcome, Started


class BankTransferProvider(NoWebhooks):
    code = "bank_transfer"

    @property
    def payment_window(self) -> timedelta:
        return timedelta(days=settings.BANK_TRANSFER_DAYS)

    def is_available(self, *, payment_shops: list[Any], purpose: str) -> bool:
        return not any(getattr(order, "has_flash_sale", False) for order in payment_shops)

    def start(self, *, payment: Payment, request: HttpRequest) -> Started:
        return Started(
            status=PaymentStatus.REQUIRES_ACTION,
            reference=reference_of(payment),
            data={"account": dict(settings.BANK_TRANSFER_ACCOUNT)},
        )

    def refund(self, *, refund: Refund) -> Outcome:
        # Sent by finance staff from the platform's bank, then marked as refunded in admin.
        return Outcome(reference="", status=RefundStatus.PENDING, is_refund=True)


def reference_of(payment: Payment) -> str:
    """What the buyer writes on the transfer so finance can match it."""
    return f"BT{payment.number}"
