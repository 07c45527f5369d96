"""Staff pages of payments (``paying``: attempts, the held-payment queue, refunds, provider
events, wallets)."""

from . import paying  # noqa: F401
