"""Errors of payments, refunds, wallets, payouts and currencies: a translatable message and a
stable code. Views turn them into form errors, tasks into retries."""

from marketplace.core.errors import DomainError


class PaymentError(DomainError):
    default_code = "payment_error"


class RefundError(PaymentError):
    default_code = "refund_error"


class WalletError(PaymentError):
    default_code = "wallet_error"


class ProviderError(PaymentError):
    """The provider refused or could not be reached; ``retryable`` says whether to try again."""

    default_code = "provider_error"

    def __init__(self, message: str, *, code: str | None = None, retryable: bool = False) -> None:
        super().__init__(message, code=code)
        self.retryable = retryable


class BadSignature(PaymentError):
    """A webhook whose signature does not verify: answered 400, nothing stored."""

    default_code = "bad_signature"


class LedgerError(PaymentError):
    """Entries that would not balance, or a settlement that cannot be made."""

    default_code = "ledger_error"


class PayoutError(PaymentError):
    default_code = "payout_error"


class CurrencyError(DomainError):
    """A display currency or exchange rate the marketplace cannot use."""

    default_code = "currency_error"


class ExchangeRateFeedError(DomainError):
    """The exchange-rate feed answered with something we refuse; nothing was changed."""

    default_code = "bad_feed"


class ExchangeRateFeedUnavailable(ExchangeRateFeedError):
    """The feed could not be reached or did not answer in time; worth trying again later."""

    default_code = "feed_unavailable"
