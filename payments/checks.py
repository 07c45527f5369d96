"""Deployment checks of payments: a production site refuses to start (``manage.py check`` and
every server start) when it offers the sandbox, which approves payments without any money, or
bank transfer to the demo account of the settings' defaults."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def sandbox_not_in_production(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if getattr(settings, "IS_PRODUCTION", False) and "sandbox" in settings.PAYMENT_PROVIDERS:
        return [
            Error(
                "The sandbox payment provider approves payments without money and is offered "
                "in production.",
                hint="Remove 'sandbox' from PAYMENT_PROVIDERS.",
                id="payments.E001",
            )
        ]
    return []


DEMO_BANK_ACCOUNT_NUMBER = "000-123-456789"


@register()
def real_bank_account_in_production(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    account = settings.BANK_TRANSFER_ACCOUNT
    if (
        getattr(settings, "IS_PRODUCTION", False)
        and "bank_transfer" in settings.PAYMENT_PROVIDERS
        and account.get("number") == DEMO_BANK_ACCOUNT_NUMBER
    ):
        return [
            Error(
                "Buyers paying by bank transfer would be sent to the demo account.",
                hint="Set BANK_TRANSFER_ACCOUNT_NAME, _BANK, _NUMBER and _SWIFT, or remove "
                "'bank_transfer' from PAYMENT_PROVIDERS.",
                id="payments.E002",
            )
        ]
    return []
