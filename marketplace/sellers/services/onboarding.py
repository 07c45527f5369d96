"""Every write of onboarding: starting and filling in an application, its brands, submitting it,
and staff decisions (approve, reject, ask for more information). Approval creates the merchant,
its owner member, its shop and the brands it may list.

Statuses move only through ``core.states.transition`` with ``states.APPLICATION``; every move
sends ``application_status_changed`` on commit. This module never imports notifications.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.core.states import transition

from ..errors import ApplicationError
from ..events import application_status_changed
from ..models import (
    ApplicationBrand,
    ApplicationStatus,
    BrandRelation,
    DocumentType,
    MemberRole,
    Merchant,
    MerchantApplication,
    MerchantBrand,
    MerchantMember,
    QualificationDocument,
    Shop,
)
from ..selectors.onboarding import (
    REVIEWABLE_STATUSES,
    STEPS,
    application_problems,
    is_merchant_member,
    open_application_for,
)
from ..states import APPLICATION

APPLICANT_FIELDS = frozenset(field for step in STEPS for field in step.fields)
REVIEW_PERMISSION = "sellers.change_merchantapplication"


# --- Guards ---------------------------------------------------------------------------------


def can_review_applications(*, by: Any) -> bool:
    return bool(
        getattr(by, "is_authenticated", False)
        and by.is_active
        and by.is_staff
        and by.has_perm(REVIEW_PERMISSION)
    )


def check_can_edit(*, application: MerchantApplication, by: Any) -> None:
    """Only the applicant edits, and only a draft or an application sent back for more
    information."""
    if getattr(by, "pk", None) != application.applicant_id:
        raise ApplicationError(_("This is not your application."), code="not_applicant")
    if not application.is_editable:
        raise ApplicationError(
            _("This application has been submitted and cannot be changed now."),
            code="not_editable",
        )


def _check_reviewer(by: Any) -> None:
    if not can_review_applications(by=by):
        raise ApplicationError(
            _("Only staff who review applications can decide them."), code="not_reviewer"
        )


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the applicant a reason."), code="reason_required")
    return reason


# --- The applicant --------------------------------------------------------------------------


def start_application(*, applicant: Any) -> MerchantApplication:
    """The user has a draft application (the one already open, if any)."""
    if is_merchant_member(user=applicant):
        raise ApplicationError(
            _("You already sell on the marketplace: open your seller dashboard."),
            code="already_merchant",
        )
    existing = open_application_for(user=applicant)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return MerchantApplication.objects.create(
                applicant=applicant, contact_email=applicant.email
            )
    except IntegrityError:  # a second tab started one at the same moment
        application = open_application_for(user=applicant)
        if application is None:
            raise
        return application


def save_application_details(
    *, application: MerchantApplication, by: Any, details: dict[str, Any]
) -> MerchantApplication:
    """The applicant's answers of one step are saved on the application."""
    check_can_edit(application=application, by=by)
    unknown = set(details) - APPLICANT_FIELDS
    if unknown:
        raise ApplicationError(_("These details cannot be changed here."), code="unknown_fields")
    for name, value in details.items():
        setattr(application, name, value.strip() if isinstance(value, str) else value)
    application.save(update_fields=[*details, "updated_at"])
    return application


def add_application_brand(
    *, application: MerchantApplication, by: Any, name: str, relation: str
) -> ApplicationBrand:
    """The brand is on the list of brands the applicant will sell."""
    check_can_edit(application=application, by=by)
    name = " ".join(name.split())
    if not name:
        raise ApplicationError(_("Give the brand's name."), code="brand_name")
    if relation not in BrandRelation.values:
        raise ApplicationError(_("Choose how you relate to the brand."), code="brand_relation")
    if application.brands.filter(name__iexact=name).exists():
        raise ApplicationError(_("This brand is already on your list."), code="brand_duplicate")
    try:
        with transaction.atomic():
            return ApplicationBrand.objects.create(
                application=application, name=name, relation=relation
            )
    except IntegrityError:
        raise ApplicationError(
            _("This brand is already on your list."), code="brand_duplicate"
        ) from None


def remove_application_brand(*, brand: ApplicationBrand, by: Any) -> None:
    """The brand and the documents uploaded for it are gone from the application."""
    check_can_edit(application=brand.application, by=by)
    with transaction.atomic():
        names = [doc.file.name for doc in brand.documents.all() if doc.file.name]
        storage = QualificationDocument._meta.get_field("file").storage
        brand.delete()
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def submit_application(*, application: MerchantApplication, by: Any) -> MerchantApplication:
    """The application waits for staff review; refused while anything (such as a required
    document, or one that has expired) is missing."""
    check_can_edit(application=application, by=by)
    problems = application_problems(application=application)
    if problems:
        raise ApplicationError(
            _("The application is not complete yet: %(problems)s")
            % {"problems": " ".join(problems)},
            code="incomplete",
        )
    to = (
        ApplicationStatus.RESUBMITTED
        if application.status == ApplicationStatus.NEEDS_INFO
        else ApplicationStatus.SUBMITTED
    )
    with transaction.atomic():
        _move(application, to=to, by=by, changes={"submitted_at": timezone.now()})
    return application


# --- Staff decisions ------------------------------------------------------------------------


def request_more_information(
    *, application: MerchantApplication, by: Any, reason: str
) -> MerchantApplication:
    """The application goes back to the applicant, who is told what to add or correct."""
    _check_reviewer(by)
    reason = _check_reason(reason)
    with transaction.atomic():
        _move(
            application,
            to=ApplicationStatus.NEEDS_INFO,
            by=by,
            reason=reason,
            changes={"decision_reason": reason},
        )
    return application


def reject_application(
    *, application: MerchantApplication, by: Any, reason: str
) -> MerchantApplication:
    """The application is refused with a reason; the applicant may start a new one."""
    _check_reviewer(by)
    reason = _check_reason(reason)
    with transaction.atomic():
        _move(
            application,
            to=ApplicationStatus.REJECTED,
            by=by,
            reason=reason,
            changes={"decision_reason": reason, "decided_at": timezone.now()},
        )
    return application


def approve_application(*, application: MerchantApplication, by: Any) -> Merchant:
    """The applicant owns a new merchant with an open shop and the brands it applied for."""
    _check_reviewer(by)
    with transaction.atomic(durable=True):
        return record_approval(application=application, by=by)


def record_approval(*, application: MerchantApplication, by: Any) -> Merchant:
    """``approve_application`` inside the caller's transaction (the demo seed runs in one)."""
    _check_reviewer(by)
    with transaction.atomic(savepoint=False):
        if application.status not in REVIEWABLE_STATUSES:
            raise ApplicationError(
                _("Only a submitted application can be approved."), code="not_reviewable"
            )
        _move(
            application,
            to=ApplicationStatus.APPROVED,
            by=by,
            changes={"decision_reason": "", "decided_at": timezone.now()},
        )
        merchant = Merchant.objects.create(
            application=application,
            legal_name=application.legal_name,
            seller_kind=application.seller_kind,
            merchant_type=application.merchant_type,
            country=application.country,
            contact_email=application.contact_email,
            contact_phone=application.contact_phone,
            payout_account_name=application.payout_account_name,
            payout_bank_name=application.payout_bank_name,
            payout_account_number=application.payout_account_number,
        )
        MerchantMember.objects.create(
            merchant=merchant, user_id=application.applicant_id, role=MemberRole.OWNER
        )
        _open_shop(merchant=merchant, name=application.shop_name or application.legal_name)
        _grant_brands(merchant=merchant, application=application)
    return merchant


def _move(
    application: MerchantApplication,
    *,
    to: str,
    by: Any,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> None:
    transition(application, to=to, allowed=APPLICATION, by=by, reason=reason, changes=changes)
    application_id, status = application.pk, to
    transaction.on_commit(
        lambda: application_status_changed.send(
            sender=MerchantApplication, application_id=application_id, status=status, reason=reason
        )
    )


def _open_shop(*, merchant: Merchant, name: str) -> Shop:
    """The shop, at an ASCII address made from its name (``shop-<id>`` when the name has no
    Latin letters), numbered when taken."""
    base = slugify(name)[:60].strip("-") or f"shop-{merchant.pk}"
    for number in range(1, 100):
        slug = base if number == 1 else f"{base}-{number}"
        if Shop.objects.filter(slug=slug).exists():
            continue
        try:
            with transaction.atomic():
                return Shop.objects.create(
                    merchant=merchant, name=name, slug=slug, kind=merchant.seller_kind
                )
        except IntegrityError:  # taken meanwhile by a concurrent approval
            continue
    return Shop.objects.create(
        merchant=merchant, name=name, slug=f"shop-{merchant.pk}", kind=merchant.seller_kind
    )


def _grant_brands(*, merchant: Merchant, application: MerchantApplication) -> None:
    """Owned brands without end; authorised brands until their authorisation letter expires."""
    letters = {
        document.brand_id: document
        for document in application.documents.filter(
            document_type=DocumentType.BRAND_AUTHORISATION, brand__isnull=False
        )
    }
    for brand in application.brands.all():
        letter = letters.get(brand.pk) if brand.relation == BrandRelation.AUTHORISED else None
        MerchantBrand.objects.create(
            merchant=merchant,
            name=brand.name,
            relation=brand.relation,
            document=letter,
            valid_until=letter.expires_on if letter else None,
        )
