"""Admin: carts."""
