"""Demo data of payments, one module per sub-domain; ``payments.seed`` runs them."""
