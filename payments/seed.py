"""Demo data of payments: commission rates, settled payments, merchant balances and a payout
(``payments.demo.ledger``). Runs after the orders seed: it settles the demo shopper's paid
orders. Idempotent."""

from collections.abc import Callable
from typing import Any

from .demo import ledger


def run(*, options: dict[str, Any], log: Callable[[str], None]) -> None:
    ledger.run(log=log)
