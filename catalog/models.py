"""The catalogue: category tree with attributes, brands, products (SPU) and their variants (SKU),
images, B2B price tiers, the inventory ledger, listing rules and search support tables.

Stock lives on ``Variant.stock`` and changes only through ``catalog.services.inventory``; every
change writes a ``StockMovement``, so a variant's stock always equals the sum of its movements.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from marketplace.sellers.models import Shop
from marketplace.sellers.storage import private_storage

MAX_CATEGORY_DEPTH = 3


class Translated(models.Model):
    """Staff-managed names in the three site languages; blank Chinese names fall back to English."""

    name = models.CharField(_("name (English)"), max_length=100)
    name_zh_hant = models.CharField(_("name (Traditional Chinese)"), max_length=100, blank=True)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        language = (translation.get_language() or "en").lower()
        if language.startswith("zh-hant") or language in ("zh-tw", "zh-hk"):
            return self.name_zh_hant or self.name_zh_hans or self.name
        if language.startswith("zh"):
            return self.name_zh_hans or self.name_zh_hant or self.name
        return self.name


class Category(Translated):
    """A node of the three-level category tree (depth 1 = top level)."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    slug = models.SlugField(_("web address"), max_length=100, unique=True)
    icon = models.CharField(_("icon"), max_length=40, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    depth = models.PositiveSmallIntegerField(_("depth"), default=1, editable=False)
    requires_review = models.BooleanField(
        _("products need staff review"),
        default=False,
        help_text=_("New and edited products of this category wait for staff approval."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["depth", "position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(depth__gte=1, depth__lte=MAX_CATEGORY_DEPTH),
                name="catalog_category_depth_1_to_3",
            )
        ]

    def save(self, *args, **kwargs) -> None:
        self.depth = self.parent.depth + 1 if self.parent_id else 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalog:category", args=[self.slug])


class AttributeKind(models.TextChoices):
    TEXT = "text", _("Text")
    CHOICE = "choice", _("Choice")
    NUMBER = "number", _("Number")


class Attribute(Translated):
    """A property the products of a category describe; variant attributes (colour, size) are
    choices whose combinations make the variants."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="attributes"
    )
    code = models.SlugField(_("code"), max_length=50)
    kind = models.CharField(_("kind"), max_length=10, choices=AttributeKind)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    is_filterable = models.BooleanField(_("filterable"), default=False)
    is_variant = models.BooleanField(_("makes variants"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="catalog_attribute_code"),
            models.CheckConstraint(
                condition=Q(is_variant=False) | Q(kind="choice"),
                name="catalog_variant_attribute_is_choice",
            ),
        ]


class AttributeOption(models.Model):
    attribute = models.ForeignKey(
        Attribute, verbose_name=_("attribute"), on_delete=models.CASCADE, related_name="options"
    )
    value = models.CharField(_("value"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("attribute option")
        verbose_name_plural = _("attribute options")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "value"], name="catalog_option_value")
        ]

    def __str__(self) -> str:
        return self.value


class Brand(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("web address"), max_length=100, unique=True)
    logo = models.ImageField(_("logo"), upload_to="brands/", blank=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="catalog_brand_name_unique")]

    def __str__(self) -> str:
        return self.name


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_REVIEW = "pending_review", _("Waiting for review")
    ACTIVE = "active", _("On sale")
    DELISTED = "delisted", _("Delisted")
    REMOVED = "removed", _("Removed by staff")


class SearchDocumentVector(models.Func):
    """``to_tsvector('simple', search_document)`` on PostgreSQL: the expression of the search GIN
    index (migration 0002), stored so ranking does not re-parse every matching document. NULL on
    other databases, where search matches substrings of ``search_document`` instead."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()

    def __init__(self) -> None:
        super().__init__(models.F("search_document"))

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


class Product(models.Model):
    """A product (SPU) of one shop; shoppers buy its variants."""

    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="products"
    )
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    slug = models.SlugField(_("web address"), max_length=220, unique=True, allow_unicode=False)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    brand = models.ForeignKey(
        Brand,
        verbose_name=_("brand"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    description = models.TextField(_("description"), blank=True)  # sanitized HTML
    # Customs data, printed on the declaration of a shipment to another country.
    hs_code = models.CharField(
        _("HS code"), max_length=12, blank=True, help_text=_("Harmonized System code, 6-10 digits.")
    )
    origin_country = models.CharField(_("country of origin"), max_length=2, blank=True)
    customs_description = models.CharField(
        _("customs description"),
        max_length=200,
        blank=True,
        help_text=_("What the goods are, in plain English (for example: cotton T-shirt)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProductStatus, default=ProductStatus.DRAFT
    )
    status_reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why staff removed it or a listing rule held it.")
    )
    min_order_quantity = models.PositiveIntegerField(
        _("minimum order quantity"), default=1, validators=[MinValueValidator(1)]
    )
    # Denormalised for listing, sorting and ranking; kept by the catalogue and order services.
    price_min = models.DecimalField(
        _("lowest price"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    price_max = models.DecimalField(
        _("highest price"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    stock_total = models.PositiveIntegerField(_("stock"), default=0)
    sales_count = models.PositiveIntegerField(_("units sold"), default=0)
    rating_average = models.DecimalField(_("rating"), max_digits=3, decimal_places=2, default=0)
    rating_count = models.PositiveIntegerField(_("ratings"), default=0)
    # Normalised search text (Simplified script, jieba-segmented, lower-case): see catalog.search.
    search_document = models.TextField(editable=False, blank=True, default="")
    # Its tsvector, kept by the database (catalog.search ranks with it; see SearchDocumentVector).
    search_vector = models.GeneratedField(
        expression=SearchDocumentVector(), output_field=SearchVectorField(), db_persist=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("first on sale"), null=True, blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "category"], name="catalog_product_status_cat"),
            models.Index(fields=["shop", "status"], name="catalog_product_shop_status"),
            models.Index(fields=["status", "-sales_count"], name="catalog_product_bestsellers"),
            models.Index(fields=["status", "-published_at"], name="catalog_product_newest"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:product", args=[self.slug])

    @property
    def is_on_sale(self) -> bool:
        return self.status == ProductStatus.ACTIVE


class ProductAttributeValue(models.Model):
    """The value of one non-variant attribute for a product (an option, a text or a number)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="attribute_values")
    attribute = models.ForeignKey(Attribute, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(
        AttributeOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField(_("text"), max_length=200, blank=True)
    number = models.DecimalField(
        _("number"), max_digits=14, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "attribute"], name="catalog_product_attribute_once"
            )
        ]

    def __str__(self) -> str:
        if self.option_id:
            return str(self.option)
        if self.number is not None:
            return f"{self.number.normalize():f} {self.attribute.unit}".strip()
        return self.text


class ProductImage(models.Model):
    """An uploaded picture, verified and re-encoded; ``renditions`` maps a size name (thumb, card,
    zoom) to {"width", "height", "jpeg", "webp"} storage paths made by catalog.services.images."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    original = models.ImageField(_("image"), upload_to="products/originals/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    renditions = models.JSONField(default=dict, blank=True)
    alt = models.CharField(_("description"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt or self.original.name


class Variant(models.Model):
    """A sellable SKU: one combination of the product's variant options."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("SKU code"), max_length=64)
    options = models.ManyToManyField(
        AttributeOption, verbose_name=_("options"), blank=True, related_name="variants"
    )
    price = models.DecimalField(
        _("price"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    compare_at_price = models.DecimalField(
        _("compare-at price"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)
    length_mm = models.PositiveIntegerField(_("length (mm)"), default=0)
    width_mm = models.PositiveIntegerField(_("width (mm)"), default=0)
    height_mm = models.PositiveIntegerField(_("height (mm)"), default=0)
    barcode = models.CharField(_("barcode"), max_length=64, blank=True)
    stock = models.PositiveIntegerField(_("stock"), default=0, editable=False)
    low_stock_threshold = models.PositiveIntegerField(_("low-stock alert at"), default=5)
    low_stock_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    image = models.ForeignKey(
        ProductImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "sku"], name="catalog_variant_sku"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="catalog_variant_stock_gte_0"),
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_variant_price_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.product} ({self.sku})"


class ProductOption(models.Model):
    """Derived: the product has at least one variant on sale with this option. The option facet
    and the ``attr_`` filters count and match products here, one index-only read per option,
    instead of joining every variant's options to its variant. Rewritten per product by
    ``catalog.services.product_options.refresh_product_options``; never edited by hand."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+", db_index=False)
    option = models.ForeignKey(
        AttributeOption, on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("product option")
        verbose_name_plural = _("product options")
        constraints = [
            models.UniqueConstraint(fields=["product", "option"], name="catalog_product_option")
        ]
        indexes = [models.Index(fields=["option", "product"], name="catalog_option_product")]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.option_id}"


class PriceTier(models.Model):
    """B2B quantity pricing: from ``min_quantity`` units each unit costs ``unit_price``."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="price_tiers")
    min_quantity = models.PositiveIntegerField(
        _("from quantity"), validators=[MinValueValidator(2)]
    )
    unit_price = models.DecimalField(
        _("unit price"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("price tier")
        verbose_name_plural = _("price tiers")
        ordering = ["min_quantity"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "min_quantity"], name="catalog_tier_once")
        ]

    def __str__(self) -> str:
        return f"≥{self.min_quantity}: {self.unit_price}"


class MovementReason(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    SALE = "sale", _("Sale")
    CANCELLATION = "cancellation", _("Cancellation")
    RETURN = "return", _("Return")
    ADJUSTMENT = "adjustment", _("Adjustment")


class StockMovement(models.Model):
    """One change of one variant's stock; the ledger the stock figure must always agree with."""

    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="movements")
    quantity = models.IntegerField(_("change"))
    reason = models.CharField(_("reason"), max_length=20, choices=MovementReason)
    stock_after = models.PositiveIntegerField(_("stock after"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["variant", "-at"], name="catalog_movement_variant")]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="catalog_movement_not_zero")
        ]

    def __str__(self) -> str:
        return f"{self.variant.sku} {self.quantity:+d} ({self.reason})"


class ProhibitedWord(models.Model):
    """A word that keeps a product from going on sale (checked in titles and descriptions)."""

    word = models.CharField(_("word"), max_length=100)
    reason = models.CharField(_("reason shown to the merchant"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("prohibited word")
        verbose_name_plural = _("prohibited words")
        ordering = ["word"]
        constraints = [models.UniqueConstraint(Lower("word"), name="catalog_prohibited_word")]

    def __str__(self) -> str:
        return self.word


class SynonymGroup(models.Model):
    """Words a search treats as the same (手機 = 手机 = phone = mobile), one per line or comma."""

    terms = models.TextField(_("terms"), help_text=_("Separate the words with commas."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")

    def __str__(self) -> str:
        return " = ".join(self.term_list)

    @property
    def term_list(self) -> list[str]:
        words = self.terms.replace("\n", ",").replace("，", ",").split(",")
        return [word.strip() for word in words if word.strip()]


class SearchLog(models.Model):
    """Every search a shopper ran, for analytics and "did you mean"."""

    query = models.CharField(_("query"), max_length=200)
    normalized = models.CharField(_("normalised query"), max_length=400, blank=True)
    results = models.PositiveIntegerField(_("results"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    session_key = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("search")
        verbose_name_plural = _("search log")
        ordering = ["-at"]

    def __str__(self) -> str:
        return self.query


class JobKind(models.TextChoices):
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ProductJob(models.Model):
    """A CSV import or export of a shop's products, run by a worker with visible progress."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="product_jobs")
    kind = models.CharField(_("kind"), max_length=10, choices=JobKind)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus, default=JobStatus.QUEUED
    )
    # Shop data: private storage, handed out only by the seller views (catalog.views.seller).
    source = models.FileField(
        _("CSV file"), upload_to="catalog/jobs/", storage=private_storage, blank=True
    )
    result = models.FileField(
        _("result"), upload_to="catalog/jobs/", storage=private_storage, blank=True
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_products = models.PositiveIntegerField(default=0)
    updated_products = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"row", "column", "message"}]
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("product import/export")
        verbose_name_plural = _("product imports/exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def progress_percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0
