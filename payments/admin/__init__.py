"""Staff pages of payments: attempts, the held-payment queue, refunds, provider events and
wallets (``paying``); risk rules, thresholds and assessments (``risk``); ledger accounts and
transactions, commission rates, settlements, payout accounts and payouts (``ledger``); exchange
rates (``currencies``)."""

from . import currencies, ledger, paying, risk  # noqa: F401
