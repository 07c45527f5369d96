"""PLACEHOLDER until the ledger branch merges (this session)."""

from typing import Any


def settle_payment(*, payment: Any) -> None:
    return None


def settle_refund(*, refund: Any) -> None:
    return None
