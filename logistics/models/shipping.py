"""Carriers, shipments and their tracking, customs, duties and peak periods.

A ``Shipment`` is one parcel run of (part of) one shop's order with one carrier: packages with
weights, the order lines it carries, a tracking number and a label from the carrier's adapter,
and every tracking event the carrier reported (kept once each, whatever order they arrive in).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.core.fields import amount_field, percent_field
from marketplace.notifications.models import InboundEvent
from marketplace.sellers.models import Shop
from marketplace.sellers.storage import private_storage
from orders.models import Order, OrderLine


class ServiceLevel(models.TextChoices):
    ECONOMY = "economy", _("Economy")
    STANDARD = "standard", _("Standard")
    EXPRESS = "express", _("Express")


class Carrier(models.Model):
    """A delivery company, managed by staff, and the adapter that talks to it."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    adapter = models.CharField(
        _("adapter"),
        max_length=40,
        help_text=_("How the platform talks to this carrier (see logistics.adapters)."),
    )
    tracking_url_template = models.CharField(
        _("tracking page"),
        max_length=300,
        blank=True,
        help_text=_("Address of the carrier's tracking page, with {number} for the number."),
    )
    countries = models.JSONField(
        _("countries served"),
        default=list,
        blank=True,
        help_text=_("Two-letter country codes; empty serves everywhere."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def tracking_url(self, number: str) -> str:
        return self.tracking_url_template.replace("{number}", number) if number else ""


class CarrierService(models.Model):
    """One service level of a carrier, with its usual time in transit."""

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="services")
    level = models.CharField(_("service level"), max_length=20, choices=ServiceLevel)
    name = models.CharField(_("name"), max_length=100)
    days_min = models.PositiveSmallIntegerField(_("days in transit (from)"), default=2)
    days_max = models.PositiveSmallIntegerField(_("days in transit (to)"), default=5)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("carrier service")
        verbose_name_plural = _("carrier services")
        ordering = ["carrier", "days_max"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "level"], name="logistics_service_level"),
            models.CheckConstraint(
                condition=Q(days_min__lte=models.F("days_max")), name="logistics_service_days"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.name}"


class ShopLogistics(models.Model):
    """A shop's delivery promises: where it ships from, how fast it dispatches, eco packaging."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="logistics")
    ships_from_country = models.CharField(_("ships from (country)"), max_length=2, default="TW")
    ships_from_region = models.CharField(
        _("ships from (province / state)"), max_length=100, blank=True
    )
    handling_hours = models.PositiveSmallIntegerField(
        _("ships within (hours)"),
        default=48,
        validators=[MinValueValidator(1)],
        help_text=_("Orders not shipped within this time after payment are flagged as late."),
    )
    offers_eco_packaging = models.BooleanField(
        _("offers eco packaging"),
        default=False,
        help_text=_("Reused or minimal packaging without extra fill, chosen by the buyer."),
    )

    class Meta:
        verbose_name = _("shop delivery settings")
        verbose_name_plural = _("shop delivery settings")

    def __str__(self) -> str:
        return str(self.shop)


class ShipmentStatus(models.TextChoices):
    LABEL_CREATED = "label_created", _("Label created")
    PICKED_UP = "picked_up", _("Picked up")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Delivery problem")
    RETURNED = "returned", _("Returned to sender")


class Incoterm(models.TextChoices):
    DAP = "DAP", _("DAP: the buyer pays duties on arrival")
    DDP = "DDP", _("DDP: duties paid by the sender")


class Shipment(models.Model):
    """(Part of) one shop's order on its way with one carrier."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="shipments")
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="shipments")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="shipments")
    service = models.CharField(_("service level"), max_length=20, choices=ServiceLevel)
    status = models.CharField(
        _("status"), max_length=20, choices=ShipmentStatus, default=ShipmentStatus.LABEL_CREATED
    )
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    carrier_reference = models.CharField(_("carrier's id"), max_length=200, blank=True)
    # The buyer's name and address: kept out of public media, served only to the shop.
    label = models.FileField(
        _("label (PDF)"), storage=private_storage, upload_to="logistics/labels/", blank=True
    )
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)
    eco_packaging = models.BooleanField(_("eco packaging"), default=False)
    co2_grams = models.PositiveIntegerField(_("estimated CO2 (g)"), default=0)
    destination_country = models.CharField(_("destination country"), max_length=2)
    origin_country = models.CharField(_("origin country"), max_length=2, blank=True)
    estimated_delivery = models.DateField(_("estimated delivery"), null=True, blank=True)
    # Idempotency key sent to the carrier when booking, so a retried booking is one parcel.
    booking_key = models.UUIDField(_("booking key"), unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    picked_up_at = models.DateTimeField(_("picked up"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last event"), null=True, blank=True)
    next_poll_at = models.DateTimeField(_("next poll"), null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_poll_at"]),
            models.Index(fields=["shop", "-created_at"]),
            models.Index(fields=["carrier", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"],
                condition=~Q(tracking_number=""),
                name="logistics_tracking_number_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number or self.pk}"


class ShipmentPackage(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="packages")
    weight_grams = models.PositiveIntegerField(_("weight (g)"), validators=[MinValueValidator(1)])
    length_cm = models.PositiveSmallIntegerField(_("length (cm)"), null=True, blank=True)
    width_cm = models.PositiveSmallIntegerField(_("width (cm)"), null=True, blank=True)
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"), null=True, blank=True)

    class Meta:
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.weight_grams} g"


class ShipmentItem(models.Model):
    """Which order line (and how many of it) travels in the shipment."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="items")
    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="shipment_items")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("shipped item")
        verbose_name_plural = _("shipped items")
        constraints = [
            models.UniqueConstraint(fields=["shipment", "line"], name="logistics_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.line}"


class TrackingEvent(models.Model):
    """What the carrier reported, once per carrier event id, in the order it happened."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    external_id = models.CharField(_("carrier's event id"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=ShipmentStatus)
    occurred_at = models.DateTimeField(_("when"))
    location = models.CharField(_("where"), max_length=200, blank=True)
    description = models.CharField(_("what happened"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "external_id"], name="logistics_tracking_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shipment} {self.status} {self.occurred_at:%Y-%m-%d %H:%M}"


class CarrierEvent(InboundEvent):
    """A carrier's webhook, stored (once, by its id) before anything acts on it."""

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="webhook_events")
    event_id = models.CharField(_("event id"), max_length=200)

    class Meta(InboundEvent.Meta):
        verbose_name = _("carrier event")
        verbose_name_plural = _("carrier events")
        constraints = [
            models.UniqueConstraint(fields=["carrier", "event_id"], name="logistics_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.event_id}"


class CustomsDeclaration(models.Model):
    """What a shipment to another country declares, printed with its label."""

    shipment = models.OneToOneField(Shipment, on_delete=models.CASCADE, related_name="customs")
    incoterm = models.CharField(_("incoterm"), max_length=3, choices=Incoterm)
    currency = models.CharField(_("currency"), max_length=3)
    total_value = amount_field(_("declared value"))
    estimated_duties = amount_field(_("estimated duties and taxes"))

    class Meta:
        verbose_name = _("customs declaration")
        verbose_name_plural = _("customs declarations")

    def __str__(self) -> str:
        return f"{self.shipment} {self.incoterm}"


class CustomsItem(models.Model):
    declaration = models.ForeignKey(
        CustomsDeclaration, on_delete=models.CASCADE, related_name="items"
    )
    description = models.CharField(_("customs description"), max_length=200)
    hs_code = models.CharField(_("HS code"), max_length=12, blank=True)
    origin_country = models.CharField(_("country of origin"), max_length=2, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_value = amount_field(_("unit value"))
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)

    class Meta:
        verbose_name = _("declared item")
        verbose_name_plural = _("declared items")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description


class DutyRate(models.Model):
    """Per destination country: the duty and tax estimated for DDP at checkout."""

    country = models.CharField(_("country"), max_length=2, unique=True)
    duty_percent = percent_field(_("duty"), default=Decimal("0"))
    tax_percent = percent_field(_("import VAT / GST"), default=Decimal("0"))
    de_minimis = amount_field(
        _("duty-free up to"), help_text=_("Goods worth up to this (base currency) pay nothing.")
    )

    class Meta:
        verbose_name = _("duty rate")
        verbose_name_plural = _("duty rates")
        ordering = ["country"]

    def __str__(self) -> str:
        return self.country


class PeakPeriod(models.Model):
    """A busy season (11.11, 618, year end): promised delivery takes longer, polling is tighter."""

    name = models.CharField(_("name"), max_length=100)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    extra_days = models.PositiveSmallIntegerField(_("extra days on delivery estimates"), default=2)
    poll_minutes = models.PositiveSmallIntegerField(
        _("poll tracking every (minutes)"), default=30, validators=[MinValueValidator(5)]
    )

    class Meta:
        verbose_name = _("peak period")
        verbose_name_plural = _("peak periods")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="logistics_peak_window"
            )
        ]

    def __str__(self) -> str:
        return self.name


class LateDispatch(models.Model):
    """An order not shipped within its shop's promised handling time (flagged once)."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="late_dispatch")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="late_dispatches")
    due_at = models.DateTimeField(_("should have shipped by"))
    flagged_at = models.DateTimeField(_("flagged"), auto_now_add=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    # The platform-rule violation this late dispatch counted toward (one per several late
    # orders; see logistics.services.dispatch), empty until it has counted.
    violation = models.ForeignKey(
        "sellers.Violation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="late_dispatches",
        verbose_name=_("counted in violation"),
    )

    class Meta:
        verbose_name = _("late dispatch")
        verbose_name_plural = _("late dispatches")
        ordering = ["-flagged_at"]
        indexes = [models.Index(fields=["shop", "due_at"])]

    def __str__(self) -> str:
        return f"{self.order} ({self.shop})"
