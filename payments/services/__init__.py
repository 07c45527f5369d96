"""Every write of payments, one module per sub-domain (paying, refunds, wallets, ledger,
settlement, commission, payouts)."""
