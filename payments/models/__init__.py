"""Tables of payments: attempts, refunds, provider events and store-credit wallets (``paying``);
the double-entry ledger (``ledger``); commission rates and shop settlements (``settlement``);
payouts (``payouts``).

One-row facts only; every write goes through ``payments.services``.
"""

from .ledger import (
    AccountKind,
    EntryRole,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)
from .paying import (
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
from .settlement import CommissionRate, SettlementLine, ShopSettlement

__all__ = [
    "AccountKind",
    "CommissionRate",
    "EntryRole",
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
    "Refund",
    "RefundStatus",
    "SettlementLine",
    "ShopSettlement",
    "TransactionKind",
    "Wallet",
    "WalletEntry",
    "WalletEntryKind",
    "WebhookEvent",
]
