"""Demo data of payments: the demo shopper's paid orders carry their sandbox payments, the order
waiting for payment has a declined attempt (the buyer can retry), one payment is partly
refunded, one is held for finance review, and the shopper has store credit. Runs after the
orders seed. Idempotent (see ``payments.demo.paying``).
"""

from collections.abc import Callable
from typing import Any

from .demo import paying

# The services called here are money entry points with their own durable transactions.
OWN_TRANSACTIONS = True


def run(*, options: dict[str, Any], log: Callable[[str], None]) -> None:
    paying.run(log=log)
