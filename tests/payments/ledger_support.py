"""Building blocks for ledger tests: orders placed through checkout, paid as the lead's
``record_outcome`` pays them (mark the group paid and settle, in one transaction), refunds as
``refund_payment`` records them, orders completed by the buyer, and the ledger's invariants."""

import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from orders.models import Order, OrderGroup
from orders.services.checkout import place_order
from orders.services.lifecycle import confirm_receipt, mark_paid, ship_order
from payments.models import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    Payment,
    Payout,
    Refund,
    RefundStatus,
)
from payments.models.ledger import DEBIT_NORMAL
from payments.services.ledger import (
    balance_of,
    platform_account,
    shop_account,
    unbalanced_transactions,
)
from payments.services.settlement import settle_payment, settle_refund
from tests.accounts.factories import AddressFactory
from tests.orders.lifecycle_support import owner_of
from tests.payments.ledger_factories import PaymentFactory

ZERO = Decimal("0")


def place(buyer, pairs, coupon_codes=()) -> OrderGroup:
    address = AddressFactory(user=buyer)
    return place_order(
        buyer=buyer,
        pairs=pairs,
        address=address,
        coupon_codes=coupon_codes,
        idempotency_key=uuid.uuid4(),
    )


def pay(group: OrderGroup, **payment_fields) -> Payment:
    """The group's payment succeeded: the group is paid and the payment settled, together."""
    payment = PaymentFactory(group=group, **payment_fields)
    with transaction.atomic():
        mark_paid(group=group, durable=False)
        settle_payment(payment=payment)
    return payment


def refund(payment: Payment, amount: str, *, order: Order | None = None, to_wallet=False) -> Refund:
    """``amount`` went back to the buyer, as ``refund_payment`` records a success."""
    amount_ = Decimal(amount)
    with transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(refunded_amount=F("refunded_amount") + amount_)
        record = Refund.objects.create(
            payment=payment,
            order=order,
            amount=amount_,
            currency=payment.currency,
            to_wallet=to_wallet,
            reason="Returned",
            status=RefundStatus.SUCCEEDED,
            succeeded_at=timezone.now(),
        )
        settle_refund(refund=record)
    return record


def complete(order: Order) -> Order:
    """The shop ships the order and the buyer confirms receipt."""
    order = ship_order(
        order=order, by=owner_of(order.shop), carrier="Black Cat", tracking_number="TW1"
    )
    return confirm_receipt(order=Order.objects.get(pk=order.pk), by=order.buyer)


def pending(shop, currency="USD") -> Decimal:
    return balance_of(shop_account(shop=shop, kind=AccountKind.MERCHANT_PENDING, currency=currency))


def available(shop, currency="USD") -> Decimal:
    return balance_of(
        shop_account(shop=shop, kind=AccountKind.MERCHANT_AVAILABLE, currency=currency)
    )


def platform(kind: str, currency="USD", provider="") -> Decimal:
    return balance_of(platform_account(kind=kind, currency=currency, provider=provider))


def ledger_counts() -> tuple[int, int, int]:
    from payments.models import LedgerTransaction

    return (
        LedgerTransaction.objects.count(),
        LedgerEntry.objects.count(),
        Payout.objects.count(),
    )


def assert_ledger_consistent() -> None:
    """Every transaction balances, each account's balance is the sum of its entries on its normal
    side (summed here row by row), and the whole ledger sums to zero."""
    assert unbalanced_transactions() == []
    for account in LedgerAccount.objects.all():
        by_hand = ZERO
        for debit, credit in LedgerEntry.objects.filter(account=account).values_list(
            "debit", "credit"
        ):
            by_hand += debit - credit
        if account.kind not in DEBIT_NORMAL:
            by_hand = -by_hand
        assert balance_of(account) == by_hand, account.code
    totals = LedgerEntry.objects.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    assert totals["debit"] == totals["credit"]
