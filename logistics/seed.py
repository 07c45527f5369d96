"""Demo data of logistics: carriers with their service levels and the demo shopper's shipments
in every state, moving in the sandbox, with one cross-border parcel and its customs declaration
(``demo.shipments``). Runs after the orders and payments seeds. Idempotent.
"""

from collections.abc import Callable
from typing import Any

from .demo import shipments


def run(*, options: dict[str, Any], log: Callable[[str], None]) -> None:
    shipments.run(log=log)
