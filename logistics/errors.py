"""Errors of logistics: a translatable message and a stable code. Views and admin forms turn
them into form errors, tasks into retries or stops."""

from marketplace.core.errors import DomainError


class LogisticsError(DomainError):
    default_code = "logistics_error"


class PeakPeriodError(LogisticsError):
    default_code = "peak_period_invalid"
