"""Demo data of logistics: delivery pricing (shipping templates, shops' delivery settings, duty
rates; ``logistics.demo.quotes``). Runs after the orders seed, so the demo orders keep the prices
they were placed at. Idempotent."""

from collections.abc import Callable
from typing import Any

from .demo import quotes


def run(*, options: dict[str, Any], log: Callable[[str], None]) -> None:
    quotes.run(log=log)
