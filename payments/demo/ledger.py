"""The money side of the demo: commission rates on a few categories, the demo shopper's paid
orders settled (each paid group gets its sandbox payment if it has none), the shares of completed
orders released to the shops' available balances, and one payout to the demo merchant's shop
(Demo Outfitters) paid by bank transfer and marked sent by the demo staff member.

Everything goes through the payments services, inside the seed's transaction (``durable=False``).
Idempotent: rates are found by category and start, a group with a payment that succeeded gets no
other, settling and releasing are idempotent themselves, and the payout is made only while the
demo merchant's shop has none.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from django.utils import timezone

from catalog.models import Category
from marketplace.accounts.models import User
from marketplace.sellers.models import MemberRole, Shop
from orders.models import GroupStatus, OrderStatus

from ..models import (
    CommissionRate,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    Payout,
    ShopSettlement,
)
from ..services.payouts import mark_payout_sent, schedule_payout
from ..services.settlement import release_available_funds, settle_payment

SHOPPER = "shopper@example.com"
STAFF = "staff@example.com"
MERCHANT = "merchant@example.com"  # owner of Demo Outfitters
# Category slug -> commission (%): top levels, and a leaf with a rate of its own.
RATES = {"electronics": "5.00", "fashion": "8.00", "beauty": "10.00", "phone-cases": "12.00"}
RATES_FROM = datetime(2024, 1, 1, tzinfo=UTC)
PAYOUT_REFERENCE = "DEMO-BANK-000001"


def run(*, log: Callable[[str], None]) -> None:
    """Balances from the demo payments (``payments.demo.paying`` made them, after
    ``ensure_rates``): every paid group settled, completed orders' shares released, a payout."""
    shopper = User.objects.filter(email=SHOPPER).first()
    if shopper is None:
        log("payments: no demo shopper, no balances")
        return
    settled = _settle(shopper)
    released = _release_completed()
    payout = _pay_out_demo_merchant()
    log(
        f"payments: {settled} payments settled, {released} shares released, "
        f"payout {'made' if payout else 'already there or none due'}"
    )


def ensure_rates() -> int:
    """Commission rates on a few demo categories (before any demo payment is settled)."""
    made = 0
    for category in Category.objects.filter(slug__in=RATES):
        _rate, created = CommissionRate.objects.get_or_create(
            category=category,
            valid_from=RATES_FROM,
            defaults={"percent": Decimal(RATES[category.slug]), "note": "Demo rate"},
        )
        made += created
    return made


def _settle(shopper: User) -> int:
    payments = Payment.objects.filter(
        buyer=shopper,
        purpose=PaymentPurpose.ORDER,
        status=PaymentStatus.SUCCEEDED,
        group__status=GroupStatus.PAID,
    ).order_by("pk")
    for payment in payments:
        settle_payment(payment=payment)
    return len(payments)


def _release_completed() -> int:
    """In the demo the holding period of completed orders is already over."""
    now = timezone.now()
    ShopSettlement.objects.filter(
        order__status=OrderStatus.COMPLETED, released_at__isnull=True
    ).update(release_at=now)
    return release_available_funds(now=now, durable=False)


def _pay_out_demo_merchant() -> Payout | None:
    shop = Shop.objects.filter(
        merchant__members__user__email=MERCHANT, merchant__members__role=MemberRole.OWNER
    ).first()
    staff = User.objects.filter(email=STAFF).first()
    if shop is None or staff is None or Payout.objects.filter(shop=shop).exists():
        return None
    payout = schedule_payout(shop=shop, minimum=Decimal("0.01"), durable=False)
    if payout is not None:
        mark_payout_sent(payout=payout, by=staff, reference=PAYOUT_REFERENCE, durable=False)
    return payout
