"""Payout runs at once on real PostgreSQL: however many race for one shop's balance, it is paid
out once, and the ledger still balances."""

from decimal import Decimal

import pytest

from payments.models import AccountKind, Payout
from payments.services.payouts import schedule_payout
from tests.payments.ledger_support import assert_ledger_consistent, available, platform
from tests.payments.test_payouts import credit_available
from tests.sellers.factories import ShopFactory
from tests.threads import raised, run_together

THREADS = 12

pytestmark = pytest.mark.django_db(transaction=True)


def test_racing_payout_runs_pay_a_balance_once():
    shop = ShopFactory()
    credit_available(shop, "80.00")
    results = run_together(*[lambda: schedule_payout(shop=shop.pk)] * THREADS)

    assert not raised(results) and len(results) == THREADS
    assert len([payout for payout in results if payout is not None]) == 1
    assert Payout.objects.get().amount == Decimal("80.00")
    assert available(shop) == 0
    assert platform(AccountKind.PAYOUTS_IN_TRANSIT) == Decimal("80.00")
    assert_ledger_consistent()
