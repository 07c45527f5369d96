"""Cash on delivery, for shops that accept it: the orders go on to be shipped at once and the
payment stays "processing" until every order of the group is delivered (the courier collected
the cash, ``receivers``). Refunds are paid by finance staff (or into store credit)."""

from typing import Any

from django.http import HttpRequest

from ..models import Payment, PaymentPurpose, PaymentStatus, Refund, RefundStatus
from ._no_webhooks import NoWebhooks
from .base import Outcome, Started


class CashOnDeliveryProvider(NoWebhooks):
    code = "cash_on_delivery"
    ships_before_payment = True

    def is_available(self, *, payment_shops: list[Any], purpose: str) -> bool:
        return (
            purpose == PaymentPurpose.ORDER
            and bool(payment_shops)
            and all(order.shop.accepts_cash_on_delivery for order in payment_shops)
        )

    def start(self, *, payment: Payment, request: HttpRequest) -> Started:
        return Started(status=PaymentStatus.PROCESSING, reference=f"COD{payment.number}")

    def refund(self, *, refund: Refund) -> Outcome:
        return Outcome(reference="", status=RefundStatus.PENDING, is_refund=True)
