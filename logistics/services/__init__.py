"""Every write and rule of logistics, one module per sub-domain."""
