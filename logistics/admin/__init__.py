"""Staff pages of logistics: shipping templates (read-only), duty rates and shops' delivery
settings (``templates``)."""

from . import templates  # noqa: F401
