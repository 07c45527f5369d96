"""Payment attempts, refunds, the providers' webhook events and the buyers' store-credit wallets.

A ``Payment`` is one attempt to pay an order group (or to top up a wallet) through one provider;
the attempt that succeeded is the group's payment. Amounts are ``DecimalField(max_digits=14,
decimal_places=2)`` in the row's ``currency`` (the platform's base currency); integer minor units
exist only inside a provider module.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.core.fields import amount_field as _amount
from marketplace.notifications.models import InboundEvent
from orders.models import Order, OrderGroup


class ProviderCode(models.TextChoices):
    SANDBOX = "sandbox", _("Sandbox (test payments)")
    STRIPE = "stripe", _("Card, Alipay or WeChat Pay (Stripe)")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    STORE_CREDIT = "store_credit", _("Store credit")
    CASH_ON_DELIVERY = "cash_on_delivery", _("Cash on delivery")


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("Created")
    REQUIRES_ACTION = "requires_action", _("Waiting for the buyer")
    PROCESSING = "processing", _("Processing")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentPurpose(models.TextChoices):
    ORDER = "order", _("Order")
    TOP_UP = "top_up", _("Store credit top-up")


class Payment(models.Model):
    """One attempt to pay an order group (or top up a wallet) through one provider."""

    number = models.CharField(pgettext_lazy("payment", "number"), max_length=24, unique=True)
    purpose = models.CharField(
        _("purpose"), max_length=10, choices=PaymentPurpose, default=PaymentPurpose.ORDER
    )
    group = models.ForeignKey(
        OrderGroup,
        on_delete=models.PROTECT,
        related_name="payments",
        null=True,
        blank=True,
        verbose_name=_("order group"),
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    provider = models.CharField(_("method"), max_length=20, choices=ProviderCode)
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus, default=PaymentStatus.CREATED
    )
    amount = _amount(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    refunded_amount = _amount(_("refunded"))
    # Sent to the provider with every call about this attempt, so a retried call is one charge.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True)
    # What the provider needs to continue (a hosted page's address, Stripe's client secret...).
    provider_data = models.JSONField(default=dict, blank=True)
    failure_code = models.CharField(_("failure code"), max_length=64, blank=True)
    failure_message = models.CharField(_("failure"), max_length=300, blank=True)
    needs_review = models.BooleanField(
        _("held for finance review"),
        default=False,
        help_text=_("Money arrived but the order is held until finance staff decide."),
    )
    review_reason = models.CharField(_("why held"), max_length=300, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    session_key = models.CharField(_("session"), max_length=64, blank=True)
    card_country = models.CharField(_("card country"), max_length=2, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    succeeded_at = models.DateTimeField(_("succeeded"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["group", "status"]),
            models.Index(fields=["buyer", "-created_at"]),
            models.Index(fields=["status", "needs_review"]),
            # Risk control counts recent attempts per browser session and per IP address.
            models.Index(fields=["session_key", "created_at"]),
            models.Index(fields=["ip_address", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="payments_provider_reference_unique",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=models.F("amount")),
                name="payments_refunded_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(purpose="top_up") | Q(group__isnull=False),
                name="payments_order_has_group",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def refundable_amount(self) -> Decimal:
        if self.status != PaymentStatus.SUCCEEDED:
            return Decimal("0")
        return self.amount - self.refunded_amount


class HeldPayment(Payment):
    """The finance queue: payments whose money arrived but that wait for a staff decision."""

    class Meta:
        proxy = True
        verbose_name = _("payment held for review")
        verbose_name_plural = _("payments held for review")


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Failed")


class Refund(models.Model):
    """Money going back to the buyer through the provider that took it (or to the wallet)."""

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment")
    )
    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        related_name="refunds",
        null=True,
        blank=True,
        verbose_name=_("order"),
        help_text=_("The shop's order the money comes back from; empty for a whole top-up."),
    )
    amount = _amount(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    to_wallet = models.BooleanField(_("to store credit"), default=False)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=RefundStatus, default=RefundStatus.PENDING
    )
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True)
    failure_message = models.CharField(_("failure"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    succeeded_at = models.DateTimeField(_("refunded"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.payment} - {self.amount} {self.currency}"


class WebhookEvent(InboundEvent):
    """A provider's notification, stored (once, by its id) before anything acts on it."""

    provider = models.CharField(_("provider"), max_length=20, choices=ProviderCode)
    event_id = models.CharField(_("event id"), max_length=255)
    kind = models.CharField(_("type"), max_length=100)

    class Meta(InboundEvent.Meta):
        verbose_name = _("provider event")
        verbose_name_plural = _("provider events")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="payments_event_once")
        ]
        indexes = [models.Index(fields=["processed_at", "received_at"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.event_id}"


class Wallet(models.Model):
    """A buyer's store credit, in the base currency. The balance changes only through
    ``services.wallets`` with a conditional UPDATE, and equals the sum of its entries."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="wallet"
    )
    balance = _amount(_("balance"))
    currency = models.CharField(_("currency"), max_length=3)

    class Meta:
        verbose_name = _("store-credit wallet")
        verbose_name_plural = _("store-credit wallets")
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="payments_wallet_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.balance} {self.currency}"


class WalletEntryKind(models.TextChoices):
    TOP_UP = "top_up", _("Top-up")
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")
    ADJUSTMENT = "adjustment", _("Adjustment by staff")


class WalletEntry(models.Model):
    wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=WalletEntryKind)
    amount = _amount(_("amount"), help_text=_("Positive adds credit, negative spends it."))
    balance_after = _amount(_("balance after"))
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="wallet_entries"
    )
    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="wallet_entries"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("store-credit entry")
        verbose_name_plural = _("store-credit entries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One entry per payment and per refund: spending or refunding twice is impossible.
            models.UniqueConstraint(
                fields=["payment", "kind"],
                condition=Q(payment__isnull=False) & Q(refund__isnull=True),
                name="payments_wallet_entry_per_payment",
            ),
            models.UniqueConstraint(
                fields=["refund"], condition=Q(refund__isnull=False), name="payments_wallet_refund"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wallet} {self.kind} {self.amount}"
