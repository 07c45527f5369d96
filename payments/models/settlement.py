"""Commission rates and the durable split of each paid order between its shop and the platform.

``CommissionRate`` rows are per category with the moment they take effect, so the rate "in force"
at any moment can be found again and a new rate never changes a past split. ``ShopSettlement``
is one paid order's split, written once at payment time (unique per order), with one
``SettlementLine`` per order line telling which rate was applied to what. The money itself moves
in the ledger (``payments.models.ledger``); these rows explain it and track the escrow release
and what refunds have taken back.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.models import Category
from marketplace.core.fields import amount_field as _amount
from marketplace.core.fields import percent_field as _percent
from marketplace.sellers.models import Shop
from orders.models import Order, OrderLine

from .paying import Payment


class CommissionRate(models.Model):
    """The platform's commission on a category's sales from ``valid_from`` on (until a later row
    of the same category). Subcategories without rates of their own use their parent's."""

    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="commission_rates",
        verbose_name=_("category"),
    )
    percent = _percent(_("commission (%)"))
    valid_from = models.DateTimeField(_("in force from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    created_at = models.DateTimeField(_("set"), auto_now_add=True)

    class Meta:
        verbose_name = _("commission rate")
        verbose_name_plural = _("commission rates")
        ordering = ["category", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "valid_from"], name="payments_commission_once_per_moment"
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="payments_commission_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.percent} % from {self.valid_from:%Y-%m-%d}"


class ShopSettlement(models.Model):
    """One paid order split between its shop and the platform, at the moment it was paid.

    ``share`` is what the shop is owed: what the buyer paid for its order, plus the discounts
    the platform funded, minus ``commission``. It stays pending (escrow) until ``release_at``,
    which is set once the order completes; refunds take back proportional parts of it.
    """

    order = models.OneToOneField(
        Order, on_delete=models.PROTECT, related_name="settlement", verbose_name=_("order")
    )
    shop = models.ForeignKey(
        Shop, on_delete=models.PROTECT, related_name="settlements", verbose_name=_("shop")
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="settlements", verbose_name=_("payment")
    )
    currency = models.CharField(_("currency"), max_length=3)
    buyer_paid = _amount(_("paid by the buyer"))
    shop_funded_discount = _amount(_("discounts the shop funds"))
    platform_funded_discount = _amount(_("discounts the platform funds"))
    shipping_amount = _amount(
        pgettext_lazy("delivery amount", "delivery"),
        help_text=_("Delivery paid to the shop: no commission is taken on it."),
    )
    commission_base = _amount(
        _("commission base"),
        help_text=_("Goods paid by the buyer plus the goods discounts the platform funds."),
    )
    commission = _amount(_("commission"))
    share = _amount(_("shop's share"))
    refunded_amount = _amount(_("refunded to the buyer"))
    refunded_share = _amount(_("taken back from the shop"))
    refunded_commission = _amount(_("commission given back"))
    refunded_platform_discount = _amount(_("platform discounts taken back"))
    release_at = models.DateTimeField(_("available from"), null=True, blank=True)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    released_amount = _amount(_("released"))
    created_at = models.DateTimeField(_("settled"), auto_now_add=True)

    class Meta:
        verbose_name = _("shop settlement")
        verbose_name_plural = _("shop settlements")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["shop", "released_at"]),
            models.Index(fields=["released_at", "release_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                # Rounded: SQLite (the embedded default) adds decimals as floating point.
                condition=Q(
                    share=Round(
                        F("buyer_paid") + F("platform_funded_discount") - F("commission"), 2
                    )
                ),
                name="payments_settlement_share",
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0, refunded_amount__lte=F("buyer_paid")),
                name="payments_settlement_refund_within_paid",
            ),
            models.CheckConstraint(
                condition=Q(commission__gte=0, share__gte=0), name="payments_settlement_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.share} {self.currency}"

    @property
    def pending_amount(self) -> Decimal:
        """What of the share is still held in escrow."""
        if self.released_at is not None:
            return Decimal("0")
        return self.share - self.refunded_share


class SettlementLine(models.Model):
    """The commission on one order line: its part of the base, the rate in force, the amount."""

    settlement = models.ForeignKey(ShopSettlement, on_delete=models.PROTECT, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rate = models.ForeignKey(
        CommissionRate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the platform's default rate applied."),
    )
    percent = _percent(_("commission (%)"))
    base = _amount(_("base"))
    commission = _amount(_("commission"))

    class Meta:
        verbose_name = _("settlement line")
        verbose_name_plural = _("settlement lines")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.order_line} {self.percent} % of {self.base}"
