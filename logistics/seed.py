"""Demo data of logistics: peak periods and a late dispatch (``demo.ops``). Runs after the
orders and payments seeds: it flags one of their paid orders. Idempotent."""

from collections.abc import Callable
from typing import Any

from .demo import ops


def run(*, options: dict[str, Any], log: Callable[[str], None]) -> None:
    ops.run(log=log)
