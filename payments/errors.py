"""Errors the payments services raise; views turn them into form errors, tasks into retries."""

from marketplace.core.errors import DomainError


class CurrencyError(DomainError):
    """A display currency or exchange rate the marketplace cannot use."""

    default_code = "currency_error"


class ExchangeRateFeedError(DomainError):
    """The exchange-rate feed answered with something we refuse; nothing was changed."""

    default_code = "bad_feed"


class ExchangeRateFeedUnavailable(ExchangeRateFeedError):
    """The feed could not be reached or did not answer in time; worth trying again later."""

    default_code = "feed_unavailable"
