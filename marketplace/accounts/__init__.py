"""Accounts: the custom user (e-mail login through allauth), profile preferences, the address
book, and the platform's roles (staff groups). Must not know about shops or orders."""
