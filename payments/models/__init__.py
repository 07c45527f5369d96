"""Tables of payments: attempts, refunds, provider events and store-credit wallets (``paying``);
risk rules, thresholds and assessments (``risk``).

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
from .risk import (
    RiskAssessment,
    RiskDecision,
    RiskPolicy,
    RiskRule,
    RiskRuleCode,
    RiskStage,
)

__all__ = [
    "HeldPayment",
    "Payment",
    "PaymentPurpose",
    "PaymentStatus",
    "ProviderCode",
    "Refund",
    "RefundStatus",
    "RiskAssessment",
    "RiskDecision",
    "RiskPolicy",
    "RiskRule",
    "RiskRuleCode",
    "RiskStage",
    "Wallet",
    "WalletEntry",
    "WalletEntryKind",
    "WebhookEvent",
]
