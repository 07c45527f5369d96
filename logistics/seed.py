"""Demo data of logistics: carriers with their service levels and the demo shopper's shipments
in every state, moving in the sandbox, with one cross-border parcel and its customs declaration
(``demo.shipments``); peak periods and a late dispatch (``demo.ops``). Runs after the orders
and payments seeds. Idempotent.
"""

from collections.abc import Callable
from typing import Any

from .demo import ops, shipments


def run(*, options: dict[str, Any], log: Callable[[str], None]) -> None:
    shipments.run(log=log)
    ops.run(log=log)
