"""Demo data of orders: delivery prices, promotions, coupons and flash sales on the demo shops,
then the demo shopper's coupon wallet, cart and orders in every state (some of each at the demo
merchant's shop). Runs after the catalogue seed: it sells the demo shops' products. Idempotent
(see ``orders.demo.offers`` and ``orders.demo.shopping``).
"""

from collections.abc import Callable
from typing import Any

from .demo import offers, shopping


def run(*, options: dict[str, Any], log: Callable[[str], None]) -> None:
    offers.run(log=log)
    shopping.run(log=log)
