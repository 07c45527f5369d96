"""Staff pages of logistics: carriers with their service levels, shipments with their packages,
items, tracking events and customs declarations, and carriers' webhook events (``shipments``)."""

from . import shipments  # noqa: F401
