"""Payouts of shops' available balances, and where they go.

A ``Payout`` is scheduled by the beat job for a shop's whole available balance (moved in the
ledger to "payouts in transit"); it is then sent - by a Stripe Connect transfer when the shop has
a ``PayoutAccount`` with a connected account, else by finance staff who pay it by hand and mark it
sent - or it fails and the money is back in the shop's available balance.
"""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.sellers.models import Shop

stripe_account_id = RegexValidator(
    r"^acct_[A-Za-z0-9]+$", _("A connected Stripe account id looks like acct_1AbCdEf...")
)


class PayoutAccount(models.Model):
    """Where a shop's payouts go when not by hand: its connected Stripe account."""

    shop = models.OneToOneField(
        Shop, on_delete=models.CASCADE, related_name="payout_account", verbose_name=_("shop")
    )
    stripe_account_id = models.CharField(
        _("connected Stripe account"),
        max_length=64,
        blank=True,
        validators=[stripe_account_id],
        help_text=_("Empty: finance staff pay this shop by hand."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("payout account")
        verbose_name_plural = _("payout accounts")

    def __str__(self) -> str:
        return f"{self.shop}: {self.stripe_account_id or '-'}"


class PayoutStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("payout status", "Scheduled")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class PayoutMethod(models.TextChoices):
    MANUAL = "manual", _("Bank transfer by finance staff")
    STRIPE_CONNECT = "stripe_connect", _("Stripe Connect transfer")


class Payout(models.Model):
    """A shop's available balance on its way to the shop."""

    shop = models.ForeignKey(
        Shop, on_delete=models.PROTECT, related_name="payouts", verbose_name=_("shop")
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=20, choices=PayoutStatus, default=PayoutStatus.SCHEDULED
    )
    method = models.CharField(_("method"), max_length=20, choices=PayoutMethod)
    destination = models.CharField(
        _("destination"),
        max_length=64,
        blank=True,
        help_text=_("The connected Stripe account, for Stripe Connect payouts."),
    )
    reference = models.CharField(
        _("reference"),
        max_length=255,
        blank=True,
        help_text=_("The bank transfer's reference, or Stripe's transfer id."),
    )
    # Sent to Stripe with the transfer, so a retried task is one transfer.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    failure_reason = models.CharField(_("why it failed"), max_length=300, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("scheduled"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["shop", "-created_at"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_payout_positive"),
            models.CheckConstraint(
                condition=Q(method="manual") | ~Q(destination=""),
                name="payments_payout_connect_destination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop} {self.amount} {self.currency} ({self.get_status_display()})"

    @property
    def is_manual(self) -> bool:
        return self.method == PayoutMethod.MANUAL
