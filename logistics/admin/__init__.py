"""Staff pages of logistics: carriers with their service levels, shipments with their packages,
items, tracking events and customs declarations, and carriers' webhook events (``shipments``);
peak periods, late dispatches and the delivery performance report (``ops``)."""

from . import ops, shipments  # noqa: F401
