"""Staff pages of payments: attempts, the held-payment queue, refunds, provider events and
wallets (``paying``); risk rules, thresholds and assessments (``risk``)."""

from . import paying, risk  # noqa: F401
