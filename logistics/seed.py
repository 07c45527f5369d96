"""Demo data of logistics: delivery pricing - shipping templates, shops' delivery settings, duty
rates (``demo.quotes``; after the orders seed, so the demo orders keep the prices they were
placed at); carriers with their service levels and the demo shopper's shipments in every state,
moving in the sandbox, with one cross-border parcel and its customs declaration
(``demo.shipments``); peak periods and a late dispatch (``demo.ops``). Idempotent.
"""

from collections.abc import Callable
from typing import Any

from .demo import ops, quotes, shipments


def run(*, options: dict[str, Any], log: Callable[[str], None]) -> None:
    quotes.run(log=log)
    shipments.run(log=log)
    ops.run(log=log)
