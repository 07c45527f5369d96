"""Errors the notifications services raise for people to read."""

from marketplace.core.errors import DomainError


class NotificationError(DomainError):
    default_code = "notification_error"
