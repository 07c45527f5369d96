"""Staff admin for sellers, one module per area."""

from . import onboarding, rules, shops  # noqa: F401
