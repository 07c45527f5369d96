"""Forms of the sellers pages, one module per area."""
