"""Demo data: the document requirements of every merchant type, approved merchants of every kind
and type (merchant@example.com owns "Demo Outfitters"), one application waiting for review and
one rejected with a reason.

Everything goes through the onboarding services, with small real PNG and PDF files so the
uploads pass the same checks as anyone's. Idempotent: a user who already reached the planned
state is left alone, and requirements are only added, never overwritten (staff may edit them).
``seed_demo`` runs inside one transaction, so approval uses ``record_approval`` (the body of the
durable ``approve_application``).
"""

import datetime
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from marketplace.accounts.models import User
from marketplace.core.seeding import DEMO_PASSWORD

from ..models import (
    ApplicationStatus,
    BrandRelation,
    DocumentRequirement,
    DocumentType,
    MerchantApplication,
    MerchantMember,
    MerchantType,
    SellerKind,
)
from ..selectors.onboarding import document_slots, open_application_for
from ..services.documents import upload_document
from ..services.onboarding import (
    add_application_brand,
    record_approval,
    reject_application,
    save_application_details,
    start_application,
    submit_application,
)

REQUIREMENTS = [
    # merchant type, document type, per brand, required, instructions
    (
        MerchantType.BRAND_OWNER,
        DocumentType.BUSINESS_LICENCE,
        False,
        True,
        "The company's current business registration.",
    ),
    (
        MerchantType.BRAND_OWNER,
        DocumentType.TRADEMARK_CERTIFICATE,
        True,
        True,
        "The trademark registration certificate of each brand you own.",
    ),
    (MerchantType.BRAND_OWNER, DocumentType.TAX_REGISTRATION, False, False, ""),
    (
        MerchantType.AUTHORISED_AGENT,
        DocumentType.BUSINESS_LICENCE,
        False,
        True,
        "The company's current business registration.",
    ),
    (
        MerchantType.AUTHORISED_AGENT,
        DocumentType.BRAND_AUTHORISATION,
        True,
        True,
        "A letter from the brand owner naming your company and the authorisation period.",
    ),
    (
        MerchantType.DISTRIBUTOR,
        DocumentType.BUSINESS_LICENCE,
        False,
        True,
        "The company's current business registration.",
    ),
    (
        MerchantType.DISTRIBUTOR,
        DocumentType.BRAND_AUTHORISATION,
        True,
        True,
        "A distribution agreement or letter from the brand owner or its agent.",
    ),
    (
        MerchantType.INDIVIDUAL,
        DocumentType.IDENTITY_DOCUMENT,
        False,
        True,
        "Both sides of your national ID card or the photo page of your passport.",
    ),
]


@dataclass
class DemoSeller:
    email: str
    name: str
    seller_kind: str
    merchant_type: str
    shop_name: str
    legal_name: str
    brands: list[tuple[str, str, int | None]] = field(default_factory=list)  # name, relation, days
    outcome: str = ApplicationStatus.APPROVED
    reason: str = ""


SELLERS = [
    DemoSeller(
        email="merchant@example.com",
        name="Demo Merchant",
        seller_kind=SellerKind.BUSINESS,
        merchant_type=MerchantType.BRAND_OWNER,
        shop_name="Demo Outfitters",
        legal_name="Demo Outfitters Co., Ltd.",
        brands=[("Demo Outfitters", BrandRelation.OWNER, None)],
    ),
    DemoSeller(
        email="lin@example.com",
        name="Lin Mei-hua",
        seller_kind=SellerKind.INDIVIDUAL,
        merchant_type=MerchantType.INDIVIDUAL,
        shop_name="Lin's Handmade",
        legal_name="Lin Mei-hua",
    ),
    DemoSeller(
        email="wholesale@example.com",
        name="Harbour Wholesale",
        seller_kind=SellerKind.WHOLESALER,
        merchant_type=MerchantType.DISTRIBUTOR,
        shop_name="Harbour Wholesale",
        legal_name="Harbour Wholesale Trading Ltd.",
        brands=[("Evergreen Tea", BrandRelation.AUTHORISED, 365)],
    ),
    DemoSeller(
        email="agent@example.com",
        name="Sakura Beauty Agency",
        seller_kind=SellerKind.BUSINESS,
        merchant_type=MerchantType.AUTHORISED_AGENT,
        shop_name="Sakura Beauty Official Store",
        legal_name="Sakura Beauty Agency Ltd.",
        brands=[("Sakura Beauty", BrandRelation.AUTHORISED, 20)],
    ),
    DemoSeller(
        email="distributor@example.com",
        name="Island Electronics",
        seller_kind=SellerKind.BUSINESS,
        merchant_type=MerchantType.DISTRIBUTOR,
        shop_name="Island Electronics",
        legal_name="Island Electronics Distribution Ltd.",
        brands=[
            ("Voltera", BrandRelation.AUTHORISED, 200),
            ("Pixelcraft", BrandRelation.AUTHORISED, 400),
        ],
    ),
    DemoSeller(
        email="applicant@example.com",
        name="Chen Vintage",
        seller_kind=SellerKind.INDIVIDUAL,
        merchant_type=MerchantType.INDIVIDUAL,
        shop_name="Chen's Vintage Finds",
        legal_name="Chen Wei",
        outcome=ApplicationStatus.SUBMITTED,
    ),
    DemoSeller(
        email="rejected@example.com",
        name="Quick Deals",
        seller_kind=SellerKind.BUSINESS,
        merchant_type=MerchantType.DISTRIBUTOR,
        shop_name="Quick Deals 4U",
        legal_name="Quick Deals Ltd.",
        brands=[("Nike", BrandRelation.AUTHORISED, 300)],
        outcome=ApplicationStatus.REJECTED,
        reason=(
            "The brand authorisation letter for Nike is not issued by Nike or one of its "
            "appointed distributors, and the business licence names a different company."
        ),
    ),
]


def run(*, log: Callable[[str], None]) -> None:
    added = 0
    for merchant_type, document_type, per_brand, required, help_text in REQUIREMENTS:
        _, created = DocumentRequirement.objects.get_or_create(
            merchant_type=merchant_type,
            document_type=document_type,
            defaults={"per_brand": per_brand, "is_required": required, "help_text": help_text},
        )
        added += created
    log(f"onboarding: {added} document requirements added")
    staff = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if staff is None:
        log("onboarding: no staff user, no demo merchants")
        return
    for seller in SELLERS:
        log(f"onboarding: {seller.email} {_seed_seller(seller, staff=staff)}")


def _seed_seller(seller: DemoSeller, *, staff: User) -> str:
    user = _demo_user(seller)
    if MerchantMember.objects.filter(user=user).exists():
        return "already sells"
    if MerchantApplication.objects.filter(applicant=user, status=seller.outcome).exists():
        return f"already {seller.outcome}"
    application = open_application_for(user=user) or start_application(applicant=user)
    if application.is_editable:
        _fill_in(application, seller, user=user)
        submit_application(application=application, by=user)
    if seller.outcome == ApplicationStatus.APPROVED:
        merchant = record_approval(application=application, by=staff)
        return f"approved, shop /s/{merchant.shop.slug}/"
    if seller.outcome == ApplicationStatus.REJECTED:
        reject_application(application=application, by=staff, reason=seller.reason)
    return str(seller.outcome)


def _demo_user(seller: DemoSeller) -> User:
    user, created = User.objects.get_or_create(
        email=seller.email, defaults={"display_name": seller.name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=seller.email, defaults={"verified": True, "primary": True}
    )
    return user


def _fill_in(application: MerchantApplication, seller: DemoSeller, *, user: User) -> None:
    number = zlib.crc32(seller.email.encode()) % 10**8
    save_application_details(
        application=application,
        by=user,
        details={
            "seller_kind": seller.seller_kind,
            "merchant_type": seller.merchant_type,
            "legal_name": seller.legal_name,
            "registration_number": f"{number:08d}",
            "registered_address": "No. 100, Section 1, Zhongxiao East Road, Taipei",
            "country": "TW",
            "shop_name": seller.shop_name,
            "contact_name": seller.name,
            "contact_email": seller.email,
            "contact_phone": "+886 2 2345 6789",
            "payout_account_name": seller.legal_name,
            "payout_bank_name": "Bank of Taiwan",
            "payout_account_number": f"004-{number:012d}",
        },
    )
    today = timezone.localdate()
    validity = {name: days for name, _relation, days in seller.brands}
    for name, relation, _days in seller.brands:
        if not application.brands.filter(name__iexact=name).exists():
            add_application_brand(application=application, by=user, name=name, relation=relation)
    for slot in document_slots(application=application):
        if slot.document is not None:
            continue
        days = validity.get(slot.brand.name) if slot.brand else 3 * 365
        upload_document(
            application=application,
            by=user,
            document_type=slot.document_type,
            brand=slot.brand,
            file=_demo_file(slot.label, pdf=slot.document_type != DocumentType.IDENTITY_DOCUMENT),
            number=f"DOC-{slot.key.upper()}"[:64],
            issuer="Demo issuing authority",
            expires_on=today + datetime.timedelta(days=days) if days else None,
        )


def _demo_file(title: str, *, pdf: bool) -> SimpleUploadedFile:
    """A small real image (or a one-page PDF of it) saying what the document is."""
    image = Image.new("RGB", (420, 260), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 411, 251), outline=(200, 16, 46), width=4)
    draw.text((30, 40), "DEMO DOCUMENT", fill=(200, 16, 46))
    draw.text((30, 90), title.encode("ascii", "replace").decode(), fill="black")
    draw.text((30, 200), "Not a real document.", fill="gray")
    out = BytesIO()
    image.save(out, format="PDF" if pdf else "PNG")
    extension, content_type = ("pdf", "application/pdf") if pdf else ("png", "image/png")
    return SimpleUploadedFile(f"demo.{extension}", out.getvalue(), content_type=content_type)
