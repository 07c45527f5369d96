"""Shipping templates (運費模板): how a shop prices delivery, per service level and region.

A template prices by weight (first weight + price, then each additional weight + price), by item
count (first items + price, then each additional items + price) or at a flat price per order.
Its regions are rows per service level (economy / standard / express, the way Chinese
marketplaces keep one table per delivery method): the countries and, within one country, the
provinces or states a row covers, its prices, free shipping over an amount or a weight, or "not
served". A service level the template has no row for is not offered.

Products pick a template through ``ProductShippingTemplate`` (catalog never imports logistics);
a product without one uses the shop's default template. One-row facts only: every write goes
through ``logistics.services.templates``.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from marketplace.core.fields import amount_field
from marketplace.sellers.models import Shop

from .shipping import ServiceLevel


class PricingBasis(models.TextChoices):
    WEIGHT = "weight", _("By weight")
    ITEMS = "items", _("By number of items")
    FLAT = "flat", _("Flat price per order")


class ShippingTemplate(models.Model):
    """One way a shop prices delivery; its products use it (or the shop's default one)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="shipping_templates")
    name = models.CharField(_("name"), max_length=100)
    basis = models.CharField(
        _("priced"), max_length=10, choices=PricingBasis, default=PricingBasis.WEIGHT
    )
    is_default = models.BooleanField(
        _("default template"),
        default=False,
        help_text=_("Products without a template of their own use this one."),
    )
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("shipping template")
        verbose_name_plural = _("shipping templates")
        ordering = ["-is_default", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "name"], name="logistics_template_name"),
            models.UniqueConstraint(
                fields=["shop"], condition=Q(is_default=True), name="logistics_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ShippingRegion(models.Model):
    """Where a template delivers at one service level, and at what price.

    ``countries`` empty means "everywhere no other row of this level names"; ``provinces``
    (with exactly one country) narrows the row to those provinces or states, and beats the
    country's own row. Units are grams for a template priced by weight and items for one priced
    by item count; a flat template uses ``first_price`` only.
    """

    template = models.ForeignKey(ShippingTemplate, on_delete=models.CASCADE, related_name="regions")
    level = models.CharField(
        _("service level"), max_length=20, choices=ServiceLevel, default=ServiceLevel.STANDARD
    )
    countries = models.JSONField(
        _("countries"),
        default=list,
        blank=True,
        help_text=_("Two-letter country codes; empty covers every country no other row names."),
    )
    provinces = models.JSONField(
        _("provinces / states"),
        default=list,
        blank=True,
        help_text=_("Names within the one country of the row; empty covers the whole country."),
    )
    is_served = models.BooleanField(
        _("delivers here"),
        default=True,
        help_text=_("Untick to refuse orders to this region at checkout."),
    )
    first_units = models.PositiveIntegerField(
        _("first weight (g) or items"), default=1000, validators=[MinValueValidator(1)]
    )
    first_price = amount_field(_("price of the first weight or items"))
    additional_units = models.PositiveIntegerField(
        _("each additional weight (g) or items"),
        default=1000,
        help_text=_("0: nothing more is charged beyond the first weight or items."),
    )
    additional_price = amount_field(_("price of each additional weight or items"))
    free_over_amount = amount_field(
        _("free delivery from (amount)"),
        null=True,
        blank=True,
        default=None,
        help_text=_("Orders of goods worth at least this ship free; empty: never."),
    )
    free_over_grams = models.PositiveIntegerField(
        _("free delivery from (g)"),
        null=True,
        blank=True,
        help_text=_("Parcels weighing at least this ship free; empty: never."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("shipping region")
        verbose_name_plural = _("shipping regions")
        ordering = ["template", "level", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_price__gte=0) & Q(additional_price__gte=0),
                name="logistics_region_prices",
            ),
        ]

    def __str__(self) -> str:
        where = ", ".join(self.countries) or _("everywhere else")
        if self.provinces:
            where = f"{where}: {', '.join(self.provinces)}"
        return f"{self.get_level_display()} · {where}"


class ProductShippingTemplate(models.Model):
    """The template a product uses instead of its shop's default."""

    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, primary_key=True, related_name="shipping_template_link"
    )
    template = models.ForeignKey(
        ShippingTemplate, on_delete=models.CASCADE, related_name="product_links"
    )

    class Meta:
        verbose_name = _("product's shipping template")
        verbose_name_plural = _("products' shipping templates")

    def __str__(self) -> str:
        return f"{self.product_id}: {self.template}"
