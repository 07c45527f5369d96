"""Factories of the sellers app: one call builds a valid object.

``MerchantFactory`` builds the whole approved seller the way the platform does: an application,
then the merchant with its owner member and open shop. ``ShopFactory`` is the shop of a new
merchant, for tests that only care about the shop.
"""

import datetime
from io import BytesIO

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, PngImagePlugin

from marketplace.sellers.models import (
    ApplicationStatus,
    BrandRelation,
    DocumentRequirement,
    DocumentType,
    MemberRole,
    Merchant,
    MerchantApplication,
    MerchantMember,
    MerchantType,
    Rule,
    SellerKind,
    Severity,
    Shop,
)
from marketplace.sellers.selectors.onboarding import document_slots
from marketplace.sellers.services.documents import upload_document
from marketplace.sellers.services.onboarding import add_application_brand, approve_application
from tests.accounts.factories import UserFactory


class MerchantApplicationFactory(factory.django.DjangoModelFactory):
    """A complete draft application (every step filled in, no documents)."""

    class Meta:
        model = MerchantApplication

    applicant = factory.SubFactory(UserFactory)
    status = ApplicationStatus.DRAFT
    seller_kind = SellerKind.BUSINESS
    merchant_type = MerchantType.DISTRIBUTOR
    legal_name = factory.Sequence(lambda n: f"Trading Company {n} Ltd")
    registration_number = factory.Sequence(lambda n: f"REG-{n:06d}")
    registered_address = "1 Xinyi Road, Taipei"
    country = "TW"
    shop_name = factory.Sequence(lambda n: f"Shop {n}")
    contact_name = factory.Faker("name")
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.com")
    contact_phone = "+886 2 1234 5678"
    payout_account_name = factory.SelfAttribute("legal_name")
    payout_bank_name = "Bank of Taiwan"
    payout_account_number = factory.Sequence(lambda n: f"TW{n:012d}")


class MerchantFactory(factory.django.DjangoModelFactory):
    """An approved merchant with its owner member and open shop.

    ``MerchantFactory(owner=user, seller_kind=..., merchant_type=..., shop_name=...,
    brands=["Acme"])``: brands are owned brands the merchant may list.
    """

    class Meta:
        model = Merchant

    owner = factory.SubFactory(UserFactory)
    shop_name = factory.Sequence(lambda n: f"Shop {n}")
    brands = ()
    seller_kind = SellerKind.BUSINESS
    merchant_type = MerchantType.DISTRIBUTOR
    legal_name = factory.Sequence(lambda n: f"Merchant {n} Ltd")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        owner = kwargs.pop("owner")
        shop_name = kwargs.pop("shop_name")
        brands = kwargs.pop("brands")
        application = MerchantApplicationFactory(
            applicant=owner,
            status=ApplicationStatus.SUBMITTED,
            seller_kind=kwargs["seller_kind"],
            merchant_type=kwargs["merchant_type"],
            legal_name=kwargs["legal_name"],
            shop_name=shop_name,
        )
        for name in brands:
            application.brands.create(name=name, relation=BrandRelation.OWNER)
        return _approve(application)


def _approve(application: MerchantApplication) -> Merchant:
    reviewer = UserFactory(is_staff=True, is_superuser=True)
    return approve_application(application=application, by=reviewer)


class ShopFactory(factory.django.DjangoModelFactory):
    """The open shop of a new merchant; extra keyword arguments are set on the shop."""

    class Meta:
        model = Shop

    owner = factory.SubFactory(UserFactory)
    kind = SellerKind.BUSINESS

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        owner = kwargs.pop("owner")
        kind = kwargs.pop("kind")
        name = kwargs.pop("name", None)
        merchant = MerchantFactory(
            owner=owner, seller_kind=kind, **({"shop_name": name} if name else {})
        )
        shop = merchant.shop
        if kwargs:
            for field, value in kwargs.items():
                setattr(shop, field, value)
            shop.save()
        return shop


class MerchantMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MerchantMember

    merchant = factory.SubFactory(MerchantFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.CLERK


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"R-{n:03d}")
    title = factory.Sequence(lambda n: f"Rule {n}")
    description = "Merchants must not do this."
    severity = Severity.MINOR
    points = 2


class DocumentRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentRequirement
        django_get_or_create = ["merchant_type", "document_type"]

    merchant_type = MerchantType.DISTRIBUTOR
    document_type = DocumentType.BUSINESS_LICENCE
    per_brand = False
    is_required = True


# --- Real files -----------------------------------------------------------------------------


def png_bytes(*, size: tuple[int, int] = (8, 6), text: dict[str, str] | None = None) -> bytes:
    """A real PNG, optionally with text chunks (metadata the upload must strip)."""
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    out = BytesIO()
    Image.new("RGB", size, (200, 16, 46)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def jpeg_bytes(*, exif_artist: str = "") -> bytes:
    """A real JPEG, optionally with an EXIF Artist tag (metadata the upload must strip)."""
    image = Image.new("RGB", (8, 6), (16, 46, 200))
    exif = Image.Exif()
    if exif_artist:
        exif[0x013B] = exif_artist
    out = BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def pdf_bytes() -> bytes:
    """A real one-page PDF."""
    out = BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, format="PDF")
    return out.getvalue()


def pdf_file(name: str = "licence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def png_file(name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def ready_application(
    *,
    applicant=None,
    merchant_type: str = MerchantType.DISTRIBUTOR,
    brands: tuple[tuple[str, str, datetime.date | None], ...] = (),
    **fields,
) -> MerchantApplication:
    """A draft with every step filled in and every required document uploaded, ready to submit.

    The requirements are whatever ``DocumentRequirement`` rows exist (none: no documents).
    ``brands`` are (name, relation, authorisation letter expiry) triples.
    """
    application = MerchantApplicationFactory(
        merchant_type=merchant_type, **({"applicant": applicant} if applicant else {}), **fields
    )
    user = application.applicant
    expiries = {}
    for name, relation, expires_on in brands:
        brand = add_application_brand(
            application=application, by=user, name=name, relation=relation
        )
        expiries[brand.pk] = expires_on
    for slot in document_slots(application=application):
        if slot.is_required and slot.document is None:
            default = timezone.localdate() + datetime.timedelta(days=365)
            upload_document(
                application=application,
                by=user,
                document_type=slot.document_type,
                brand=slot.brand,
                file=pdf_file(),
                number="N-1",
                issuer="Registry",
                expires_on=expiries.get(slot.brand.pk, default) if slot.brand else default,
            )
    return application
