"""Demo data of payments: exchange rates for the display currencies (the demo shopper sees
approximate amounts in New Taiwan dollars); commission rates; the demo shopper's paid orders
with their sandbox payments, a declined attempt on the order waiting for payment (the buyer can
retry), a partly refunded payment, a payment held for review and store credit
(``demo.paying``); then the merchants' balances and a payout (``demo.ledger``). Runs after the
orders seed. Idempotent.
"""

from collections.abc import Callable
from typing import Any

from .demo import currencies, ledger, paying

# The services called here are money entry points with their own durable transactions.
OWN_TRANSACTIONS = True


def run(*, options: dict[str, Any], log: Callable[[str], None]) -> None:
    currencies.run(log=log)
    rates = ledger.ensure_rates()
    log(f"payments: {rates} commission rates")
    paying.run(log=log)
    ledger.run(log=log)
