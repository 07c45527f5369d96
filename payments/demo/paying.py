"""The demo shopper's payments, made through the payments services as a provider and finance
staff would make them. Each step looks for what it made on an earlier run first (fixed numbers,
references and idempotency keys), so running the seed again adds nothing.
"""

import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.core.states import transition
from orders.demo.shops import ELECTRONICS, SHOPPER, demo_shops, stocked_variants
from orders.errors import OrdersError
from orders.models import GroupStatus, OrderGroup
from orders.selectors import amount_due
from orders.services.checkout import place_order

from ..models import Payment, PaymentPurpose, PaymentStatus, Refund
from ..providers.base import Outcome
from ..services import paying, refunds, settlement
from ..states import PAYMENT

STAFF = "staff@example.com"
HELD_KEY = uuid.uuid5(uuid.NAMESPACE_URL, "https://marketplace.example/demo/payments/held")
TOP_UP_NUMBER = "PDEMOTOPUP"
TOP_UP = Decimal("50.00")
GOODWILL = Decimal("2.00")
HISTORY_AGE = timedelta(hours=2)


def run(*, log: Callable[[str], None]) -> None:
    shopper = User.objects.filter(email=SHOPPER).first()
    if shopper is None:
        log("payments: no demo shopper yet, no demo payments")
        return
    staff = User.objects.filter(email=STAFF).first()
    recorded = _record_paid_groups(shopper)
    declined = _declined_attempt(shopper)
    refunded = _goodwill_refund(shopper, staff)
    topped_up = _store_credit(shopper)
    held = _held_payment(shopper)
    log(
        f"payments: {recorded} payments recorded, {declined} declined attempt, {refunded} refund, "
        f"{topped_up} top-up, {held} payment held for review for {SHOPPER}"
    )


def _as_history(payment: Payment) -> None:
    """Demo payments happened earlier, not during the seed: risk control's velocity rules (a
    few attempts in minutes) must not hold the demo shopper's first real payment."""
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - HISTORY_AGE)


def _demo_number(group: OrderGroup) -> str:
    return f"PD{group.number}"[:24]


def _record_paid_groups(shopper: User) -> int:
    """The orders seed paid some groups itself: give each its succeeded sandbox payment (and
    the shops their settled shares), as the sandbox would have."""
    made = 0
    paid = OrderGroup.objects.filter(buyer=shopper, paid_at__isnull=False).exclude(
        payments__status=PaymentStatus.SUCCEEDED
    )
    for group in paid:
        due = amount_due(group=group)
        if due <= 0:
            continue
        with transaction.atomic(durable=True):
            payment = Payment.objects.create(
                number=_demo_number(group),
                group=group,
                buyer=shopper,
                provider="sandbox",
                amount=due,
                currency=group.currency,
                provider_reference=f"sbx_demo_{group.number}",
                card_country=group.country,
            )
            _as_history(payment)
            transition(
                payment,
                to=PaymentStatus.SUCCEEDED,
                allowed=PAYMENT,
                reason="demo",
                changes={"succeeded_at": group.paid_at},
            )
            settlement.settle_payment(payment=payment)
        made += 1
    return made


def _declined_attempt(shopper: User) -> int:
    group = (
        OrderGroup.objects.filter(buyer=shopper, status=GroupStatus.PENDING_PAYMENT)
        .exclude(idempotency_key=HELD_KEY)
        .exclude(payments__isnull=False)
        .order_by("created_at")
        .first()
    )
    if group is None:
        return 0
    payment = Payment.objects.create(
        number=_demo_number(group),
        group=group,
        buyer=shopper,
        provider="sandbox",
        amount=amount_due(group=group),
        currency=group.currency,
        provider_reference=f"sbx_demo_{group.number}",
    )
    _as_history(payment)
    paying.record_outcome(
        payment=payment,
        outcome=Outcome(
            reference=payment.provider_reference,
            status=PaymentStatus.FAILED,
            failure_code="card_declined",
            failure_message="The card was declined (sandbox).",
        ),
    )
    return 1


def _goodwill_refund(shopper: User, staff: User | None) -> int:
    if Refund.objects.filter(payment__buyer=shopper).exists():
        return 0
    payment = (
        Payment.objects.filter(buyer=shopper, status=PaymentStatus.SUCCEEDED, group__isnull=False)
        .select_related("group")
        .order_by("succeeded_at")
        .first()
    )
    if payment is None or payment.refundable_amount < GOODWILL:
        return 0
    order = payment.group.orders.order_by("pk").first()
    refunds.refund_payment(
        payment=payment,
        amount=GOODWILL,
        by=staff,
        reason="Goodwill: the parcel arrived late.",
        order=order,
    )
    return 1


def _store_credit(shopper: User) -> int:
    if Payment.objects.filter(number=TOP_UP_NUMBER).exists():
        return 0
    payment = Payment.objects.create(
        number=TOP_UP_NUMBER,
        purpose=PaymentPurpose.TOP_UP,
        buyer=shopper,
        provider="sandbox",
        amount=TOP_UP,
        currency=settings.DEFAULT_CURRENCY,
        provider_reference="sbx_demo_top_up",
    )
    _as_history(payment)
    paying.record_outcome(
        payment=payment,
        outcome=Outcome(reference=payment.provider_reference, status=PaymentStatus.SUCCEEDED),
    )
    return 1


def _held_payment(shopper: User) -> int:
    """An order paid with a card from another country than its address: held by risk control."""
    if OrderGroup.objects.filter(buyer=shopper, idempotency_key=HELD_KEY).exists():
        return 0
    shops = demo_shops()
    address = shopper.addresses.order_by("-is_default", "pk").first()
    if ELECTRONICS not in shops or address is None:
        return 0
    variants = stocked_variants(shops[ELECTRONICS].shop, count=1)
    if not variants:
        return 0
    try:
        group = place_order(
            buyer=shopper, pairs=[(variants[0].pk, 1)], address=address, idempotency_key=HELD_KEY
        )
    except OrdersError:
        return 0
    payment = Payment.objects.create(
        number=_demo_number(group),
        group=group,
        buyer=shopper,
        provider="sandbox",
        amount=amount_due(group=group),
        currency=group.currency,
        provider_reference=f"sbx_demo_{group.number}",
        ip_address="198.51.100.23",
    )
    _as_history(payment)
    paying.record_outcome(
        payment=payment,
        outcome=Outcome(
            reference=payment.provider_reference,
            status=PaymentStatus.SUCCEEDED,
            card_country="NG" if group.country != "NG" else "US",
        ),
    )
    return 1
