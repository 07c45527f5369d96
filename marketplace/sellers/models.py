"""Merchants and their shops: applications with qualification documents, members and roles,
shop decoration, follows, and the platform rules with violations, penalties and appeals.

One-row facts only; every write goes through ``services/``; statuses move through ``states.py``.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .storage import private_storage


class SellerKind(models.TextChoices):
    INDIVIDUAL = "c2c", _("Individual seller (C2C)")
    BUSINESS = "b2c", _("Business shop (B2C)")
    WHOLESALER = "b2b", _("Wholesaler (B2B)")


class MerchantType(models.TextChoices):
    BRAND_OWNER = "brand_owner", _("Brand owner")
    AUTHORISED_AGENT = "agent", _("Authorised agent")
    DISTRIBUTOR = "distributor", _("Distributor")
    INDIVIDUAL = "individual", _("Individual")


class DocumentType(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    BRAND_AUTHORISATION = "brand_authorisation", _("Brand authorisation letter")
    TRADEMARK_CERTIFICATE = "trademark_certificate", _("Trademark registration certificate")
    IDENTITY_DOCUMENT = "identity_document", _("Identity document")
    TAX_REGISTRATION = "tax_registration", _("Tax registration certificate")
    OTHER = "other", _("Other document")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    NEEDS_INFO = "needs_info", _("More information requested")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class BrandRelation(models.TextChoices):
    OWNER = "owner", _("Brand owner")
    AUTHORISED = "authorised", _("Authorised seller")


class DocumentRequirement(models.Model):
    """Which documents a merchant type must upload; configured by staff in admin."""

    merchant_type = models.CharField(_("merchant type"), max_length=20, choices=MerchantType)
    document_type = models.CharField(_("document type"), max_length=30, choices=DocumentType)
    per_brand = models.BooleanField(
        _("one per brand"), default=False, help_text=_("Required once for every brand listed.")
    )
    is_required = models.BooleanField(_("required"), default=True)
    help_text = models.CharField(_("instructions for the applicant"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("document requirement")
        verbose_name_plural = _("document requirements")
        ordering = ["merchant_type", "document_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant_type", "document_type"], name="sellers_requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_merchant_type_display()}: {self.get_document_type_display()}"


class MerchantApplication(models.Model):
    """A user's request to sell, filled in steps that can be saved and resumed."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="merchant_applications"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus, default=ApplicationStatus.DRAFT
    )
    seller_kind = models.CharField(_("seller kind"), max_length=3, choices=SellerKind, blank=True)
    merchant_type = models.CharField(
        _("merchant type"), max_length=20, choices=MerchantType, blank=True
    )
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    registration_number = models.CharField(
        _("company registration or ID number"), max_length=64, blank=True
    )
    registered_address = models.CharField(_("registered address"), max_length=255, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    shop_name = models.CharField(_("proposed shop name"), max_length=80, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    payout_account_name = models.CharField(_("account holder"), max_length=100, blank=True)
    payout_bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    payout_account_number = models.CharField(_("account number / IBAN"), max_length=64, blank=True)
    decision_reason = models.TextField(_("reason given to the applicant"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("merchant application")
        verbose_name_plural = _("merchant applications")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"],
                condition=~models.Q(status__in=["approved", "rejected"]),
                name="sellers_one_open_application_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.shop_name or self.legal_name or f"#{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status in {ApplicationStatus.DRAFT, ApplicationStatus.NEEDS_INFO}


class ApplicationBrand(models.Model):
    """A brand the applicant will sell, and whether it owns it or is authorised to sell it."""

    application = models.ForeignKey(
        MerchantApplication, on_delete=models.CASCADE, related_name="brands"
    )
    name = models.CharField(_("brand"), max_length=100)
    relation = models.CharField(_("relation"), max_length=20, choices=BrandRelation)

    class Meta:
        verbose_name = _("brand in application")
        verbose_name_plural = _("brands in application")
        constraints = [
            models.UniqueConstraint(
                "application", models.functions.Lower("name"), name="sellers_app_brand_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


def document_upload_to(instance: "QualificationDocument", filename: str) -> str:
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.content_type, "bin"
    )
    return f"qualifications/{instance.application_id}/{uuid.uuid4().hex}.{extension}"


class QualificationDocument(models.Model):
    """An uploaded qualification, stored privately; served only to the merchant and staff."""

    application = models.ForeignKey(
        MerchantApplication, on_delete=models.CASCADE, related_name="documents"
    )
    document_type = models.CharField(_("document type"), max_length=30, choices=DocumentType)
    brand = models.ForeignKey(
        ApplicationBrand,
        verbose_name=_("brand"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=document_upload_to)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    number = models.CharField(_("document number"), max_length=64, blank=True)
    issuer = models.CharField(_("issued by"), max_length=150, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("qualification document")
        verbose_name_plural = _("qualification documents")
        ordering = ["document_type", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} ({self.original_name})"


class Merchant(models.Model):
    """An approved seller: a person or company that runs one shop."""

    application = models.OneToOneField(
        MerchantApplication, on_delete=models.PROTECT, related_name="merchant"
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    seller_kind = models.CharField(_("seller kind"), max_length=3, choices=SellerKind)
    merchant_type = models.CharField(_("merchant type"), max_length=20, choices=MerchantType)
    country = models.CharField(_("country"), max_length=2, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    payout_account_name = models.CharField(_("account holder"), max_length=100, blank=True)
    payout_bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    payout_account_number = models.CharField(_("account number / IBAN"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.legal_name


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    CLERK = "clerk", _("Clerk")


class MerchantMember(models.Model):
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="merchant_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=MemberRole)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("merchant member")
        verbose_name_plural = _("merchant members")
        ordering = ["merchant", "role", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "user"], name="sellers_member_unique"),
            models.UniqueConstraint(
                fields=["merchant"],
                condition=models.Q(role="owner"),
                name="sellers_one_owner_per_merchant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class MemberInvitation(models.Model):
    """An invitation by e-mail to join a merchant as manager or clerk."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=[
            (MemberRole.MANAGER, MemberRole.MANAGER.label),
            (MemberRole.CLERK, MemberRole.CLERK.label),
        ],
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("member invitation")
        verbose_name_plural = _("member invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class MerchantBrand(models.Model):
    """A brand the merchant may list: owned, or authorised until ``valid_until``."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="brands")
    name = models.CharField(_("brand"), max_length=100)
    relation = models.CharField(_("relation"), max_length=20, choices=BrandRelation)
    document = models.ForeignKey(
        QualificationDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valid_until = models.DateField(_("authorised until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("listing stopped"), null=True, blank=True)

    class Meta:
        verbose_name = _("merchant brand")
        verbose_name_plural = _("merchant brands")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "merchant", models.functions.Lower("name"), name="sellers_merchant_brand_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ShopStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #c8102e."))


class Shop(models.Model):
    merchant = models.OneToOneField(Merchant, on_delete=models.CASCADE, related_name="shop")
    name = models.CharField(_("shop name"), max_length=80)
    slug = models.SlugField(_("web address"), max_length=80, unique=True, allow_unicode=False)
    kind = models.CharField(_("kind"), max_length=3, choices=SellerKind)
    status = models.CharField(
        _("status"), max_length=10, choices=ShopStatus, default=ShopStatus.OPEN
    )
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    logo = models.ImageField(_("logo"), upload_to="shops/logos/", blank=True)
    banner = models.ImageField(_("banner"), upload_to="shops/banners/", blank=True)
    theme_colour = models.CharField(
        _("theme colour"), max_length=7, default="#c8102e", validators=[hex_colour]
    )
    introduction = models.TextField(_("introduction"), blank=True)
    announcement = models.CharField(_("announcement"), max_length=300, blank=True)
    service_hours = models.CharField(_("service hours"), max_length=100, blank=True)
    ships_from = models.CharField(_("ships from"), max_length=100, blank=True)
    accepts_cash_on_delivery = models.BooleanField(
        _("accepts cash on delivery"),
        default=False,
        help_text=_("Buyers may pay the courier when the parcel arrives."),
    )
    exposure_factor = models.DecimalField(
        _("search exposure factor"),
        max_digits=3,
        decimal_places=2,
        default=1,
        help_text=_("Below 1 while a lower-exposure penalty is in force."),
    )
    description_score = models.DecimalField(
        _("description accuracy"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    service_score = models.DecimalField(
        _("service"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    delivery_score = models.DecimalField(
        _("delivery"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    follower_count = models.PositiveIntegerField(_("followers"), default=0)
    published_at = models.DateTimeField(_("decoration published"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == ShopStatus.OPEN


class ShopFollow(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_shops"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "user"], name="sellers_follow_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.shop_id}"


class BlockKind(models.TextChoices):
    BANNER_CAROUSEL = "banner_carousel", _("Banner carousel")
    FEATURED_PRODUCTS = "featured_products", _("Featured products")
    CATEGORY_TABS = "category_tabs", _("Category tabs")
    RICH_TEXT = "rich_text", _("Rich text")
    COUPON_STRIP = "coupon_strip", _("Coupon strip")


class ShopBlock(models.Model):
    """One block of the storefront. The merchant edits the draft set; publishing copies it to the
    published set that shoppers see, so a half-done layout is never public."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="blocks")
    is_published = models.BooleanField(default=False)
    kind = models.CharField(_("block"), max_length=30, choices=BlockKind)
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("heading"), max_length=100, blank=True)
    config = models.JSONField(_("settings"), default=dict, blank=True)

    class Meta:
        verbose_name = _("shop block")
        verbose_name_plural = _("shop blocks")
        ordering = ["shop", "is_published", "position", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ShopBlockImage(models.Model):
    """A slide of a banner carousel block."""

    block = models.ForeignKey(ShopBlock, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="shops/blocks/")
    link = models.CharField(_("link"), max_length=300, blank=True)
    alt_text = models.CharField(_("description"), max_length=150, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text or self.image.name


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    SERIOUS = "serious", _("Serious")
    CRITICAL = "critical", _("Critical")


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    DELIST_PRODUCTS = "delist", _("Delist products")
    LOWER_EXPOSURE = "lower_exposure", _("Lower search exposure")
    SUSPEND = "suspend", _("Suspend the shop")
    CLOSE = "close", _("Close the shop")


class Rule(models.Model):
    """A platform rule merchants must follow (the rule catalogue)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity)
    points = models.PositiveSmallIntegerField(_("points deducted"))
    is_active = models.BooleanField(_("in force"), default=True)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class PenaltyThreshold(models.Model):
    """Points accumulated in a rolling 12 months that trigger a penalty automatically."""

    points = models.PositiveSmallIntegerField(_("points reached"), unique=True)
    penalty = models.CharField(_("penalty"), max_length=20, choices=PenaltyKind)
    duration_days = models.PositiveSmallIntegerField(
        _("for days"), null=True, blank=True, help_text=_("Empty: until lifted by staff.")
    )

    class Meta:
        verbose_name = _("penalty threshold")
        verbose_name_plural = _("penalty thresholds")
        ordering = ["points"]

    def __str__(self) -> str:
        return f"{self.points}: {self.get_penalty_display()}"


class ViolationStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    APPEALED = "appealed", _("Under appeal")
    UPHELD = "upheld", _("Upheld after appeal")
    REVOKED = "revoked", _("Revoked after appeal")


class Violation(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="violations")
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="violations")
    status = models.CharField(
        _("status"), max_length=10, choices=ViolationStatus, default=ViolationStatus.ACTIVE
    )
    points = models.PositiveSmallIntegerField(_("points deducted"))
    description = models.TextField(_("what happened"))
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), storage=private_storage, upload_to="violations/", blank=True
    )
    penalty = models.CharField(_("penalty"), max_length=20, choices=PenaltyKind)
    penalty_days = models.PositiveSmallIntegerField(_("for days"), null=True, blank=True)
    delisted_products = models.JSONField(_("delisted product ids"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.shop} - {self.rule.code}"


class Penalty(models.Model):
    """A penalty in force on a shop, from a violation or from reaching a points threshold."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="penalties")
    kind = models.CharField(_("penalty"), max_length=20, choices=PenaltyKind)
    violation = models.ForeignKey(
        Violation, null=True, blank=True, on_delete=models.CASCADE, related_name="penalties"
    )
    threshold = models.ForeignKey(
        PenaltyThreshold, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("penalty")
        verbose_name_plural = _("penalties")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.shop}: {self.get_kind_display()}"


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted: violation revoked")
    REJECTED = "rejected", _("Rejected: violation upheld")


class Appeal(models.Model):
    """The merchant's one appeal against a violation."""

    violation = models.OneToOneField(Violation, on_delete=models.CASCADE, related_name="appeal")
    explanation = models.TextField(_("explanation"))
    file = models.FileField(
        _("supporting file"), storage=private_storage, upload_to="appeals/", blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus, default=AppealStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(_("decision"), blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.violation} ({self.get_status_display()})"
