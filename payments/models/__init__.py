"""Tables of payments: attempts, refunds, provider events and store-credit wallets (``paying``).

One-row facts only; every write goes through ``payments.services``.
"""

from .paying import (
    HeldPayment,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    ProviderCode,
    Refund,
    RefundStatus,
    Wallet,
    WalletEntry,
    WalletEntryKind,
    WebhookEvent,
)

__all__ = [
    "HeldPayment",
    "Payment",
    "PaymentPurpose",
    "PaymentStatus",
    "ProviderCode",
    "Refund",
    "RefundStatus",
    "Wallet",
    "WalletEntry",
    "WalletEntryKind",
    "WebhookEvent",
]
