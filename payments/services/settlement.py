"""Splitting payments between shops and the platform, refunds taking it back, escrow release.

What the ledger records (debit +, credit -):
- a payment received: clearing of its provider + amount, unallocated - amount (store credit
  spends the wallets' liability instead of a clearing account);
- each order it paid (a ``ShopSettlement`` per order, once): unallocated + what the buyer paid,
  platform promotions + the discounts the platform funds, the shop's pending account - both
  (the sale), then the shop's pending + commission and commission revenue - commission;
- a refund: its destination (clearing, or store credit for a refund to the wallet) - amount;
  each order it comes from gives back its share in proportion (see ``settle_refund``); money
  not allocated to any order comes out of unallocated; anything beyond is borne by the platform;
- a release: pending + the share left, available - the same.

Commission is charged on the goods value the shop receives: what the buyer paid for the goods
(after every discount) plus the goods discounts the platform funds. Delivery is paid to the shop
in full and carries no commission; discounts the shop funds lower its revenue and so its
commission. The base is shared out over the order's lines in proportion to their subtotals (to
the cent, largest remainder), each line pays the rate in force for its product's category when
the payment succeeded, rounded half up per line; the split is stored and never recomputed.

A refund of ``r`` out of an order the buyer paid ``T`` for gives back, cumulatively, the same
fraction of the order's commission and of its platform-funded discounts (rounded half up on
the running total, so refunding an order in pieces gives back exactly what refunding it at once
would). Before the release the shop's part comes out of its pending share, after it out of its
available balance, which may go negative and is netted from the next payout.

``settle_payment`` and ``settle_refund`` run inside their caller's transaction (the one that marks
the group paid, the one that records the refund); ``release_available_funds`` is the beat job's
entry point. Each is idempotent. No network I/O here.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Category
from orders.models import Order, OrderLine, OrderStatus
from orders.pricing.rules import allocate, cents

from ..errors import LedgerError
from ..models import (
    AccountKind,
    EntryRole,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    Refund,
    RefundStatus,
    SettlementLine,
    ShopSettlement,
    TransactionKind,
)
from .commission import RateInForce, rates_in_force
from .ledger import Line, clearing_account, platform_account, post_transaction, shop_account

ZERO = Decimal("0")
HUNDRED = Decimal("100")


# --- The split -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineSplit:
    line: OrderLine
    category: Category | None
    rate: RateInForce
    base: Decimal
    commission: Decimal


@dataclass(frozen=True)
class OrderSplit:
    buyer_paid: Decimal
    shop_funded_discount: Decimal
    platform_funded_discount: Decimal
    shipping_amount: Decimal
    commission_base: Decimal
    commission: Decimal
    share: Decimal
    lines: tuple[LineSplit, ...]


def split_order(*, order: Order, at: datetime) -> OrderSplit:
    """The order's split between its shop and the platform at moment ``at`` (nothing written).

    Reads the order's lines (with their products' categories) and discount rows; prefetch them
    to keep it at one query for the rates."""
    discounts = list(order.discounts.all())
    lines = list(order.lines.all())
    shop_funded = sum((d.shop_funded for d in discounts), ZERO)
    platform_goods = sum((d.platform_funded for d in discounts if not d.applies_to_shipping), ZERO)
    platform_shipping = sum((d.platform_funded for d in discounts if d.applies_to_shipping), ZERO)
    shipping_paid = order.shipping_price - order.shipping_discount
    base = max(ZERO, order.total - shipping_paid + platform_goods)
    weights = {line.pk: line.subtotal for line in lines}
    if sum(weights.values(), ZERO) <= 0:
        weights = dict.fromkeys(weights, Decimal("1"))
    bases = allocate(base, weights)
    categories = {line.pk: _category_of(line) for line in lines}
    rates = rates_in_force(categories=categories.values(), at=at)
    splits = []
    for line in lines:
        category = categories[line.pk]
        rate = rates[category.pk if category else None]
        line_base = bases.get(line.pk, ZERO)
        splits.append(
            LineSplit(
                line=line,
                category=category,
                rate=rate,
                base=line_base,
                commission=cents(line_base * rate.percent / HUNDRED),
            )
        )
    commission = sum((split.commission for split in splits), ZERO)
    platform_funded = platform_goods + platform_shipping
    return OrderSplit(
        buyer_paid=order.total,
        shop_funded_discount=shop_funded,
        platform_funded_discount=platform_funded,
        shipping_amount=shipping_paid + platform_shipping,
        commission_base=base,
        commission=commission,
        share=order.total + platform_funded - commission,
        lines=tuple(splits),
    )


def _category_of(line: OrderLine) -> Category | None:
    product = line.product
    return product.category if product is not None else None


# --- Payments --------------------------------------------------------------------------------


def settle_payment(*, payment: Payment) -> None:
    """The payment's money is in the ledger, and each order of its group that is not cancelled
    has its shop's share pending and the platform's commission taken - once per order (a second
    call changes nothing). A top-up becomes the buyer's store credit."""
    if payment.status != PaymentStatus.SUCCEEDED:
        raise LedgerError(_("Only a payment that succeeded is settled."), code="not_succeeded")
    at = payment.succeeded_at or timezone.now()
    with transaction.atomic(savepoint=False):
        record_receipt(payment=payment)
        if payment.purpose == PaymentPurpose.TOP_UP:
            _record_top_up(payment)
            return
        lines = OrderLine.objects.select_related("product__category__parent__parent")
        orders = (
            Order.objects.filter(group_id=payment.group_id, settlement__isnull=True)
            .exclude(status=OrderStatus.CANCELLED)
            .prefetch_related(Prefetch("lines", queryset=lines), "discounts")
            .order_by("pk")
        )
        for order in orders:
            if order.currency != payment.currency:
                raise LedgerError(
                    _("The order and its payment are in different currencies."),
                    code="currency_mismatch",
                )
            _settle_order(order=order, payment=payment, at=at)


def record_receipt(*, payment: Payment) -> None:
    """The money arrived (once): in the provider's clearing account, not yet anyone's. A payment
    held for review stays there until finance staff approve it (``settle_payment``) or refund
    it."""
    if payment.status != PaymentStatus.SUCCEEDED:
        raise LedgerError(_("Only a payment that succeeded is settled."), code="not_succeeded")
    currency = payment.currency
    post_transaction(
        key=f"received:{payment.pk}",
        kind=TransactionKind.PAYMENT_RECEIVED,
        payment=payment,
        memo=payment.number,
        lines=[
            Line(
                clearing_account(provider=payment.provider, currency=currency),
                payment.amount,
                EntryRole.RECEIVED,
            ),
            Line(_unallocated(currency), -payment.amount, EntryRole.RECEIVED),
        ],
    )


def _record_top_up(payment: Payment) -> None:
    currency = payment.currency
    post_transaction(
        key=f"top-up:{payment.pk}",
        kind=TransactionKind.TOP_UP,
        payment=payment,
        memo=payment.number,
        lines=[
            Line(_unallocated(currency), payment.amount, EntryRole.TOP_UP),
            Line(_platform(AccountKind.STORE_CREDIT, currency), -payment.amount, EntryRole.TOP_UP),
        ],
    )


def _settle_order(*, order: Order, payment: Payment, at: datetime) -> ShopSettlement:
    split = split_order(order=order, at=at)
    settlement = ShopSettlement.objects.create(
        order=order,
        shop_id=order.shop_id,
        payment=payment,
        currency=order.currency,
        buyer_paid=split.buyer_paid,
        shop_funded_discount=split.shop_funded_discount,
        platform_funded_discount=split.platform_funded_discount,
        shipping_amount=split.shipping_amount,
        commission_base=split.commission_base,
        commission=split.commission,
        share=split.share,
    )
    SettlementLine.objects.bulk_create(
        SettlementLine(
            settlement=settlement,
            order_line=line.line,
            category=line.category,
            rate=line.rate.rate,
            percent=line.rate.percent,
            base=line.base,
            commission=line.commission,
        )
        for line in split.lines
    )
    currency = order.currency
    pending = shop_account(shop=order.shop_id, kind=AccountKind.MERCHANT_PENDING, currency=currency)
    gross = split.buyer_paid + split.platform_funded_discount
    if gross > 0:
        post_transaction(
            key=f"sale:{order.pk}",
            kind=TransactionKind.SALE,
            payment=payment,
            order_id=order.pk,
            memo=order.number,
            lines=[
                Line(_unallocated(currency), split.buyer_paid, EntryRole.ALLOCATED),
                Line(
                    _platform(AccountKind.PROMOTION_EXPENSE, currency),
                    split.platform_funded_discount,
                    EntryRole.PLATFORM_DISCOUNT,
                ),
                Line(pending, -gross, EntryRole.SALE),
                Line(pending, split.commission, EntryRole.COMMISSION),
                Line(
                    _platform(AccountKind.COMMISSION_REVENUE, currency),
                    -split.commission,
                    EntryRole.COMMISSION,
                ),
            ],
        )
    return settlement


# --- Refunds ---------------------------------------------------------------------------------


def settle_refund(*, refund: Refund) -> None:
    """The refunded money has left the ledger, taken back from the shops' shares it came out of
    (pending before the release, available after) with their commission and platform discounts
    given back in proportion - once (a second call changes nothing)."""
    if refund.status != RefundStatus.SUCCEEDED:
        raise LedgerError(_("Only a refund that succeeded is settled."), code="not_succeeded")
    payment = refund.payment
    key = f"refund:{refund.pk}"
    currency = payment.currency
    if refund.currency != currency:
        raise LedgerError(
            _("The refund and its payment are in different currencies."), code="currency_mismatch"
        )
    with transaction.atomic(savepoint=False):
        # The payment's shares are locked first: a release or another refund of them waits.
        settlements = list(
            ShopSettlement.objects.select_for_update(of=("self",))
            .select_related("order")
            .filter(payment=payment)
            .order_by("pk")
        )
        if LedgerTransaction.objects.filter(key=key).exists():
            return
        record_receipt(payment=payment)
        if refund.to_wallet:
            destination = _platform(AccountKind.STORE_CREDIT, currency)
        else:
            destination = clearing_account(provider=payment.provider, currency=currency)
        lines = [Line(destination, -refund.amount, EntryRole.REFUND)]
        if payment.purpose == PaymentPurpose.TOP_UP:
            lines.append(
                Line(_platform(AccountKind.STORE_CREDIT, currency), refund.amount, EntryRole.REFUND)
            )
        else:
            lines += _take_back(refund=refund, payment=payment, settlements=settlements)
        post_transaction(
            key=key,
            kind=TransactionKind.REFUND,
            payment=payment,
            refund=refund,
            order_id=refund.order_id,
            memo=refund.reason,
            lines=lines,
        )


def _take_back(
    *, refund: Refund, payment: Payment, settlements: Sequence[ShopSettlement]
) -> list[Line]:
    """Where the refund comes from: the refund's own order first (or, without one, money not
    allocated to any order, then every order in proportion to what is left of it), then
    whatever is not allocated, then the platform."""
    currency = payment.currency
    left = refund.amount
    lines: list[Line] = []
    unallocated = _unallocated_of(payment)

    def from_unallocated() -> None:
        nonlocal left, unallocated
        take = min(left, max(unallocated, ZERO))
        if take > 0:
            lines.append(Line(_unallocated(currency), take, EntryRole.REFUND))
            left -= take
            unallocated -= take

    if refund.order_id is not None:
        own = [s for s in settlements if s.order_id == refund.order_id]
        for settlement in own:
            take = min(left, settlement.buyer_paid - settlement.refunded_amount)
            lines += _refund_from_order(settlement, take)
            left -= take
        from_unallocated()
    else:
        from_unallocated()
        open_ = {s.pk: s.buyer_paid - s.refunded_amount for s in settlements}
        room = sum(open_.values(), ZERO)
        if left > 0 and room > 0:
            shares = allocate(min(left, room), open_)
            for settlement in settlements:
                lines += _refund_from_order(settlement, shares[settlement.pk])
                left -= shares[settlement.pk]
    if left > 0:
        lines.append(
            Line(_platform(AccountKind.REFUND_EXPENSE, currency), left, EntryRole.REFUND_BORNE)
        )
    return lines


def _refund_from_order(settlement: ShopSettlement, amount: Decimal) -> list[Line]:
    """``amount`` of what the buyer paid for the order goes back: the shop gives back that
    fraction of its share (the platform gives back the same fraction of the commission and
    takes back the same fraction of its discounts). Updates the settlement row."""
    if amount <= 0:
        return []
    paid = settlement.buyer_paid
    refunded = settlement.refunded_amount + amount
    commission_total = cents(settlement.commission * refunded / paid)
    discount_total = cents(settlement.platform_funded_discount * refunded / paid)
    commission_back = commission_total - settlement.refunded_commission
    discount_back = discount_total - settlement.refunded_platform_discount
    kind = (
        AccountKind.MERCHANT_PENDING
        if settlement.released_at is None
        else AccountKind.MERCHANT_AVAILABLE
    )
    currency = settlement.currency
    account = shop_account(shop=settlement.shop_id, kind=kind, currency=currency)
    settlement.refunded_amount = refunded
    settlement.refunded_commission = commission_total
    settlement.refunded_platform_discount = discount_total
    settlement.refunded_share += amount + discount_back - commission_back
    settlement.save(
        update_fields=[
            "refunded_amount",
            "refunded_commission",
            "refunded_platform_discount",
            "refunded_share",
        ]
    )
    memo = settlement.order.number
    return [
        Line(account, amount + discount_back, EntryRole.REFUND, memo),
        Line(account, -commission_back, EntryRole.COMMISSION_RETURNED, memo),
        Line(
            _platform(AccountKind.COMMISSION_REVENUE, currency),
            commission_back,
            EntryRole.COMMISSION_RETURNED,
            memo,
        ),
        Line(
            _platform(AccountKind.PROMOTION_EXPENSE, currency),
            -discount_back,
            EntryRole.PLATFORM_DISCOUNT_RETURNED,
            memo,
        ),
    ]


def _unallocated_of(payment: Payment) -> Decimal:
    """The payment's money not allocated to any order nor refunded yet."""
    sums = LedgerEntry.objects.filter(
        account=_unallocated(payment.currency), transaction__payment=payment
    ).aggregate(debit=Sum("debit", default=ZERO), credit=Sum("credit", default=ZERO))
    return sums["credit"] - sums["debit"]


# --- Escrow release --------------------------------------------------------------------------


def schedule_release(*, order: Order) -> bool:
    """The shop's share of the completed order becomes available PAYMENTS_HOLDING_DAYS after the
    order completed; set once (True if this call set it)."""
    if order.status != OrderStatus.COMPLETED or order.completed_at is None:
        return False
    release_at = order.completed_at + timedelta(days=settings.PAYMENTS_HOLDING_DAYS)
    return bool(
        ShopSettlement.objects.filter(
            order=order, release_at__isnull=True, released_at__isnull=True
        ).update(release_at=release_at)
    )


def release_available_funds(*, now: datetime, durable: bool = True) -> int:
    """Every share whose holding period is over moves from pending to available, each once and
    in its own transaction; returns how many were released.

    Completed orders whose release was never scheduled (a lost event) are scheduled first.
    ``durable=False`` only for callers already in a transaction of their own (the demo seed).
    """
    unscheduled = Order.objects.filter(
        status=OrderStatus.COMPLETED,
        settlement__release_at__isnull=True,
        settlement__released_at__isnull=True,
    )
    for order in unscheduled:
        schedule_release(order=order)
    due = ShopSettlement.objects.filter(released_at__isnull=True, release_at__lte=now).order_by(
        "release_at", "pk"
    )
    released = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic(durable=durable):
            settlement = (
                ShopSettlement.objects.select_for_update(of=("self",))
                .select_related("order", "payment")
                .get(pk=pk)
            )
            if settlement.released_at is not None:
                continue
            _release(settlement, now=now)
        released += 1
    return released


def _release(settlement: ShopSettlement, *, now: datetime) -> None:
    amount = settlement.share - settlement.refunded_share
    if amount > 0:
        currency = settlement.currency
        shop = settlement.shop_id
        post_transaction(
            key=f"release:{settlement.pk}",
            kind=TransactionKind.RELEASE,
            order_id=settlement.order_id,
            payment=settlement.payment,
            memo=settlement.order.number,
            lines=[
                Line(
                    shop_account(shop=shop, kind=AccountKind.MERCHANT_PENDING, currency=currency),
                    amount,
                    EntryRole.RELEASE,
                ),
                Line(
                    shop_account(shop=shop, kind=AccountKind.MERCHANT_AVAILABLE, currency=currency),
                    -amount,
                    EntryRole.RELEASE,
                ),
            ],
        )
    settlement.released_at = now
    settlement.released_amount = max(amount, ZERO)
    settlement.save(update_fields=["released_at", "released_amount"])


# --- Accounts --------------------------------------------------------------------------------


def _unallocated(currency: str) -> LedgerAccount:
    return platform_account(kind=AccountKind.UNALLOCATED, currency=currency)


def _platform(kind: str, currency: str) -> LedgerAccount:
    return platform_account(kind=kind, currency=currency)
