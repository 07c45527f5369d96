"""Staff pages of logistics: carriers with their service levels, shipments with their packages,
items, tracking events and customs declarations, and carriers' webhook events (``shipments``);
peak periods, late dispatches and the delivery performance report (``ops``); shipping templates
(read-only), duty rates and shops' delivery settings (``templates``)."""

from . import ops, shipments, templates  # noqa: F401
