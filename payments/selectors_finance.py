"""Reads of a shop's money for its finance page and statement, scoped to the shop that asks
(another shop's order number is a 404) and prefetched so a page's query count does not grow with
its rows. Nothing here writes. The buyers' payment pages read through ``selectors``.

A shop's ledger lines are the entries on its two accounts (pending and available), shown from the
shop's side: positive when the platform owes it more, negative when less.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from marketplace.sellers.models import Shop

from .models import (
    AccountKind,
    LedgerEntry,
    Payout,
    PayoutStatus,
    ShopSettlement,
)
from .models.ledger import SHOP_KINDS
from .services.ledger import balance_of, shop_account

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ShopBalance:
    currency: str
    available: Decimal  # may be negative: refunds after release, netted from the next payout
    pending: Decimal  # in escrow until orders complete and the holding period ends
    in_payout: Decimal  # scheduled payouts not yet sent


def balance_for_shop(*, shop: Shop, currency: str | None = None) -> ShopBalance:
    currency = currency or settings.DEFAULT_CURRENCY
    in_payout = Payout.objects.filter(
        shop=shop, currency=currency, status=PayoutStatus.SCHEDULED
    ).aggregate(total=Sum("amount", default=ZERO))["total"]
    return ShopBalance(
        currency=currency,
        available=balance_of(
            shop_account(shop=shop, kind=AccountKind.MERCHANT_AVAILABLE, currency=currency)
        ),
        pending=balance_of(
            shop_account(shop=shop, kind=AccountKind.MERCHANT_PENDING, currency=currency)
        ),
        in_payout=in_payout,
    )


def pending_settlements_for_shop(*, shop: Shop) -> QuerySet[ShopSettlement]:
    """The shop's shares still in escrow (something left of them), soonest release first; those
    waiting for the buyer to confirm receipt (no date yet) last."""
    return (
        ShopSettlement.objects.filter(shop=shop, released_at__isnull=True)
        .exclude(share=F("refunded_share"))
        .select_related("order")
        .order_by(F("release_at").asc(nulls_last=True), "pk")
    )


def ledger_lines_for_shop(
    *, shop: Shop, start: datetime | None = None, end: datetime | None = None
) -> QuerySet[LedgerEntry]:
    """The entries on the shop's accounts, newest first, between ``start`` and ``end`` (end
    excluded), each with ``amount`` annotated from the shop's side."""
    qs = LedgerEntry.objects.filter(account__shop=shop, account__kind__in=list(SHOP_KINDS))
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lt=end)
    return (
        qs.select_related("account", "transaction__order", "transaction__payout")
        .annotate(amount=F("credit") - F("debit"))
        .order_by("-created_at", "-pk")
    )


def payouts_for_shop(*, shop: Shop) -> QuerySet[Payout]:
    return Payout.objects.filter(shop=shop).order_by("-created_at", "-pk")


def settlement_for_shop_or_404(*, shop: Shop, number: str) -> ShopSettlement:
    """The split of one of the shop's orders, with its lines; another shop's number is a 404."""
    settlement = (
        ShopSettlement.objects.filter(shop=shop, order__number=number)
        .select_related("order", "payment")
        .prefetch_related("lines__order_line", "lines__category")
        .first()
    )
    if settlement is None:
        raise Http404("No such settlement.")
    return settlement


# --- The statement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementRow:
    at: datetime | None
    account: str  # "pending" or "available"
    what: str
    order: str
    reference: str
    amount: Decimal | None
    balance: Decimal


def statement_for_shop(*, shop: Shop, first_day: date, last_day: date) -> Iterator[StatementRow]:
    """Each of the shop's two balances for the days ``first_day`` to ``last_day`` (in the site's
    time zone): its opening balance, every line oldest first with the running balance, and its
    closing balance."""
    start = _day_start(first_day)
    end = _day_start(last_day + timedelta(days=1))
    for label, kind in (
        ("available", AccountKind.MERCHANT_AVAILABLE),
        ("pending", AccountKind.MERCHANT_PENDING),
    ):
        yield from _account_statement(shop=shop, kind=kind, label=label, start=start, end=end)


def _account_statement(
    *, shop: Shop, kind: str, label: str, start: datetime, end: datetime
) -> Iterator[StatementRow]:
    entries = LedgerEntry.objects.filter(account__shop=shop, account__kind=kind)
    opening = entries.filter(created_at__lt=start).aggregate(
        total=Sum(F("credit") - F("debit"), default=ZERO)
    )["total"]
    balance = opening
    yield StatementRow(None, label, "opening", "", "", None, balance)
    rows = (
        entries.filter(created_at__gte=start, created_at__lt=end)
        .select_related("transaction__order", "transaction__payout")
        .order_by("created_at", "pk")
    )
    for entry in rows.iterator(chunk_size=500):
        amount = entry.credit - entry.debit
        balance += amount
        yield StatementRow(
            at=entry.created_at,
            account=label,
            what=entry.get_role_display(),
            order=entry.transaction.order.number if entry.transaction.order else "",
            reference=_reference(entry),
            amount=amount,
            balance=balance,
        )
    yield StatementRow(None, label, "closing", "", "", None, balance)


def _reference(entry: LedgerEntry) -> str:
    payout = entry.transaction.payout
    if payout is not None:
        return payout.reference or f"#{payout.pk}"
    return entry.memo


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
