"""Staff pages of payments, one module per sub-domain."""

from . import currencies  # noqa: F401 - registers the model admins
