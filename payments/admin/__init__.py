"""Staff pages of payments (``ledger``: accounts with balances, transactions with their entries,
commission rates, settlements, payout accounts and payouts)."""

from . import ledger  # noqa: F401
