"""Staff pages of payments: risk rules, thresholds and assessments."""

from . import risk  # noqa: F401 - registers the model admins
