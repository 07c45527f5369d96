"""Every write of payments, one module per sub-domain: ``paying`` (attempts, outcomes, held
payments), ``webhooks``, ``refunds``, ``wallets`` (store credit), ``risk`` (scoring, the
two-factor gate on large refunds), ``ledger``, ``settlement``, ``commission``, ``payouts``."""
