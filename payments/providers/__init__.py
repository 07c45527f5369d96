"""The payment providers by code, and which ones this platform offers (``PAYMENT_PROVIDERS``)."""

from django.conf import settings

from .bank_transfer import BankTransferProvider
from .base import Provider
from .cash_on_delivery import CashOnDeliveryProvider
from .sandbox import SandboxProvider
from .store_credit import StoreCreditProvider
from .stripe import StripeProvider

_PROVIDERS: dict[str, Provider] = {
    provider.code: provider
    for provider in (
        SandboxProvider(),
        StoreCreditProvider(),
        BankTransferProvider(),
        CashOnDeliveryProvider(),
        StripeProvider(),
    )
}


def get(code: str) -> Provider:
    """The provider with this code, if this platform offers it; ``KeyError`` otherwise."""
    if code not in settings.PAYMENT_PROVIDERS:
        raise KeyError(code)
    return _PROVIDERS[code]


def offered() -> list[str]:
    return [code for code in settings.PAYMENT_PROVIDERS if code in _PROVIDERS]
