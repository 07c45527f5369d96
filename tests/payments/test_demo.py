"""The payments demo: sandbox payments behind the demo shopper's paid orders, a declined attempt
on the order waiting for payment, a partial refund, store credit and a payment held for review;
commission rates, the paid orders settled, completed orders' shares available, one payout sent
to the demo merchant; the ledger balances, and a second run changes nothing."""

from decimal import Decimal

import pytest
from django.db import transaction

from catalog import seed as catalog_seed
from marketplace.accounts import seed as accounts_seed
from marketplace.accounts.models import User
from marketplace.sellers.demo import onboarding
from marketplace.sellers.models import Shop
from orders import seed as orders_seed
from orders.models import GroupStatus, Order, OrderGroup, OrderStatus
from payments import seed as payments_seed
from payments.models import (
    CommissionRate,
    Payment,
    PaymentStatus,
    Payout,
    PayoutStatus,
    Refund,
    RefundStatus,
    ShopSettlement,
)
from payments.services import wallets
from tests.payments.factories import approve, started_payment
from tests.payments.ledger_support import assert_ledger_consistent, available, ledger_counts
from tests.sellers.conftest import private_files  # noqa: F401 - the fixture, used below

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


def seed() -> list[str]:
    lines: list[str] = []
    with transaction.atomic():  # as seed_demo runs them
        accounts_seed.run(options={}, log=lines.append)
        onboarding.run(log=lines.append)
        catalog_seed.run(options={"demo_per_leaf": 1}, log=lines.append)
        orders_seed.run(options={}, log=lines.append)
    payments_seed.run(options={}, log=lines.append)  # OWN_TRANSACTIONS
    return lines


def test_demo_payments_show_every_case_and_a_second_run_adds_nothing(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks():
        seed()
    shopper = User.objects.get(email="shopper@example.com")
    paid_groups = OrderGroup.objects.filter(buyer=shopper, paid_at__isnull=False)
    assert paid_groups.exists()
    for group in paid_groups:
        assert group.payments.filter(status=PaymentStatus.SUCCEEDED).count() == 1

    waiting = OrderGroup.objects.filter(
        buyer=shopper, status=GroupStatus.PENDING_PAYMENT, payments__status=PaymentStatus.FAILED
    )
    assert waiting.count() == 1
    waiting_group = waiting.get()

    refund = Refund.objects.get(payment__buyer=shopper)
    assert (refund.amount, refund.status) == (Decimal("2.00"), RefundStatus.SUCCEEDED)
    assert wallets.balance_of(user=shopper) == Decimal("50.00")

    held = Payment.objects.get(buyer=shopper, needs_review=True)
    assert held.status == PaymentStatus.SUCCEEDED
    assert held.group.status == GroupStatus.PENDING_PAYMENT
    assert held.review_reason

    assert CommissionRate.objects.filter(category__slug="phone-cases").exists()
    paid = Order.objects.filter(
        buyer=shopper,
        status__in=[OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, "completed"],
    )
    assert set(ShopSettlement.objects.values_list("order", flat=True)) == set(
        paid.values_list("pk", flat=True)
    )
    outfitters = Shop.objects.get(merchant__members__user__email="merchant@example.com")
    payout = Payout.objects.get()
    assert (payout.shop, payout.status) == (outfitters, PayoutStatus.SENT)
    released = ShopSettlement.objects.filter(released_at__isnull=False)
    assert set(released.values_list("order__status", flat=True)) == {OrderStatus.COMPLETED}
    others = released.exclude(shop=outfitters)
    assert others and all(available(s.shop) > 0 for s in others)
    assert ShopSettlement.objects.filter(released_at__isnull=True, shop=outfitters).exists()
    assert_ledger_consistent()

    counts = (
        Payment.objects.count(),
        Refund.objects.count(),
        OrderGroup.objects.count(),
        ledger_counts(),
        CommissionRate.objects.count(),
        ShopSettlement.objects.count(),
    )
    with django_capture_on_commit_callbacks():
        seed()
    assert (
        Payment.objects.count(),
        Refund.objects.count(),
        OrderGroup.objects.count(),
        ledger_counts(),
        CommissionRate.objects.count(),
        ShopSettlement.objects.count(),
    ) == counts
    assert wallets.balance_of(user=shopper) == Decimal("50.00")

    # The demo shopper pays the waiting order (after its declined attempt) and is not held.
    payment = approve(started_payment(group=waiting_group))
    assert not payment.needs_review, payment.review_reason
    waiting_group.refresh_from_db()
    assert waiting_group.status == GroupStatus.PAID
