"""Reads of onboarding: the user's application, the steps of the wizard and what each still
lacks, the documents an application needs, and who may read a qualification document.

Pure reads: nothing here writes. The submit guard in ``services/onboarding.py`` uses
``application_problems`` so the wizard and the service agree on what "complete" means.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core.states import history_of

from ..models import (
    ApplicationBrand,
    ApplicationStatus,
    BrandRelation,
    DocumentRequirement,
    DocumentType,
    Merchant,
    MerchantApplication,
    MerchantBrand,
    MerchantMember,
    MerchantType,
    QualificationDocument,
)

CLOSED_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)
REVIEWABLE_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.RESUBMITTED)


@dataclass(frozen=True)
class Step:
    slug: str
    title: Promise
    fields: tuple[str, ...] = ()


STEPS: tuple[Step, ...] = (
    Step("kind", gettext_lazy("Kind of seller"), ("seller_kind", "merchant_type")),
    Step(
        "company",
        gettext_lazy("Legal details"),
        ("legal_name", "registration_number", "registered_address", "country", "shop_name"),
    ),
    Step("contact", gettext_lazy("Contact"), ("contact_name", "contact_email", "contact_phone")),
    Step(
        "payout",
        gettext_lazy("Payout details"),
        ("payout_account_name", "payout_bank_name", "payout_account_number"),
    ),
    Step("brands", gettext_lazy("Brands")),
    Step("documents", gettext_lazy("Documents")),
    Step("review", gettext_lazy("Review and submit")),
)
STEP_SLUGS = tuple(step.slug for step in STEPS)

# Brand owners must name a brand they own, agents one they are authorised to sell.
BRANDS_NEEDED: dict[str, str] = {
    MerchantType.BRAND_OWNER: BrandRelation.OWNER,
    MerchantType.AUTHORISED_AGENT: BrandRelation.AUTHORISED,
}


def step_for(slug: str) -> Step:
    for step in STEPS:
        if step.slug == slug:
            return step
    raise Http404


# --- The user's application -----------------------------------------------------------------


def open_application_for(*, user: Any) -> MerchantApplication | None:
    """The application the user is filling in or waiting on (at most one, by constraint)."""
    if not user.is_authenticated:
        return None
    return (
        MerchantApplication.objects.filter(applicant=user)
        .exclude(status__in=CLOSED_STATUSES)
        .prefetch_related("brands")
        .first()
    )


def latest_application_for(*, user: Any) -> MerchantApplication | None:
    """The open application, else the most recently decided one."""
    if not user.is_authenticated:
        return None
    return open_application_for(user=user) or (
        MerchantApplication.objects.filter(applicant=user)
        .prefetch_related("brands")
        .order_by("-created_at", "-pk")
        .first()
    )


def is_merchant_member(*, user: Any) -> bool:
    return bool(user.is_authenticated) and MerchantMember.objects.filter(user=user).exists()


# --- Completeness ---------------------------------------------------------------------------


def step_problems(*, application: MerchantApplication, step: Step) -> list[str]:
    """What this step still lacks, in words for the applicant (empty when complete)."""
    if step.fields:
        empty = [name for name in step.fields if not str(getattr(application, name, "")).strip()]
        if empty:
            labels = ", ".join(
                str(MerchantApplication._meta.get_field(name).verbose_name) for name in empty
            )
            return [_("%(step)s: fill in %(fields)s.") % {"step": step.title, "fields": labels}]
        return []
    if step.slug == "brands":
        return _brand_problems(application=application)
    if step.slug == "documents":
        return document_problems(application=application)
    return []


def _brand_problems(*, application: MerchantApplication) -> list[str]:
    relation = BRANDS_NEEDED.get(application.merchant_type)
    if relation is None or any(b.relation == relation for b in application.brands.all()):
        return []
    if relation == BrandRelation.OWNER:
        return [_("Brands: add at least one brand you own.")]
    return [_("Brands: add at least one brand you are authorised to sell.")]


def completed_steps(*, application: MerchantApplication) -> set[str]:
    return {
        step.slug
        for step in STEPS
        if step.slug != "review" and not step_problems(application=application, step=step)
    }


def first_incomplete_step(*, application: MerchantApplication) -> Step:
    done = completed_steps(application=application)
    return next((step for step in STEPS if step.slug not in done), STEPS[-1])


def application_problems(
    *, application: MerchantApplication, today: datetime.date | None = None
) -> list[str]:
    """Everything that keeps the application from being submitted (empty when ready)."""
    problems: list[str] = []
    for step in STEPS:
        if step.slug == "documents":
            problems += document_problems(application=application, today=today)
        else:
            problems += step_problems(application=application, step=step)
    return problems


# --- Documents ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentSlot:
    """One document the application needs (or may add), and the upload filling it if any."""

    document_type: str
    label: str
    help_text: str
    is_required: bool
    brand: ApplicationBrand | None
    document: QualificationDocument | None

    @property
    def key(self) -> str:
        return f"{self.document_type}-{self.brand.pk}" if self.brand else self.document_type

    @property
    def is_missing(self) -> bool:
        return self.is_required and self.document is None

    def is_expired(self, today: datetime.date) -> bool:
        expires_on = self.document.expires_on if self.document else None
        return expires_on is not None and expires_on < today


def _brand_applies(document_type: str, brand: ApplicationBrand) -> bool:
    """An authorisation letter is for brands sold with permission, a trademark certificate for
    brands owned; any other per-brand document is for every brand."""
    if document_type == DocumentType.BRAND_AUTHORISATION:
        return brand.relation == BrandRelation.AUTHORISED
    if document_type == DocumentType.TRADEMARK_CERTIFICATE:
        return brand.relation == BrandRelation.OWNER
    return True


def document_slots(*, application: MerchantApplication) -> list[DocumentSlot]:
    """The documents configured for the application's merchant type (per-brand ones once for
    each brand they apply to), each with its current upload."""
    requirements = DocumentRequirement.objects.filter(
        merchant_type=application.merchant_type
    ).order_by("-is_required", "per_brand", "document_type")
    brands = list(application.brands.order_by("name"))
    uploads = {
        (document.document_type, document.brand_id): document
        for document in application.documents.order_by("uploaded_at")
    }
    slots = []
    for requirement in requirements:
        label = str(DocumentType(requirement.document_type).label)
        for brand in brands if requirement.per_brand else [None]:
            if brand is not None and not _brand_applies(requirement.document_type, brand):
                continue
            slots.append(
                DocumentSlot(
                    document_type=requirement.document_type,
                    label=f"{label} ({brand.name})" if brand else label,
                    help_text=requirement.help_text,
                    is_required=requirement.is_required,
                    brand=brand,
                    document=uploads.get((requirement.document_type, brand and brand.pk)),
                )
            )
    return slots


def extra_documents(
    *, application: MerchantApplication, slots: list[DocumentSlot]
) -> list[QualificationDocument]:
    """Uploads no slot asks for any more (e.g. after the merchant type changed)."""
    used = {slot.document.pk for slot in slots if slot.document}
    return [doc for doc in application.documents.order_by("uploaded_at") if doc.pk not in used]


def document_problems(
    *, application: MerchantApplication, today: datetime.date | None = None
) -> list[str]:
    today = today or timezone.localdate()
    problems = []
    for slot in document_slots(application=application):
        if slot.is_missing:
            problems.append(_("Documents: %(document)s is missing.") % {"document": slot.label})
        elif slot.is_required and slot.is_expired(today):
            problems.append(
                _("Documents: %(document)s has expired; upload a current one.")
                % {"document": slot.label}
            )
    return problems


def document_for_reader_or_404(*, pk: int, user: Any) -> QualificationDocument:
    """The document, if ``user`` may read it: a member of the merchant the application became,
    the applicant while there is no merchant yet, or staff who may view applications."""
    document = (
        QualificationDocument.objects.select_related("application").filter(pk=pk).first()
        if user.is_authenticated
        else None
    )
    if document is None or not can_read_document(document=document, user=user):
        raise Http404
    return document


def can_read_document(*, document: QualificationDocument, user: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff and user.has_perm("sellers.view_merchantapplication"):
        return True
    application = document.application
    if MerchantMember.objects.filter(user=user, merchant__application=application).exists():
        return True
    has_merchant = Merchant.objects.filter(application=application).exists()
    return application.applicant_id == user.pk and not has_merchant


# --- The merchant's qualifications ----------------------------------------------------------


def documents_of_merchant(*, merchant: Merchant) -> QuerySet[QualificationDocument]:
    return (
        QualificationDocument.objects.filter(application_id=merchant.application_id)
        .select_related("brand")
        .order_by("expires_on", "document_type")
    )


def brands_of_merchant(*, merchant: Merchant) -> QuerySet[MerchantBrand]:
    return MerchantBrand.objects.filter(merchant=merchant).order_by("name")


def applications_with_documents() -> QuerySet[MerchantApplication]:
    return MerchantApplication.objects.select_related("applicant").prefetch_related(
        "brands", Prefetch("documents", queryset=QualificationDocument.objects.order_by("pk"))
    )


# --- History --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    status: str
    label: str
    reason: str
    by_applicant: bool


def application_history(*, application: MerchantApplication) -> list[HistoryEntry]:
    """The application's moves, oldest first, with the statuses in words."""
    labels = dict(ApplicationStatus.choices)
    return [
        HistoryEntry(
            at=change.at,
            status=change.to_status,
            label=str(labels.get(change.to_status, change.to_status)),
            reason=change.reason,
            by_applicant=change.by_id == application.applicant_id,
        )
        for change in history_of(application).order_by("at", "pk")
    ]
