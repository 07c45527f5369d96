"""Deployment checks of payments: the sandbox approves payments without any money, so a
production site that offers it refuses to start (``manage.py check --deploy`` and runserver)."""

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
