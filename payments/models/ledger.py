"""The double-entry ledger: accounts, transactions and their entries.

Every movement of money the platform is responsible for - a payment received, a shop's share of
it and the commission taken, a refund, an escrow release, a payout - is one ``LedgerTransaction``
whose ``LedgerEntry`` rows balance (debits equal credits in each currency). Entries are written
only by ``payments.services.ledger.post_transaction``, which refuses an unbalanced set; on
PostgreSQL a deferred constraint trigger checks the same at commit and refuses any update or
delete of an entry (the ledger is append-only; a mistake is corrected by a new transaction).

Balances are never stored: an account's balance is the sum of its entries, on its normal side
(debit for assets and expenses, credit for liabilities and revenue).
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.core.fields import amount_field as _amount
from marketplace.sellers.models import Shop
from orders.models import Order

from .paying import Payment, Refund


class AccountKind(models.TextChoices):
    # The platform's own accounts (one per currency; clearing also one per provider).
    CLEARING = "clearing", _("Buyer payments clearing")
    UNALLOCATED = "unallocated", _("Buyer money not yet allocated to shops")
    COMMISSION_REVENUE = "commission_revenue", _("Commission revenue")
    PROMOTION_EXPENSE = "promotion_expense", _("Platform-funded discounts")
    REFUND_EXPENSE = "refund_expense", _("Refunds the platform bears")
    PAYOUTS_IN_TRANSIT = "payouts_in_transit", _("Payouts in transit")
    CASH = "cash", _("Platform bank (payouts paid)")
    STORE_CREDIT = "store_credit", _("Customer store credit")
    # Each shop's two accounts: what the platform owes it, held (escrow) and payable.
    MERCHANT_PENDING = "merchant_pending", _("Shop balance pending (escrow)")
    MERCHANT_AVAILABLE = "merchant_available", _("Shop balance available")


# Assets and expenses grow with debits; liabilities and revenue with credits.
DEBIT_NORMAL = frozenset(
    {
        AccountKind.CLEARING,
        AccountKind.PROMOTION_EXPENSE,
        AccountKind.REFUND_EXPENSE,
        AccountKind.CASH,
    }
)
SHOP_KINDS = frozenset({AccountKind.MERCHANT_PENDING, AccountKind.MERCHANT_AVAILABLE})


class LedgerAccount(models.Model):
    """One account of the ledger in one currency: a platform account, or one of a shop's two."""

    code = models.CharField(_("code"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=AccountKind)
    shop = models.ForeignKey(
        Shop,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
        verbose_name=_("shop"),
    )
    provider = models.CharField(
        _("payment method"),
        max_length=20,
        blank=True,
        help_text=_("Clearing accounts only: the provider holding the buyers' money."),
    )
    currency = models.CharField(_("currency"), max_length=3)
    created_at = models.DateTimeField(pgettext_lazy("ledger account", "opened"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["kind", "provider", "shop_id", "currency"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=sorted(SHOP_KINDS), shop__isnull=False)
                    | (~Q(kind__in=sorted(SHOP_KINDS)) & Q(shop__isnull=True))
                ),
                name="payments_account_shop_kinds",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        if self.shop_id:
            return f"{label} - {self.shop} ({self.currency})"
        if self.provider:
            return f"{label} - {self.provider} ({self.currency})"
        return f"{label} ({self.currency})"

    @property
    def is_debit_normal(self) -> bool:
        return self.kind in DEBIT_NORMAL


class TransactionKind(models.TextChoices):
    PAYMENT_RECEIVED = "payment_received", _("Payment received")
    SALE = "sale", _("Sale (shop's share and commission)")
    TOP_UP = "top_up", _("Store credit top-up")
    REFUND = "refund", _("Refund")
    RELEASE = "release", _("Escrow released")
    PAYOUT = "payout", _("Payout scheduled")
    PAYOUT_SENT = "payout_sent", _("Payout sent")
    PAYOUT_FAILED = "payout_failed", _("Payout failed")


class EntryRole(models.TextChoices):
    """What an entry is, for the people reading a statement."""

    RECEIVED = "received", _("Payment received")
    ALLOCATED = "allocated", _("Allocated to a shop's order")
    PLATFORM_DISCOUNT = "platform_discount", _("Discount funded by the platform")
    SALE = "sale", _("Sale")
    COMMISSION = "commission", _("Commission")
    TOP_UP = "top_up", _("Store credit top-up")
    REFUND = "refund", _("Refund to the buyer")
    COMMISSION_RETURNED = "commission_returned", _("Commission given back")
    PLATFORM_DISCOUNT_RETURNED = "platform_discount_returned", _("Platform discount taken back")
    REFUND_BORNE = "refund_borne", _("Refund borne by the platform")
    RELEASE = "release", _("Released from escrow")
    PAYOUT = "payout", _("Payout")
    PAYOUT_RETURNED = "payout_returned", _("Failed payout returned")


class LedgerTransaction(models.Model):
    """One balanced movement of money, written once under its ``key``."""

    key = models.CharField(
        _("key"),
        max_length=80,
        unique=True,
        help_text=_("What it records, once: a second posting with the same key changes nothing."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TransactionKind)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_transactions"
    )
    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_transactions"
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_transactions"
    )
    payout = models.ForeignKey(
        "payments.Payout",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_transactions",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"


class LedgerEntry(models.Model):
    """One side of a transaction on one account: a debit or a credit, never both."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    debit = _amount(_("debit"))
    credit = _amount(_("credit"))
    currency = models.CharField(_("currency"), max_length=3)
    role = models.CharField(_("what"), max_length=30, choices=EntryRole)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["account", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(debit__gt=0, credit=0) | Q(debit=0, credit__gt=0),
                name="payments_entry_one_side",
            ),
        ]

    def __str__(self) -> str:
        side = f"Dr {self.debit}" if self.debit else f"Cr {self.credit}"
        return f"{self.account.code} {side} {self.currency}"

    @property
    def signed_amount(self) -> Decimal:
        """The entry as it moves its account's balance (positive: the balance grows)."""
        change = self.debit - self.credit
        return change if self.account.is_debit_normal else -change
