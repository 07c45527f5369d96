"""Payout runs at once on real PostgreSQL: however many race for one shop's balance, it is paid
out once, and the ledger still balances."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from payments.models import AccountKind, Payout
from payments.services.payouts import schedule_payout
from tests.payments.ledger_support import assert_ledger_consistent, available, platform
from tests.payments.test_payouts import credit_available
from tests.sellers.factories import ShopFactory

THREADS = 12

pytestmark = pytest.mark.django_db(transaction=True)


def test_racing_payout_runs_pay_a_balance_once():
    shop = ShopFactory()
    credit_available(shop, "80.00")
    start = threading.Barrier(THREADS)
    results: list[object] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            start.wait()
            payout = schedule_payout(shop=shop.pk)
            with lock:
                results.append(payout)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == THREADS
    assert len([payout for payout in results if payout is not None]) == 1
    assert Payout.objects.get().amount == Decimal("80.00")
    assert available(shop) == 0
    assert platform(AccountKind.PAYOUTS_IN_TRANSIT) == Decimal("80.00")
    assert_ledger_consistent()
