"""Tables of payments: attempts, refunds, provider events and store-credit wallets (``paying``);
risk rules, thresholds and assessments (``risk``); the double-entry ledger (``ledger``);
commission rates and shop settlements (``settlement``); payouts (``payouts``); exchange
rates for display currencies (``currencies``).

One-row facts only; every write goes through ``payments.services``.
"""

from .currencies import ExchangeRate, RateSource
from .ledger import (
    AccountKind,
    EntryRole,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)
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
from .payouts import Payout, PayoutAccount, PayoutMethod, PayoutStatus
from .risk import (
    RiskAssessment,
    RiskDecision,
    RiskPolicy,
    RiskRule,
    RiskRuleCode,
    RiskStage,
)
from .settlement import CommissionRate, SettlementLine, ShopSettlement

__all__ = [
    "AccountKind",
    "CommissionRate",
    "EntryRole",
    "ExchangeRate",
    "HeldPayment",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "Payment",
    "PaymentPurpose",
    "PaymentStatus",
    "Payout",
    "PayoutAccount",
    "PayoutMethod",
    "PayoutStatus",
    "ProviderCode",
    "RateSource",
    "Refund",
    "RefundStatus",
    "RiskAssessment",
    "RiskDecision",
    "RiskPolicy",
    "RiskRule",
    "RiskRuleCode",
    "RiskStage",
    "SettlementLine",
    "ShopSettlement",
    "TransactionKind",
    "Wallet",
    "WalletEntry",
    "WalletEntryKind",
    "WebhookEvent",
]
