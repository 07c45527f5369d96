"""Refunds: money going back through the provider that took it (or into store credit).

A refund reserves its amount first, with a conditional UPDATE of ``Payment.refunded_amount``
that can never pass the payment's amount (nor, for one shop's order, that order's total), so two
refunds at once can never return more than was paid. The provider is called after that commit,
with the refund's idempotency key, so a retried call refunds once; its answer is recorded in a
short transaction. A refused refund gives its reservation back; a network failure leaves it
pending for the worker to retry. The after-sales issue calls ``refund_payment``.
"""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.money import format_money
from marketplace.core.states import transition
from orders.models import Order

from .. import events, providers
from ..errors import ProviderError, RefundError
from ..models import Payment, PaymentStatus, ProviderCode, Refund, RefundStatus
from ..providers.base import Outcome
from ..states import REFUND
from . import risk, settlement, wallets

CENT = Decimal("0.01")


def refundable_for_order(*, order: Order) -> Decimal:
    """What may still be refunded of one shop's order: its total less refunds not failed."""
    taken = Refund.objects.filter(order=order).exclude(status=RefundStatus.FAILED)
    return order.total - (taken.aggregate(total=Sum("amount"))["total"] or Decimal("0"))


def refund_payment(
    *,
    payment: Payment,
    amount: Decimal,
    by: Any,
    reason: str,
    order: Order | None = None,
    to_wallet: bool = False,
) -> Refund:
    """``amount`` is on its way back to the buyer (or already back), once."""
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise RefundError(_("Say why the money goes back."), code="reason_required")
    try:
        amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    except (ArithmeticError, TypeError, ValueError) as error:
        raise RefundError(_("Enter an amount."), code="amount") from error
    if amount <= 0:
        raise RefundError(_("A refund needs an amount above zero."), code="amount")
    risk.check_refund_allowed(by=by, amount=amount)
    with transaction.atomic(durable=True):
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != PaymentStatus.SUCCEEDED:
            raise RefundError(_("Only a payment that succeeded can be refunded."), code="not_paid")
        if order is not None:
            if order.group_id != payment.group_id:
                raise RefundError(_("This order was not paid by this payment."), code="order")
            left = refundable_for_order(order=order)
            if amount > left:
                raise RefundError(
                    _("At most %(left)s of this order can still be refunded.")
                    % {"left": format_money(left, payment.currency)},
                    code="too_much",
                )
        reserved = Payment.objects.filter(
            pk=payment.pk, refunded_amount__lte=F("amount") - amount
        ).update(refunded_amount=F("refunded_amount") + amount)
        if not reserved:
            raise RefundError(
                _("At most %(left)s of this payment can still be refunded.")
                % {"left": format_money(payment.refundable_amount, payment.currency)},
                code="too_much",
            )
        refund = Refund.objects.create(
            payment=payment,
            order=order,
            amount=amount,
            currency=payment.currency,
            to_wallet=to_wallet or payment.provider == ProviderCode.STORE_CREDIT,
            reason=reason,
            requested_by=by if getattr(by, "pk", None) else None,
        )
    return send_refund(refund=refund)


def send_refund(*, refund: Refund) -> Refund:
    """The provider has been asked (again, with the same key) for a pending refund."""
    refund = Refund.objects.select_related("payment").get(pk=refund.pk)
    if refund.status != RefundStatus.PENDING:
        return refund
    Refund.objects.filter(pk=refund.pk).update(attempts=F("attempts") + 1)
    if refund.to_wallet:
        outcome = Outcome(reference=f"W{refund.pk}", status=RefundStatus.SUCCEEDED, is_refund=True)
    else:
        try:
            outcome = providers.get(refund.payment.provider).refund(refund=refund)
        except ProviderError as error:
            if error.retryable:  # the beat job ``retry_pending_refunds`` asks again later
                Refund.objects.filter(pk=refund.pk).update(failure_message=error.message[:300])
                return refund
            return record_refund_failed(refund=refund, message=error.message)
    if outcome.status == RefundStatus.SUCCEEDED:
        return record_refund_succeeded(refund=refund, reference=outcome.reference)
    if outcome.reference:
        Refund.objects.filter(pk=refund.pk, provider_reference="").update(
            provider_reference=outcome.reference
        )
    return refund


def record_refund_succeeded(*, refund: Refund, reference: str = "", by: Any = None) -> Refund:
    """The money is back with the buyer: the wallet (if it goes there) and the shop's share
    follow, once."""
    with transaction.atomic(durable=True):
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
        if refund.status != RefundStatus.PENDING:
            return refund
        changes: dict[str, Any] = {"succeeded_at": timezone.now(), "failure_message": ""}
        if reference and not refund.provider_reference:
            changes["provider_reference"] = reference[:255]
        transition(refund, to=RefundStatus.SUCCEEDED, allowed=REFUND, by=by, changes=changes)
        if refund.to_wallet:
            wallets.credit_refund(refund=refund)
        settlement.settle_refund(refund=refund)
        refund_id, payment_id, order_id = refund.pk, refund.payment_id, refund.order_id
        transaction.on_commit(
            lambda: events.refund_succeeded.send(
                sender=Refund, refund_id=refund_id, payment_id=payment_id, order_id=order_id
            )
        )
    return refund


def record_refund_failed(*, refund: Refund, message: str, by: Any = None) -> Refund:
    """The provider refused: the reserved amount may be refunded again (another way)."""
    with transaction.atomic(durable=True):
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != RefundStatus.PENDING:
            return refund
        transition(
            refund,
            to=RefundStatus.FAILED,
            allowed=REFUND,
            by=by,
            reason=message[:300],
            changes={"failure_message": message[:300]},
        )
        Payment.objects.filter(pk=refund.payment_id).update(
            refunded_amount=F("refunded_amount") - refund.amount
        )
    return refund


def refund_cancelled_order(*, order: Order, reason: str) -> Refund | None:
    """A paid order was cancelled before shipping: what is left of its total goes back."""
    payment = (
        Payment.objects.filter(group_id=order.group_id, status=PaymentStatus.SUCCEEDED)
        .order_by("succeeded_at")
        .first()
    )
    if payment is None or payment.needs_review or order.paid_at is None:
        return None
    left = min(refundable_for_order(order=order), payment.refundable_amount)
    if left <= 0:
        return None
    return refund_payment(
        payment=payment,
        amount=left,
        by=None,
        reason=reason or _("The order was cancelled."),
        order=order,
    )


def retry_pending_refunds(*, now: datetime, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Refunds a provider could not be reached for are sent again (same idempotency key)."""
    automatic = [
        code for code in providers.offered() if code in (ProviderCode.SANDBOX, ProviderCode.STRIPE)
    ]
    waiting = Refund.objects.filter(
        status=RefundStatus.PENDING,
        to_wallet=False,
        payment__provider__in=automatic,
        created_at__lt=now - older_than,
    ).values_list("pk", flat=True)
    return sum(
        1
        for pk in waiting[:200]
        if send_refund(refund=Refund(pk=pk)).status != RefundStatus.PENDING
    )
