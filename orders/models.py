"""Tables of carts, promotions, coupons, flash sales and orders.

One-row facts only; every write goes through ``orders.services``. Amounts are
``DecimalField(max_digits=14, decimal_places=2)`` in the row's ``currency``. Order lines are
snapshots (title, SKU, options, prices, image) so an order reads the same after the product
changes. Who funds each discount is recorded on ``OrderDiscount``: the payments issue settles
merchants from those rows.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Product, Variant
from marketplace.core.fields import amount_field as _amount
from marketplace.core.fields import percent_field as _percent
from marketplace.sellers.models import Shop

# --- Cart -------------------------------------------------------------------------------------


class Cart(models.Model):
    """A shopper's cart: one per account, or one per guest session (found by ``token``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cart",
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self) -> str:
        return f"cart {self.pk} ({self.user_id or 'guest'})"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    is_saved_for_later = models.BooleanField(_("saved for later"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="orders_cartline_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_cartline_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.variant_id}"


# --- Promotions and coupons --------------------------------------------------------------------


class FundedBy(models.TextChoices):
    SHOP = "shop", _("The shop")
    PLATFORM = "platform", _("The platform")
    SHARED = "shared", _("Shared")


class Scope(models.TextChoices):
    ALL = "all", _("Everything (the whole shop, or the whole cart for the platform)")
    CATEGORIES = "categories", _("Chosen categories")
    PRODUCTS = "products", _("Chosen products")


class Funding(models.Model):
    """Who pays for a discount: the shop, the platform, or both at ``platform_share_percent``."""

    funded_by = models.CharField(
        _("funded by"), max_length=10, choices=FundedBy, default=FundedBy.SHOP
    )
    platform_share_percent = _percent(
        _("platform's share (%)"),
        default=Decimal("0"),
        help_text=_("Only for shared funding: the part of each discount the platform pays."),
    )

    class Meta:
        abstract = True


class PromotionKind(models.TextChoices):
    PERCENT_OFF = "percent_off", _("Percentage off")
    AMOUNT_OFF = "amount_off", _("Fixed amount off each item")
    SPEND_THRESHOLD = "spend_threshold", _("Spend X, get Y off (滿減)")
    FREE_SHIPPING = "free_shipping", _("Free shipping over an amount")
    BUY_N_GET_M = "buy_n_get_m", _("Buy N, get M free")
    MEMBER_PRICE = "member_price", _("Member-level price")


class Promotion(Funding):
    """An automatic discount of a shop (``shop`` set) or of the platform (``shop`` empty).

    What it gives depends on ``kind``: ``percent`` (percentage off, member price), ``amount``
    (fixed off per item), ``tiers`` (spend thresholds), ``threshold`` (free shipping over),
    ``buy_quantity``/``free_quantity`` (buy N get M), ``member_level`` (member price).
    """

    shop = models.ForeignKey(
        Shop,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="promotions",
        help_text=_("Empty for a platform promotion."),
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=PromotionKind)
    scope = models.CharField(_("applies to"), max_length=12, choices=Scope, default=Scope.ALL)
    categories = models.ManyToManyField(
        Category, blank=True, related_name="+", verbose_name=_("categories")
    )
    products = models.ManyToManyField(
        Product, blank=True, related_name="+", verbose_name=_("products")
    )
    percent = _percent(_("percentage off"), null=True, blank=True)
    amount = _amount(_("amount off"), null=True, blank=True, default=None)
    threshold = _amount(_("free shipping from"), null=True, blank=True, default=None)
    buy_quantity = models.PositiveIntegerField(_("buy N"), null=True, blank=True)
    free_quantity = models.PositiveIntegerField(_("get M free"), null=True, blank=True)
    member_level = models.CharField(_("member level"), max_length=30, blank=True)
    is_repeating = models.BooleanField(
        _("repeat for every multiple"),
        default=False,
        help_text=_("滿減 only: 滿300減30 repeating gives 60 off at 600."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    is_active = models.BooleanField(_("active"), default=True)
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["shop", "is_active", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="orders_promotion_window"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PromotionTier(models.Model):
    """One step of a spend-threshold promotion: spend ``threshold``, get ``discount`` off."""

    promotion = models.ForeignKey(Promotion, on_delete=models.CASCADE, related_name="tiers")
    threshold = _amount(_("spend at least"), validators=[MinValueValidator(Decimal("0.01"))])
    discount = _amount(_("get off"), validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        verbose_name = _("spend tier")
        verbose_name_plural = _("spend tiers")
        ordering = ["threshold"]
        constraints = [
            models.UniqueConstraint(fields=["promotion", "threshold"], name="orders_tier_once"),
            models.CheckConstraint(
                condition=Q(discount__lt=models.F("threshold")), name="orders_tier_below_spend"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.threshold} - {self.discount}"


class CouponKind(models.TextChoices):
    AMOUNT_OFF = "amount_off", _("Amount off")
    PERCENT_OFF = "percent_off", _("Percentage off")


class Coupon(Funding):
    """A shop coupon (``shop`` set) or a platform coupon; public ones are claimed (領券),
    others are typed at checkout by ``code``."""

    shop = models.ForeignKey(
        Shop,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coupons",
        help_text=_("Empty for a platform coupon."),
    )
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("What shoppers type at checkout; letters and digits."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CouponKind)
    amount = _amount(_("amount off"), null=True, blank=True, default=None)
    percent = _percent(_("percentage off"), null=True, blank=True)
    max_discount = _amount(_("at most"), null=True, blank=True, default=None)
    min_spend = _amount(_("minimum spend"), default=Decimal("0"))
    scope = models.CharField(_("applies to"), max_length=12, choices=Scope, default=Scope.ALL)
    categories = models.ManyToManyField(
        Category, blank=True, related_name="+", verbose_name=_("categories")
    )
    products = models.ManyToManyField(
        Product, blank=True, related_name="+", verbose_name=_("products")
    )
    is_public = models.BooleanField(
        _("shoppers can claim it"),
        default=True,
        help_text=_("Shown on product and shop pages to claim; otherwise only by code."),
    )
    starts_at = models.DateTimeField(_("valid from"))
    ends_at = models.DateTimeField(_("valid until"))
    total_limit = models.PositiveIntegerField(
        _("uses in total"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    per_user_limit = models.PositiveIntegerField(
        _("uses per shopper"), default=1, validators=[MinValueValidator(1)]
    )
    used_count = models.PositiveIntegerField(_("used"), default=0, editable=False)
    claimed_count = models.PositiveIntegerField(_("claimed"), default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="orders_coupon_window"
            ),
            models.CheckConstraint(
                condition=Q(total_limit__isnull=True) | Q(used_count__lte=models.F("total_limit")),
                name="orders_coupon_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CouponClaim(models.Model):
    """A public coupon in a shopper's coupon wallet."""

    coupon = models.ForeignKey(Coupon, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coupon_claims"
    )
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("claimed coupon")
        verbose_name_plural = _("claimed coupons")
        constraints = [models.UniqueConstraint(fields=["coupon", "user"], name="orders_claim_once")]

    def __str__(self) -> str:
        return f"{self.user_id} claimed {self.coupon_id}"


class FlashSale(models.Model):
    """秒殺: one variant at ``price`` between ``starts_at`` and ``ends_at``, ``quantity`` units
    set aside from normal stock, at most ``per_user_limit`` per shopper."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="flash_sales")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="flash_sales")
    name = models.CharField(_("name"), max_length=120, blank=True)
    price = _amount(_("flash price"), validators=[MinValueValidator(Decimal("0.01"))])
    quantity = models.PositiveIntegerField(
        _("units for the sale"), validators=[MinValueValidator(1)]
    )
    quantity_left = models.PositiveIntegerField(_("units left"))
    per_user_limit = models.PositiveIntegerField(
        _("limit per shopper"), default=1, validators=[MinValueValidator(1)]
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    is_active = models.BooleanField(_("active"), default=True)
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("flash sale")
        verbose_name_plural = _("flash sales")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["variant", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="orders_flash_window"
            ),
            models.CheckConstraint(
                condition=Q(quantity_left__lte=models.F("quantity")), name="orders_flash_left"
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"flash sale {self.pk}"


class FlashSaleAllocation(models.Model):
    """How many units of a flash sale one shopper holds in live orders (the per-user limit)."""

    flash_sale = models.ForeignKey(FlashSale, on_delete=models.CASCADE, related_name="allocations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["flash_sale", "user"], name="orders_flash_alloc_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.quantity} of {self.flash_sale_id}"


class ShippingRate(models.Model):
    """The flat delivery price a shop charges per order (until logistics brings templates)."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="shipping_rate")
    flat_rate = _amount(_("delivery price per order"), validators=[MinValueValidator(0)])
    express_rate = _amount(
        _("express delivery price"),
        null=True,
        blank=True,
        default=None,
        validators=[MinValueValidator(0)],
        help_text=_("Empty if the shop offers no express delivery."),
    )
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)

    class Meta:
        verbose_name = _("delivery price")
        verbose_name_plural = _("delivery prices")

    def __str__(self) -> str:
        return f"{self.shop_id}: {self.flat_rate}"


# --- Orders ----------------------------------------------------------------------------------


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    PAID = "paid", _("Paid, to ship")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class GroupStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Address(models.Model):
    """The delivery address as it was when the order was placed."""

    recipient = models.CharField(_("recipient"), max_length=100)
    phone = models.CharField(_("phone"), max_length=32)
    country = models.CharField(_("country or region"), max_length=2)
    region = models.CharField(_("region / province / state"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100)
    street = models.CharField(_("street address"), max_length=255)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)

    class Meta:
        abstract = True


class OrderGroup(Address):
    """What one checkout placed: paid once, split into one ``Order`` per shop."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="order_groups"
    )
    idempotency_key = models.UUIDField(editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=GroupStatus, default=GroupStatus.PENDING_PAYMENT
    )
    currency = models.CharField(_("currency"), max_length=3)
    items_total = _amount(_("items"))
    discount_total = _amount(_("discounts"))
    shipping_total = _amount(_("delivery"))
    total = _amount(_("total"))
    pricing_explanation = models.JSONField(default=list, blank=True)
    # What the buyer saw next to the base-currency prices at checkout (a label, never charged):
    # units of ``display_currency`` per unit of ``currency``; empty/null before it was recorded.
    display_currency = models.CharField(_("display currency"), max_length=3, blank=True)
    display_rate = models.DecimalField(
        _("display rate"), max_digits=20, decimal_places=10, null=True, blank=True
    )
    payment_deadline = models.DateTimeField(_("pay by"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    created_at = models.DateTimeField(_("placed"), auto_now_add=True)

    class Meta:
        verbose_name = _("order group")
        verbose_name_plural = _("order groups")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"], name="orders_group_idempotent"
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="orders_group_total"),
        ]

    def __str__(self) -> str:
        return self.number


class Order(models.Model):
    """One shop's part of an order group, with its own life cycle."""

    group = models.ForeignKey(OrderGroup, on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(_("number"), max_length=24, unique=True)
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="orders")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus, default=OrderStatus.PENDING_PAYMENT
    )
    currency = models.CharField(_("currency"), max_length=3)
    items_subtotal = _amount(_("items"))
    item_discount = _amount(_("item discounts"))
    shop_discount = _amount(_("shop discounts"))
    platform_discount = _amount(_("platform discounts"))
    shipping_price = _amount(_("delivery"))
    shipping_discount = _amount(_("delivery discount"))
    total = _amount(_("total"))
    delivery_option = models.CharField(_("delivery option"), max_length=30, blank=True)
    delivery_label = models.CharField(_("delivery"), max_length=100, blank=True)
    note_to_seller = models.CharField(_("note to the seller"), max_length=300, blank=True)
    seller_note = models.TextField(_("seller's note"), blank=True)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    has_flash_sale = models.BooleanField(default=False)
    has_open_after_sales = models.BooleanField(
        _("after-sales request open"),
        default=False,
        help_text=_("Set by after-sales; holds back automatic completion."),
    )
    cancel_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    payment_deadline = models.DateTimeField(_("pay by"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    stock_released_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("placed"), auto_now_add=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["shop", "status", "-created_at"]),
            models.Index(fields=["buyer", "status", "-created_at"]),
            models.Index(fields=["status", "payment_deadline"]),
            models.Index(fields=["status", "delivered_at"]),
        ]
        constraints = [models.CheckConstraint(condition=Q(total__gte=0), name="orders_total")]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """A snapshot of one SKU as bought."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        Variant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    flash_sale = models.ForeignKey(
        FlashSale, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # How many of ``quantity`` came from the flash sale (it may cover only part of the line);
    # a cancellation gives exactly these back to the sale and the buyer's allowance.
    flash_units = models.PositiveIntegerField(default=0, editable=False)
    title = models.CharField(_("title"), max_length=200)
    sku = models.CharField(_("SKU code"), max_length=64)
    options = models.CharField(_("options"), max_length=200, blank=True)
    image_url = models.CharField(max_length=500, blank=True)
    unit_price = _amount(_("unit price"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    subtotal = _amount(_("subtotal"))
    discount = _amount(_("discount"))
    total = _amount(_("total"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"


class DiscountSource(models.TextChoices):
    PROMOTION = "promotion", _("Promotion")
    COUPON = "coupon", _("Coupon")
    FLASH_SALE = "flash_sale", _("Flash sale")


class OrderDiscount(models.Model):
    """One discount on one order, with who funds it (the part of a platform discount allocated
    to this order when it spans several shops)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="discounts")
    source = models.CharField(_("source"), max_length=12, choices=DiscountSource)
    promotion = models.ForeignKey(
        Promotion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    coupon = models.ForeignKey(
        Coupon, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    label = models.CharField(_("explanation"), max_length=300)
    amount = _amount(_("amount"))
    funded_by = models.CharField(_("funded by"), max_length=10, choices=FundedBy)
    shop_funded = _amount(_("paid by the shop"))
    platform_funded = _amount(_("paid by the platform"))
    applies_to_shipping = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("order discount")
        verbose_name_plural = _("order discounts")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                # Rounded: SQLite (the embedded default) adds decimals as floating point.
                condition=Q(amount=Round(models.F("shop_funded") + models.F("platform_funded"), 2)),
                name="orders_discount_funded",
            )
        ]

    def __str__(self) -> str:
        return self.label


class CouponUse(models.Model):
    """A coupon used by an order group; ``released_at`` is set when the orders are cancelled."""

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="uses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(OrderGroup, on_delete=models.CASCADE, related_name="coupon_uses")
    amount = _amount(_("discount"))
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("coupon use")
        verbose_name_plural = _("coupon uses")
        constraints = [
            models.UniqueConstraint(fields=["coupon", "group"], name="orders_coupon_use_once")
        ]

    def __str__(self) -> str:
        return f"{self.coupon_id} on {self.group_id}"
