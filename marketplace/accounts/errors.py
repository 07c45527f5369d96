"""Errors the accounts services raise; views turn them into form errors."""

from marketplace.core.errors import DomainError


class AccountError(DomainError):
    default_code = "account_error"
