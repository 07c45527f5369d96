"""Paying an order group (or topping up store credit): start an attempt with a provider, record
what the provider says, and hold doubtful payments for finance staff.

The only module that moves a ``Payment``'s status. The provider is called outside any
transaction (the attempt row is committed first, so a crash leaves a record), and its answer is
recorded in a short transaction of its own. Reports are applied in the order of the life cycle,
not of arrival: a late "processing" after "succeeded" changes nothing, and a replayed success
changes nothing. Money that arrives is never dropped: a success that does not fit (wrong amount
or currency, a group already paid or cancelled, a risky payment) is recorded and held for review
instead of paying the orders.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.money import format_money
from marketplace.core.states import transition
from orders.errors import OrderError
from orders.models import GroupStatus, Order, OrderGroup, OrderStatus
from orders.selectors import amount_due
from orders.services import lifecycle

from .. import events, providers
from ..errors import PaymentError, ProviderError, WalletError
from ..models import Payment, PaymentPurpose, PaymentStatus, ProviderCode
from ..providers.base import Outcome, Started
from ..states import OPEN, PAYMENT, PAYMENT_RANK
from . import risk, settlement, wallets
from .refunds import refund_payment

ARRIVED_OR_CANCELLED = (OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.CANCELLED)


@dataclass(frozen=True)
class Client:
    """Where a payment is started from (the risk rules look at it)."""

    ip: str | None
    session_key: str

    @classmethod
    def of(cls, request: HttpRequest) -> "Client":
        ip = request.META.get("REMOTE_ADDR") or None
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if settings.USE_X_FORWARDED_FOR and forwarded:
            # The address our own proxy appended (the last one): earlier ones the client wrote.
            ip = forwarded.split(",")[-1].strip() or ip
        session = getattr(request, "session", None)
        return cls(ip=ip, session_key=(session.session_key or "") if session else "")


# --- Which methods --------------------------------------------------------------------------


def methods_for(*, group: OrderGroup) -> list[str]:
    """The provider codes this group may be paid with, in the platform's order."""
    orders = list(
        group.orders.exclude(status=OrderStatus.CANCELLED)
        .select_related("shop")
        .only("has_flash_sale", "shop__accepts_cash_on_delivery", "shop__name")
    )
    return [
        code
        for code in providers.offered()
        if providers.get(code).is_available(payment_shops=orders, purpose=PaymentPurpose.ORDER)
    ]


def top_up_methods() -> list[str]:
    return [
        code
        for code in providers.offered()
        if providers.get(code).is_available(payment_shops=[], purpose=PaymentPurpose.TOP_UP)
    ]


# --- Starting -------------------------------------------------------------------------------


def start_payment(*, group: OrderGroup, by: Any, provider: str, request: HttpRequest) -> Payment:
    """A new attempt to pay the group is with the provider (or already decided: a refused risk,
    store credit). Older open attempts of the group are given up."""
    if group.buyer_id != getattr(by, "pk", None):
        raise PaymentError(_("This order is not yours to pay."), code="not_buyer")
    if provider not in methods_for(group=group):
        raise PaymentError(_("Choose one of the payment methods offered."), code="method")
    with transaction.atomic(durable=True):
        group = OrderGroup.objects.select_for_update().get(pk=group.pk)
        _check_payable(group)
        due = amount_due(group=group)
        if due <= 0:
            raise PaymentError(_("There is nothing left to pay."), code="nothing_due")
        for older in Payment.objects.filter(group=group, status__in=OPEN):
            transition(
                older, to=PaymentStatus.CANCELLED, allowed=PAYMENT, by=by, reason="new attempt"
            )
        payment = _create(
            purpose=PaymentPurpose.ORDER,
            group=group,
            by=by,
            provider=provider,
            amount=due,
            currency=group.currency,
            client=Client.of(request),
        )
        assessment = risk.assess_payment(payment=payment, now=timezone.now())
        if assessment.decision == risk.BLOCK:
            transition(
                payment,
                to=PaymentStatus.FAILED,
                allowed=PAYMENT,
                reason="risk",
                changes={
                    "failure_code": "risk_blocked",
                    "failure_message": _(
                        "This payment could not be accepted. Please contact customer service."
                    ),
                },
            )
            return payment
    return _send_to_provider(payment=payment, request=request)


def start_top_up(*, by: Any, amount: Decimal, provider: str, request: HttpRequest) -> Payment:
    """A new attempt to add ``amount`` of store credit is with the provider."""
    if provider not in top_up_methods():
        raise PaymentError(_("Choose one of the payment methods offered."), code="method")
    if amount <= 0:
        raise PaymentError(_("Enter an amount above zero."), code="amount")
    wallet = wallets.wallet_of(user=by)
    with transaction.atomic(durable=True):
        payment = _create(
            purpose=PaymentPurpose.TOP_UP,
            group=None,
            by=by,
            provider=provider,
            amount=amount,
            currency=wallet.currency,
            client=Client.of(request),
        )
    return _send_to_provider(payment=payment, request=request)


def _check_payable(group: OrderGroup) -> None:
    if group.status == GroupStatus.PAID:
        raise PaymentError(_("This order is already paid."), code="already_paid")
    if group.status == GroupStatus.CANCELLED:
        raise PaymentError(
            _("This order was cancelled and can no longer be paid."), code="cancelled"
        )
    if Payment.objects.filter(group=group, status=PaymentStatus.SUCCEEDED).exists():
        raise PaymentError(
            _("A payment for this order arrived and is being checked; no need to pay again."),
            code="held",
        )


def _create(
    *,
    purpose: str,
    group: OrderGroup | None,
    by: Any,
    provider: str,
    amount: Decimal,
    currency: str,
    client: Client,
) -> Payment:
    now = timezone.now()
    return Payment.objects.create(
        number=_new_number(now),
        purpose=purpose,
        group=group,
        buyer=by,
        provider=provider,
        amount=amount,
        currency=currency,
        ip_address=client.ip,
        session_key=client.session_key[:64],
    )


def _new_number(now: datetime) -> str:
    return f"P{timezone.localtime(now):%y%m%d}{secrets.randbelow(10**10):010d}"


def _send_to_provider(*, payment: Payment, request: HttpRequest) -> Payment:
    try:
        started = providers.get(payment.provider).start(payment=payment, request=request)
    except ProviderError as error:
        return record_outcome(
            payment=payment,
            outcome=Outcome(
                reference="",
                status=PaymentStatus.FAILED,
                failure_code=error.code,
                failure_message=error.message,
            ),
        )
    return record_started(payment=payment, started=started)


def record_started(*, payment: Payment, started: Started) -> Payment:
    """The provider's first answer is kept (its reference and what the buyer needs next)."""
    with transaction.atomic(durable=True):
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        fields = {"provider_data": {**payment.provider_data, **started.data}}
        if started.reference and not payment.provider_reference:
            fields["provider_reference"] = started.reference
        if started.redirect_url:
            fields["provider_data"]["redirect_url"] = started.redirect_url
        Payment.objects.filter(pk=payment.pk).update(**fields)
        for name, value in fields.items():
            setattr(payment, name, value)
        provider = providers.get(payment.provider)
        window = getattr(provider, "payment_window", None)
        if window and payment.group_id:
            lifecycle.extend_payment_deadline(group=payment.group, until=timezone.now() + window)
        if getattr(provider, "ships_before_payment", False) and payment.group_id:
            # Cash on delivery: the shops ship now; the money is collected at the door.
            lifecycle.mark_paid(group=payment.group, reference=payment.number, durable=False)
    if started.status == PaymentStatus.CREATED:
        return payment
    return record_outcome(
        payment=payment,
        outcome=Outcome(reference=started.reference, status=started.status),
    )


# --- Recording what the provider says -------------------------------------------------------


def record_outcome(*, payment: Payment, outcome: Outcome, by: Any = None) -> Payment:
    """The attempt is in the status the provider reports, unless it is already further along.

    A success pays the group's orders (and settles the shops' shares) in the same transaction,
    or holds the payment for finance review when something does not fit.
    """
    if outcome.status == PaymentStatus.SUCCEEDED:
        try:
            return _succeed(payment=payment, outcome=outcome, by=by)
        except WalletError as error:
            outcome = Outcome(
                reference=outcome.reference,
                status=PaymentStatus.FAILED,
                failure_code=error.code,
                failure_message=error.message,
            )
    with transaction.atomic(durable=True):
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if not _moves_forward(payment, outcome.status):
            return payment
        changes: dict[str, Any] = {}
        if outcome.reference and not payment.provider_reference:
            changes["provider_reference"] = outcome.reference
        if outcome.status == PaymentStatus.FAILED:
            changes["failure_code"] = outcome.failure_code[:64]
            changes["failure_message"] = (
                outcome.failure_message or _("The payment was declined.")
            )[:300]
        transition(
            payment,
            to=outcome.status,
            allowed=PAYMENT,
            by=by,
            reason=outcome.failure_message[:300],
            changes=changes,
        )
        if outcome.status == PaymentStatus.FAILED and payment.group_id:
            _announce(events.payment_failed, payment=payment)
    return payment


def _moves_forward(payment: Payment, status: str) -> bool:
    if status not in PAYMENT.get(payment.status, ()):
        return False
    return PAYMENT_RANK[status] > PAYMENT_RANK[payment.status] or status == PaymentStatus.SUCCEEDED


def _succeed(*, payment: Payment, outcome: Outcome, by: Any) -> Payment:
    now = timezone.now()
    with transaction.atomic(durable=True):
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == PaymentStatus.SUCCEEDED:
            return payment  # a replayed or repeated report
        problems = _problems(payment=payment, outcome=outcome, now=now)
        if payment.provider == ProviderCode.STORE_CREDIT:
            wallets.debit_for_payment(payment=payment)
        changes: dict[str, Any] = {
            "succeeded_at": now,
            "needs_review": bool(problems),
            "review_reason": "; ".join(problems)[:300],
            "failure_code": "",
            "failure_message": "",
        }
        if outcome.reference and not payment.provider_reference:
            changes["provider_reference"] = outcome.reference
        if outcome.card_country:
            changes["card_country"] = outcome.card_country.upper()[:2]
        transition(
            payment,
            to=PaymentStatus.SUCCEEDED,
            allowed=PAYMENT,
            by=by,
            reason=payment.review_reason if problems else "",
            changes=changes,
        )
        if problems:
            settlement.record_receipt(payment=payment)
        else:
            _apply(payment=payment, by=by)
    return payment


def _problems(*, payment: Payment, outcome: Outcome, now: datetime) -> list[str]:
    """Why this success cannot pay the orders as it is (empty when it can)."""
    problems = []
    if outcome.amount is not None and (
        outcome.amount != payment.amount or outcome.currency.upper() != payment.currency
    ):
        problems.append(
            _("The provider reported %(reported)s, the attempt was for %(expected)s.")
            % {
                "reported": format_money(outcome.amount, outcome.currency.upper()),
                "expected": format_money(payment.amount, payment.currency),
            }
        )
    if payment.purpose == PaymentPurpose.ORDER:
        group = OrderGroup.objects.select_for_update().get(pk=payment.group_id)
        paid_at_door = getattr(providers.get(payment.provider), "ships_before_payment", False)
        if group.status == GroupStatus.PAID and not paid_at_door:
            problems.append(_("The order was already paid by another payment: refund this one."))
        elif group.status == GroupStatus.CANCELLED:
            problems.append(_("The order was cancelled before the money arrived: refund it."))
        elif amount_due(group=group) != payment.amount:
            problems.append(
                _("The order now costs %(due)s.")
                % {"due": format_money(amount_due(group=group), group.currency)}
            )
        if outcome.card_country:
            payment.card_country = outcome.card_country.upper()[:2]
        for stage in ("start", "success"):
            held = risk.held_reasons(payment=payment, now=now, stage=stage)
            problems.extend(held)
    return problems


def _apply(*, payment: Payment, by: Any) -> None:
    """The money is in and fits: the orders are paid and the shops' shares recorded."""
    if payment.purpose == PaymentPurpose.TOP_UP:
        wallets.credit_top_up(payment=payment)
        settlement.settle_payment(payment=payment)
        return
    try:
        lifecycle.mark_paid(group=payment.group, by=by, reference=payment.number, durable=False)
    except OrderError as error:  # pragma: no cover - _problems saw the group locked first
        raise PaymentError(error.message, code=error.code) from error
    settlement.settle_payment(payment=payment)
    _announce(events.payment_succeeded, payment=payment)


def _announce(signal: Any, *, payment: Payment) -> None:
    payment_id, group_id = payment.pk, payment.group_id
    transaction.on_commit(
        lambda: signal.send(sender=Payment, payment_id=payment_id, group_id=group_id)
    )


def collect_cash_on_delivery(*, order: Order) -> Payment | None:
    """Every order of a cash-on-delivery group has arrived (or was cancelled): the courier
    collected what was due, or, when nothing arrived, the attempt is cancelled."""
    payment = Payment.objects.filter(
        group_id=order.group_id,
        provider=ProviderCode.CASH_ON_DELIVERY,
        status=PaymentStatus.PROCESSING,
    ).first()
    if payment is None or payment.group is None:
        return None
    open_orders = payment.group.orders.exclude(status__in=ARRIVED_OR_CANCELLED)
    if open_orders.exists():
        return None
    due = amount_due(group=payment.group)
    if due <= 0:
        return record_outcome(
            payment=payment,
            outcome=Outcome(reference=payment.provider_reference, status=PaymentStatus.CANCELLED),
        )
    # Orders cancelled before shipping were never collected: the courier took what was due.
    Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PROCESSING).update(amount=due)
    payment.amount = due
    return record_outcome(
        payment=payment,
        outcome=Outcome(reference=payment.provider_reference, status=PaymentStatus.SUCCEEDED),
    )


# --- Payments held for finance review -------------------------------------------------------


def approve_held_payment(*, payment: Payment, by: Any) -> Payment:
    """Finance staff accept a held payment: the orders are paid as if nothing had been wrong."""
    with transaction.atomic(durable=True):
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        _check_held(payment)
        if payment.purpose == PaymentPurpose.ORDER:
            group = OrderGroup.objects.select_for_update().get(pk=payment.group_id)
            if group.status != GroupStatus.PENDING_PAYMENT:
                raise PaymentError(
                    _("The order is no longer waiting for this payment; refund it instead."),
                    code="not_waiting",
                )
            if amount_due(group=group) != payment.amount:
                raise PaymentError(
                    _("The amount does not match the order; refund it instead."),
                    code="amount_mismatch",
                )
        _close_review(payment, by=by)
        _apply(payment=payment, by=by)
    return payment


def reject_held_payment(*, payment: Payment, by: Any, reason: str) -> Payment:
    """Finance staff refuse a held payment: its orders still waiting are cancelled and the
    money goes back in full."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise PaymentError(_("Say why the payment is refused."), code="reason_required")
    with transaction.atomic(durable=True):
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        _check_held(payment)
        _close_review(payment, by=by)
    if payment.group_id:
        for order in payment.group.orders.filter(status=OrderStatus.PENDING_PAYMENT):
            lifecycle.cancel_order(order=order, by=by, reason=reason, initiator="staff")
    if payment.refundable_amount > 0:
        refund_payment(payment=payment, amount=payment.refundable_amount, by=by, reason=reason)
    return payment


def _check_held(payment: Payment) -> None:
    if not payment.needs_review or payment.status != PaymentStatus.SUCCEEDED:
        raise PaymentError(_("This payment is not waiting for a review."), code="not_held")


def _close_review(payment: Payment, *, by: Any) -> None:
    now = timezone.now()
    Payment.objects.filter(pk=payment.pk).update(
        needs_review=False, reviewed_at=now, reviewed_by=by
    )
    payment.needs_review, payment.reviewed_at, payment.reviewed_by = False, now, by
