"""The payment providers by code, and which ones this platform offers (``PAYMENT_PROVIDERS``)."""

from django.conf import settings

from .base import Provider
from .stripe import StripeProvider

_PROVIDERS: dict[str, Provider] = {}
_PROVIDERS["stripe"] = StripeProvider()


def get(code: str) -> Provider:
    """The provider with this code, if this platform offers it; ``KeyError`` otherwise."""
    if code not in settings.PAYMENT_PROVIDERS:
        raise KeyError(code)
    return _PROVIDERS[code]


def offered() -> list[str]:
    return [code for code in settings.PAYMENT_PROVIDERS if code in _PROVIDERS]
