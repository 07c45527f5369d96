"""Demo data of payments, one module per part (``paying``: the shopper's payments, a refund, a
held payment, store credit; ``ledger``: commission rates, merchant balances and a payout);
``payments.seed`` runs them."""
