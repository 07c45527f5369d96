"""The payments demo: sandbox payments behind the demo shopper's paid orders, a declined attempt
on the order waiting for payment, a partial refund, store credit and a payment held for review;
safe to run twice."""

from decimal import Decimal

import pytest
from django.db import transaction

from catalog import seed as catalog_seed
from marketplace.accounts import seed as accounts_seed
from marketplace.accounts.models import User
from marketplace.sellers.demo import onboarding
from orders import seed as orders_seed
from orders.models import GroupStatus, OrderGroup
from payments import seed as payments_seed
from payments.models import Payment, PaymentStatus, Refund, RefundStatus
from payments.services import wallets
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

    refund = Refund.objects.get(payment__buyer=shopper)
    assert (refund.amount, refund.status) == (Decimal("2.00"), RefundStatus.SUCCEEDED)
    assert wallets.balance_of(user=shopper) == Decimal("50.00")

    held = Payment.objects.get(buyer=shopper, needs_review=True)
    assert held.status == PaymentStatus.SUCCEEDED
    assert held.group.status == GroupStatus.PENDING_PAYMENT
    assert held.review_reason

    counts = (Payment.objects.count(), Refund.objects.count(), OrderGroup.objects.count())
    with django_capture_on_commit_callbacks():
        seed()
    assert (Payment.objects.count(), Refund.objects.count(), OrderGroup.objects.count()) == counts
    assert wallets.balance_of(user=shopper) == Decimal("50.00")
