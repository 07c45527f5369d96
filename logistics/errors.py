"""Errors of logistics: a translatable message and a stable code. Views turn them into form
errors, tasks into retries or a stop."""

from marketplace.core.errors import DomainError


class LogisticsError(DomainError):
    default_code = "logistics_error"


class ShippingTemplateError(LogisticsError):
    """A shipping template, its regions or a product assignment that is not valid or not the
    asker's to change; nothing was changed."""

    default_code = "shipping_template_error"


class DeliverySettingsError(LogisticsError):
    """A shop's delivery settings that are not valid or not the asker's to change."""

    default_code = "delivery_settings_error"
