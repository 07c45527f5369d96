"""The money side of the demo: commission rates, the demo shopper's paid orders settled, shares
of completed orders available, one payout sent to the demo merchant; the ledger balances and a
second run changes nothing."""

import pytest
from django.db import transaction

from catalog import seed as catalog_seed
from marketplace.accounts import seed as accounts_seed
from marketplace.sellers.demo import onboarding
from marketplace.sellers.models import Shop
from orders import seed as orders_seed
from orders.models import Order, OrderStatus
from payments import seed as payments_seed
from payments.models import CommissionRate, Payout, PayoutStatus, ShopSettlement
from tests.payments.ledger_support import assert_ledger_consistent, available, ledger_counts
from tests.sellers.conftest import private_files  # noqa: F401 - the fixture, used below

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


def seed_everything(lines: list[str]) -> None:
    with transaction.atomic():  # as seed_demo runs it
        accounts_seed.run(options={}, log=lines.append)
        onboarding.run(log=lines.append)
        catalog_seed.run(options={"demo_per_leaf": 1}, log=lines.append)
        orders_seed.run(options={}, log=lines.append)
        payments_seed.run(options={}, log=lines.append)


def test_the_demo_has_rates_balances_and_a_payout_and_is_idempotent(
    django_capture_on_commit_callbacks,
):
    lines: list[str] = []
    with django_capture_on_commit_callbacks():
        seed_everything(lines)

    assert CommissionRate.objects.filter(category__slug="phone-cases").exists()
    paid = Order.objects.filter(
        buyer__email="shopper@example.com",
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
    before = (ledger_counts(), CommissionRate.objects.count(), ShopSettlement.objects.count())

    with django_capture_on_commit_callbacks():
        seed_everything(lines)

    after = (ledger_counts(), CommissionRate.objects.count(), ShopSettlement.objects.count())
    assert after == before
