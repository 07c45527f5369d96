"""Payouts of shops' available balances: scheduled by the beat job, then sent or failed.

``schedule_payouts`` gives every shop whose available balance reaches PAYMENTS_MINIMUM_PAYOUT one
payout of all of it (a balance made negative by refunds after the release is netted: nothing is
paid until it is back above the minimum) and moves it in the ledger from the shop's available
account to payouts in transit, under a lock on that account so a refund or a second run cannot
slip between reading the balance and paying it. A shop with a connected Stripe account is paid
by a Stripe Connect transfer: the payout is handed to ``payments.tasks.send_payout`` through the
outbox (never lost, never sent for a rolled-back payout), which calls Stripe outside any
transaction with the payout's idempotency key and records the outcome. Other shops are paid by
hand: finance staff mark the payout sent with the bank's reference, or failed with a reason.

A failed payout's money goes back to the shop's available balance. This module never calls
Stripe inside a transaction, and staff never mark Stripe Connect payouts by hand (a transfer in
flight could then be paid twice).
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.states import IllegalTransition, transition
from marketplace.notifications import outbox
from marketplace.sellers.models import Shop

from ..errors import PayoutError, ProviderError
from ..models import (
    AccountKind,
    EntryRole,
    LedgerAccount,
    Payout,
    PayoutAccount,
    PayoutMethod,
    PayoutStatus,
    TransactionKind,
)
from ..providers import stripe as stripe_provider
from ..states import PAYOUT
from .ledger import Line, balance_of, lock_account, platform_account, post_transaction, shop_account

SEND_PAYOUT_TASK = "payments.tasks.send_payout"
REFERENCE_MAX = 255
REASON_MAX = 300


# --- Who may ---------------------------------------------------------------------------------


def can_manage_payouts(user: Any) -> bool:
    """Finance staff: active staff allowed to change payouts (the "finance" group has it)."""
    return bool(
        getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
        and user.has_perm("payments.change_payout")
    )


# --- Scheduling ------------------------------------------------------------------------------


def schedule_payouts(*, now: datetime) -> int:
    """Every shop whose available balance reaches the minimum gets a payout of all of it, each
    in its own transaction; returns how many payouts were scheduled."""
    accounts = LedgerAccount.objects.filter(kind=AccountKind.MERCHANT_AVAILABLE).order_by("pk")
    scheduled = 0
    for shop_id, currency in list(accounts.values_list("shop_id", "currency")):
        if schedule_payout(shop=shop_id, currency=currency, now=now) is not None:
            scheduled += 1
    return scheduled


def schedule_payout(
    *,
    shop: Shop | int,
    currency: str | None = None,
    minimum: Decimal | None = None,
    now: datetime | None = None,
    durable: bool = True,
) -> Payout | None:
    """The shop's whole available balance is on its way in one payout if it reaches ``minimum``
    (PAYMENTS_MINIMUM_PAYOUT); ``None`` when it does not.

    ``durable=False`` only for callers already in a transaction of their own (the demo seed).
    """
    currency = currency or settings.DEFAULT_CURRENCY
    minimum = settings.PAYMENTS_MINIMUM_PAYOUT if minimum is None else minimum
    shop_id = shop if isinstance(shop, int) else shop.pk
    with transaction.atomic(durable=durable):
        available = lock_account(
            shop_account(shop=shop_id, kind=AccountKind.MERCHANT_AVAILABLE, currency=currency)
        )
        amount = balance_of(available)
        if amount <= 0 or amount < minimum:
            return None
        destination = (
            PayoutAccount.objects.filter(shop_id=shop_id)
            .values_list("stripe_account_id", flat=True)
            .first()
        )
        payout = Payout.objects.create(
            shop_id=shop_id,
            amount=amount,
            currency=currency,
            method=PayoutMethod.STRIPE_CONNECT if destination else PayoutMethod.MANUAL,
            destination=destination or "",
            created_at=now or timezone.now(),
        )
        post_transaction(
            key=f"payout:{payout.pk}",
            kind=TransactionKind.PAYOUT,
            payout=payout,
            lines=[
                Line(available, amount, EntryRole.PAYOUT),
                Line(_in_transit(currency), -amount, EntryRole.PAYOUT),
            ],
        )
        if payout.method == PayoutMethod.STRIPE_CONNECT:
            outbox.enqueue(task=SEND_PAYOUT_TASK, payout_id=payout.pk)
    return payout


# --- By hand ---------------------------------------------------------------------------------


def mark_payout_sent(*, payout: Payout, by: Any, reference: str, durable: bool = True) -> Payout:
    """Finance staff paid the manual payout by bank transfer (``reference`` is the bank's)."""
    reference = _one_line(
        reference,
        limit=REFERENCE_MAX,
        missing=PayoutError(_("Enter the bank transfer's reference."), code="reference_required"),
        too_long=_("The reference has at most %(max)d characters."),
    )
    _check_manual(payout=payout, by=by)
    return _mark_sent(payout=payout, by=by, reference=reference, durable=durable)


def mark_payout_failed(*, payout: Payout, by: Any, reason: str, durable: bool = True) -> Payout:
    """The manual payout did not reach the shop: its money is back in the shop's balance."""
    reason = _one_line(
        reason,
        limit=REASON_MAX,
        missing=PayoutError(_("Say why the payout failed."), code="reason_required"),
        too_long=_("The reason has at most %(max)d characters."),
    )
    _check_manual(payout=payout, by=by)
    return _mark_failed(payout=payout, by=by, reason=reason, durable=durable)


def _one_line(text: str | None, *, limit: int, missing: PayoutError, too_long: str) -> str:
    """``text`` on one line with single spaces; ``missing`` raised when empty, ``too_long``
    (with ``%(max)d``) when longer than ``limit``."""
    text = " ".join((text or "").split())
    if not text:
        raise missing
    if len(text) > limit:
        raise PayoutError(too_long % {"max": limit}, code="too_long")
    return text


def _check_manual(*, payout: Payout, by: Any) -> None:
    if not can_manage_payouts(by):
        raise PayoutError(_("Only finance staff can mark payouts."), code="not_finance")
    if payout.method != PayoutMethod.MANUAL:
        raise PayoutError(
            _("Stripe Connect payouts are marked by Stripe's answer, not by hand."),
            code="not_manual",
        )


# --- Stripe Connect --------------------------------------------------------------------------


def send_payout(*, payout: Payout) -> Payout:
    """A scheduled Stripe Connect payout is transferred to the shop's connected account and
    marked sent, or failed when Stripe refuses it. A network failure raises ``ProviderError``
    (retryable) for the task to retry with the same idempotency key; anything but a scheduled
    Stripe Connect payout is left as it is."""
    payout = Payout.objects.get(pk=payout.pk)
    if payout.status != PayoutStatus.SCHEDULED or payout.method != PayoutMethod.STRIPE_CONNECT:
        return payout
    try:
        transfer_id = stripe_provider.create_transfer(
            destination=payout.destination,
            amount=payout.amount,
            currency=payout.currency,
            idempotency_key=str(payout.idempotency_key),
            description=f"Payout {payout.pk} to {payout.shop_id}",
        )
    except ProviderError as error:
        if error.retryable:
            raise
        return _mark_failed(payout=payout, by=None, reason=error.message[:REASON_MAX])
    return _mark_sent(payout=payout, by=None, reference=transfer_id)


# --- Moves -----------------------------------------------------------------------------------


def _mark_sent(*, payout: Payout, by: Any, reference: str, durable: bool = True) -> Payout:
    with transaction.atomic(durable=durable):
        payout = _move(
            payout,
            to=PayoutStatus.SENT,
            by=by,
            reason=reference,
            changes={
                "reference": reference[:REFERENCE_MAX],
                "sent_at": timezone.now(),
                "sent_by": by if getattr(by, "pk", None) else None,
            },
        )
        post_transaction(
            key=f"payout-sent:{payout.pk}",
            kind=TransactionKind.PAYOUT_SENT,
            payout=payout,
            memo=reference,
            lines=[
                Line(_in_transit(payout.currency), payout.amount, EntryRole.PAYOUT),
                Line(
                    platform_account(kind=AccountKind.CASH, currency=payout.currency),
                    -payout.amount,
                    EntryRole.PAYOUT,
                ),
            ],
        )
    return payout


def _mark_failed(*, payout: Payout, by: Any, reason: str, durable: bool = True) -> Payout:
    with transaction.atomic(durable=durable):
        payout = _move(
            payout,
            to=PayoutStatus.FAILED,
            by=by,
            reason=reason,
            changes={"failure_reason": reason, "failed_at": timezone.now()},
        )
        available = shop_account(
            shop=payout.shop_id, kind=AccountKind.MERCHANT_AVAILABLE, currency=payout.currency
        )
        post_transaction(
            key=f"payout-failed:{payout.pk}",
            kind=TransactionKind.PAYOUT_FAILED,
            payout=payout,
            memo=reason,
            lines=[
                Line(_in_transit(payout.currency), payout.amount, EntryRole.PAYOUT_RETURNED),
                Line(available, -payout.amount, EntryRole.PAYOUT_RETURNED),
            ],
        )
    return payout


def _move(payout: Payout, *, to: str, by: Any, reason: str, changes: dict[str, Any]) -> Payout:
    """``transition`` with its refusal as a ``PayoutError``: a payout already sent or failed
    (by someone else meanwhile, or a replayed task) is not moved again."""
    payout = Payout.objects.select_for_update().get(pk=payout.pk)
    try:
        return transition(
            payout, to=to, allowed=PAYOUT, by=by, reason=reason[:300], changes=changes
        )
    except IllegalTransition as error:
        raise PayoutError(
            _("This payout is already %(status)s.") % {"status": payout.get_status_display()},
            code="not_scheduled",
        ) from error


def _in_transit(currency: str) -> LedgerAccount:
    return platform_account(kind=AccountKind.PAYOUTS_IN_TRANSIT, currency=currency)
