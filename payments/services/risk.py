"""PLACEHOLDER until the risk branch merges (this session): every payment is allowed."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

ALLOW, REVIEW, BLOCK = "allow", "review", "block"


@dataclass
class _Assessment:
    decision: str = ALLOW
    reasons: list[Any] = field(default_factory=list)


def assess_payment(*, payment: Any, now: datetime, stage: str = "start") -> _Assessment:
    return _Assessment()


def held_reasons(*, payment: Any, now: datetime, stage: str) -> list[str]:
    return []


def check_refund_allowed(*, by: Any, amount: Decimal) -> None:
    return None
