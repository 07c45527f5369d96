"""Store credit: every change of a wallet's balance, each with its entry row.

The balance changes only here, with a conditional UPDATE that can never go below zero, and a
``WalletEntry`` for every change, so a wallet's balance always equals the sum of its entries.
Helpers are called inside the payment's or refund's own transaction (``savepoint=False``).
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from marketplace.core.money import format_money

from ..errors import WalletError
from ..models import Payment, Refund, Wallet, WalletEntry, WalletEntryKind


def wallet_of(*, user: Any) -> Wallet:
    """The user's wallet, opened (empty, in the base currency) the first time it is asked for."""
    wallet, _created = Wallet.objects.get_or_create(
        user=user, defaults={"currency": settings.DEFAULT_CURRENCY}
    )
    return wallet


def balance_of(*, user: Any) -> Decimal:
    wallet = Wallet.objects.filter(user=user).only("balance").first()
    return wallet.balance if wallet else Decimal("0")


def debit_for_payment(*, payment: Payment) -> WalletEntry:
    """The payment's amount leaves the buyer's wallet (once), or ``WalletError`` if short."""
    return _change(
        user=payment.buyer,
        amount=-payment.amount,
        kind=WalletEntryKind.PAYMENT,
        payment=payment,
        note=payment.number,
    )


def credit_top_up(*, payment: Payment) -> WalletEntry:
    """A top-up paid through another method lands in the wallet (once)."""
    return _change(
        user=payment.buyer,
        amount=payment.amount,
        kind=WalletEntryKind.TOP_UP,
        payment=payment,
        note=payment.number,
    )


def credit_refund(*, refund: Refund) -> WalletEntry:
    """A refund paid into the wallet (once)."""
    return _change(
        user=refund.payment.buyer,
        amount=refund.amount,
        kind=WalletEntryKind.REFUND,
        refund=refund,
        payment=refund.payment,
        note=refund.reason,
    )


def adjust_wallet(*, user: Any, amount: Decimal, by: Any, note: str) -> WalletEntry:
    """Staff add or take back credit, with a reason; the balance cannot go below zero."""
    note = " ".join((note or "").split())
    if not note:
        raise WalletError(_("Say why the balance is adjusted."), code="note_required")
    if amount == 0:
        raise WalletError(_("An adjustment needs an amount."), code="zero")
    with transaction.atomic(durable=True):
        return _change(user=user, amount=amount, kind=WalletEntryKind.ADJUSTMENT, note=note, by=by)


def _change(
    *,
    user: Any,
    amount: Decimal,
    kind: str,
    payment: Payment | None = None,
    refund: Refund | None = None,
    note: str = "",
    by: Any = None,
) -> WalletEntry:
    with transaction.atomic(savepoint=False):
        wallet = wallet_of(user=user)
        if amount < 0:
            changed = Wallet.objects.filter(pk=wallet.pk, balance__gte=-amount)
        else:
            changed = Wallet.objects.filter(pk=wallet.pk)
        if not changed.update(balance=F("balance") + amount):
            wallet.refresh_from_db(fields=["balance"])
            raise WalletError(
                _("Not enough store credit: %(balance)s available.")
                % {"balance": format_money(wallet.balance, wallet.currency)},
                code="insufficient_credit",
            )
        wallet.refresh_from_db(fields=["balance"])
        return WalletEntry.objects.create(
            wallet=wallet,
            kind=kind,
            amount=amount,
            balance_after=wallet.balance,
            payment=payment,
            refund=refund,
            note=note[:300],
            by=by if getattr(by, "pk", None) else None,
        )
