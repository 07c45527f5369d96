"""Errors of logistics: a translatable message and a stable code. Views and admin forms turn
them into form errors, tasks into retries (``CarrierError.retryable``) or a stop."""

from marketplace.core.errors import DomainError


class LogisticsError(DomainError):
    default_code = "logistics_error"


class PeakPeriodError(LogisticsError):
    default_code = "peak_period_invalid"


class ShipmentError(LogisticsError):
    """A shipment that cannot be made or booked as asked; nothing was changed."""

    default_code = "shipment_error"


class CarrierError(LogisticsError):
    """The carrier refused or could not be reached; ``retryable`` says whether to try again."""

    default_code = "carrier_error"

    def __init__(self, message: str, *, code: str | None = None, retryable: bool = False) -> None:
        super().__init__(message, code=code)
        self.retryable = retryable


class BadSignature(LogisticsError):
    """A carrier's webhook whose signature does not verify: answered 400, nothing stored."""

    default_code = "bad_signature"


class EventNotApplicable(LogisticsError):
    """A stored carrier event that cannot be applied (yet): its shipment is unknown."""

    default_code = "event_not_applicable"


class ShippingTemplateError(LogisticsError):
    """A shipping template, its regions or a product assignment that is not valid or not the
    asker's to change; nothing was changed."""

    default_code = "shipping_template_error"


class DeliverySettingsError(LogisticsError):
    """A shop's delivery settings that are not valid or not the asker's to change."""

    default_code = "delivery_settings_error"
