"""Posting to the double-entry ledger, and the accounts it posts to.

``post_transaction`` is the only writer of ``LedgerEntry`` rows: it refuses lines that do not
balance in each currency (or are not whole cents), writes the transaction once under its key (a
second posting with the same key changes nothing and returns ``None``), and locks the shop
accounts it touches, in id order, so a shop's balance read under ``lock_account`` cannot change
underneath a payout. Platform accounts are not locked: every payment touches them, and nothing
reads their balance to decide anything.

This module never decides amounts (``settlement`` and ``payouts`` do) and never does I/O.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils.translation import gettext as _

from marketplace.core.money import CENT
from marketplace.sellers.models import Shop

from ..errors import LedgerError
from ..models import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    Payout,
    ProviderCode,
    Refund,
)
from ..models.ledger import DEBIT_NORMAL, SHOP_KINDS

ZERO = Decimal("0")
MEMO_MAX = 300


@dataclass(frozen=True)
class Line:
    """One side of a transaction: ``amount`` > 0 debits ``account``, < 0 credits it."""

    account: LedgerAccount
    amount: Decimal
    role: str  # EntryRole
    memo: str = ""


# --- Accounts --------------------------------------------------------------------------------


def platform_account(*, kind: str, currency: str, provider: str = "") -> LedgerAccount:
    """The platform's account of this kind (clearing: of this provider) in ``currency``."""
    if kind in SHOP_KINDS:
        raise ValueError(f"{kind} is a shop's account.")
    if kind == AccountKind.CLEARING and provider == ProviderCode.STORE_CREDIT:
        # Paying with store credit spends the platform's debt to the buyer: no outside money.
        kind, provider = AccountKind.STORE_CREDIT, ""
    code = f"{kind}:{provider}:{currency}" if provider else f"{kind}:{currency}"
    return _account(code=code, kind=kind, currency=currency, provider=provider, shop=None)


def clearing_account(*, provider: str, currency: str) -> LedgerAccount:
    """Where buyers' money paid through ``provider`` sits (store credit: the wallets' liability)."""
    return platform_account(kind=AccountKind.CLEARING, currency=currency, provider=provider)


def shop_account(*, shop: Shop | int, kind: str, currency: str) -> LedgerAccount:
    """One of the shop's two accounts (pending or available) in ``currency``."""
    if kind not in SHOP_KINDS:
        raise ValueError(f"{kind} is not a shop's account.")
    shop_id = shop if isinstance(shop, int) else shop.pk
    code = f"{kind}:shop{shop_id}:{currency}"
    return _account(code=code, kind=kind, currency=currency, provider="", shop=shop_id)


def _account(
    *, code: str, kind: str, currency: str, provider: str, shop: int | None
) -> LedgerAccount:
    account = LedgerAccount.objects.filter(code=code).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():  # a savepoint: a concurrent opener may win the insert
            return LedgerAccount.objects.create(
                code=code, kind=kind, currency=currency, provider=provider, shop_id=shop
            )
    except IntegrityError:
        return LedgerAccount.objects.get(code=code)


def lock_account(account: LedgerAccount) -> LedgerAccount:
    """The account row locked until the transaction ends (postings to it wait)."""
    return LedgerAccount.objects.select_for_update().get(pk=account.pk)


# --- Balances --------------------------------------------------------------------------------


def balance_of(account: LedgerAccount) -> Decimal:
    """The sum of the account's entries on its normal side (what it holds, owes or earned)."""
    sums = LedgerEntry.objects.filter(account=account).aggregate(
        debit=Sum("debit", default=ZERO), credit=Sum("credit", default=ZERO)
    )
    change = sums["debit"] - sums["credit"]
    return change if account.kind in DEBIT_NORMAL else -change


def shop_balance(*, shop: Shop | int, kind: str, currency: str) -> Decimal:
    return balance_of(shop_account(shop=shop, kind=kind, currency=currency))


# --- Posting ---------------------------------------------------------------------------------


def post_transaction(
    *,
    key: str,
    kind: str,
    lines: Sequence[Line],
    memo: str = "",
    payment: Payment | None = None,
    refund: Refund | None = None,
    order_id: int | None = None,
    payout: Payout | None = None,
) -> LedgerTransaction | None:
    """The balanced ``lines`` are in the ledger as one transaction under ``key``, once.

    Zero lines are left out. Returns the new transaction, or ``None`` when ``key`` was posted
    before (nothing is written then). Raises ``LedgerError`` for lines that do not balance.
    """
    kept = [line for line in lines if line.amount != 0]
    _check_balanced(kept)
    with transaction.atomic(savepoint=False):
        if LedgerTransaction.objects.filter(key=key).exists():
            return None
        shop_ids = sorted({line.account.pk for line in kept if line.account.shop_id})
        if shop_ids:
            list(LedgerAccount.objects.select_for_update().filter(pk__in=shop_ids).order_by("pk"))
        record = LedgerTransaction.objects.create(
            key=key,
            kind=kind,
            memo=memo[:MEMO_MAX],
            payment=payment,
            refund=refund,
            order_id=order_id,
            payout=payout,
        )
        LedgerEntry.objects.bulk_create(
            LedgerEntry(
                transaction=record,
                account=line.account,
                debit=line.amount if line.amount > 0 else ZERO,
                credit=-line.amount if line.amount < 0 else ZERO,
                currency=line.account.currency,
                role=line.role,
                memo=line.memo[:MEMO_MAX],
            )
            for line in kept
        )
    return record


def _check_balanced(lines: Sequence[Line]) -> None:
    if len(lines) < 2:
        raise LedgerError(_("A ledger transaction needs at least two entries."), code="too_few")
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if line.amount != line.amount.quantize(CENT):
            raise LedgerError(_("Ledger amounts are whole cents."), code="not_cents")
        totals[line.account.currency] += line.amount
    if any(total != 0 for total in totals.values()):
        raise LedgerError(_("The entries do not balance."), code="unbalanced")


def unbalanced_transactions() -> list[int]:
    """Ids of transactions whose debits and credits differ in some currency (should be none)."""
    rows = (
        LedgerEntry.objects.values("transaction_id", "currency")
        .annotate(debits=Sum("debit"), credits=Sum("credit"))
        .filter(~Q(debits=F("credits")))
    )
    return sorted({row["transaction_id"] for row in rows})
