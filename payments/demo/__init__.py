"""Demo data of payments, one module per part (``ledger``: commission rates, settled payments,
merchant balances and a payout)."""
