"""Demo merchants of every kind, decorated shops, applications waiting and rejected, and one shop
with a violation. Each part is idempotent."""

from collections.abc import Callable
from typing import Any

from .demo import dashboard, onboarding, rules


def run(*, options: dict[str, Any], log: Callable[[str], None]) -> None:
    onboarding.run(log=log)
    dashboard.run(log=log)
    rules.run(log=log)
