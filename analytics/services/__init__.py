"""Analytics services, one module per sub-domain."""
