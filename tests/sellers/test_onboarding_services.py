"""The merchant application life cycle through its services: submit, review decisions,
approval creating the merchant, history, events and notifications."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from marketplace.core.states import IllegalTransition, history_of
from marketplace.notifications.models import Notification
from marketplace.sellers import events
from marketplace.sellers.errors import ApplicationError
from marketplace.sellers.models import (
    ApplicationStatus,
    BrandRelation,
    DocumentType,
    MemberRole,
    MerchantApplication,
    MerchantBrand,
    MerchantType,
    SellerKind,
    Shop,
)
from marketplace.sellers.services.onboarding import (
    approve_application,
    reject_application,
    request_more_information,
    save_application_details,
    start_application,
    submit_application,
)
from marketplace.sellers.states import APPLICATION
from tests.accounts.factories import UserFactory

from .factories import (
    DocumentRequirementFactory,
    MerchantApplicationFactory,
    MerchantFactory,
    ready_application,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ApplicationStatus


@pytest.fixture
def reviewer(db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="change_merchantapplication"),
        Permission.objects.get(codename="view_merchantapplication"),
    )
    return user


@pytest.fixture
def distributor_requirements(db) -> None:
    DocumentRequirementFactory(
        merchant_type=MerchantType.DISTRIBUTOR, document_type=DocumentType.BUSINESS_LICENCE
    )
    DocumentRequirementFactory(
        merchant_type=MerchantType.DISTRIBUTOR,
        document_type=DocumentType.BRAND_AUTHORISATION,
        per_brand=True,
    )


def signals_of(callbacks) -> list[dict]:
    """Run captured on-commit callbacks and return what application_status_changed carried."""
    sent: list[dict] = []

    def listen(sender, **kwargs):
        sent.append({"sender": sender, **{k: v for k, v in kwargs.items() if k != "signal"}})

    events.application_status_changed.connect(listen, dispatch_uid="test-listen")
    try:
        for callback in callbacks:
            callback()
    finally:
        events.application_status_changed.disconnect(dispatch_uid="test-listen")
    return sent


# --- The state machine ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        (S.DRAFT, S.SUBMITTED, True),
        (S.DRAFT, S.APPROVED, False),
        (S.DRAFT, S.NEEDS_INFO, False),
        (S.SUBMITTED, S.APPROVED, True),
        (S.SUBMITTED, S.REJECTED, True),
        (S.SUBMITTED, S.NEEDS_INFO, True),
        (S.SUBMITTED, S.DRAFT, False),
        (S.NEEDS_INFO, S.RESUBMITTED, True),
        (S.NEEDS_INFO, S.APPROVED, False),
        (S.RESUBMITTED, S.APPROVED, True),
        (S.RESUBMITTED, S.NEEDS_INFO, True),
        (S.APPROVED, S.REJECTED, False),
        (S.REJECTED, S.SUBMITTED, False),
        (S.REJECTED, S.APPROVED, False),
    ],
)
def test_application_state_table(start, to, allowed):
    assert (to in APPLICATION.get(start, ())) is allowed


# --- The whole life cycle -------------------------------------------------------------------


def test_the_whole_life_cycle_ends_with_an_open_shop_owned_by_the_applicant(
    reviewer, distributor_requirements, django_capture_on_commit_callbacks
):
    letter_expiry = timezone.localdate() + datetime.timedelta(days=200)
    application = ready_application(
        shop_name="Island Electronics",
        seller_kind=SellerKind.BUSINESS,
        brands=(("Voltera", BrandRelation.AUTHORISED, letter_expiry),),
    )
    applicant = application.applicant

    with django_capture_on_commit_callbacks() as callbacks:
        submit_application(application=application, by=applicant)
        request_more_information(
            application=application, by=reviewer, reason="The licence scan is blurred."
        )
        save_application_details(
            application=application, by=applicant, details={"contact_phone": "+886 2 0000 1111"}
        )
        submit_application(application=application, by=applicant)
        merchant = approve_application(application=application, by=reviewer)

    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.decided_at is not None
    assert [(c.from_status, c.to_status) for c in history_of(application)] == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.NEEDS_INFO),
        (S.NEEDS_INFO, S.RESUBMITTED),
        (S.RESUBMITTED, S.APPROVED),
    ]
    assert history_of(application)[1].reason == "The licence scan is blurred."
    assert history_of(application)[1].by == reviewer

    assert merchant.application == application
    assert merchant.legal_name == application.legal_name
    assert merchant.payout_account_number == application.payout_account_number
    owner = merchant.members.get()
    assert (owner.user, owner.role) == (applicant, MemberRole.OWNER)
    shop = merchant.shop
    assert (shop.name, shop.slug, shop.kind) == (
        "Island Electronics",
        "island-electronics",
        SellerKind.BUSINESS,
    )
    assert shop.is_open
    brand = merchant.brands.get()
    assert (brand.name, brand.relation, brand.valid_until) == (
        "Voltera",
        BrandRelation.AUTHORISED,
        letter_expiry,
    )
    assert brand.document.document_type == DocumentType.BRAND_AUTHORISATION

    assert signals_of(callbacks) == [
        {"sender": MerchantApplication, "application_id": application.pk, "status": s, "reason": r}
        for s, r in [
            (S.SUBMITTED, ""),
            (S.NEEDS_INFO, "The licence scan is blurred."),
            (S.RESUBMITTED, ""),
            (S.APPROVED, ""),
        ]
    ]


def test_every_status_change_reaches_the_applicants_inbox(
    reviewer, django_capture_on_commit_callbacks
):
    application = ready_application()
    with django_capture_on_commit_callbacks(execute=True):
        submit_application(application=application, by=application.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        request_more_information(application=application, by=reviewer, reason="Add a phone.")
    with django_capture_on_commit_callbacks(execute=True):
        submit_application(application=application, by=application.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        approve_application(application=application, by=reviewer)

    inbox = Notification.objects.filter(user=application.applicant).order_by("pk")
    assert [n.kind for n in inbox] == [
        "sellers_application_submitted",
        "sellers_application_needs_info",
        "sellers_application_resubmitted",
        "sellers_application_approved",
    ]
    assert inbox[1].context["reason"] == "Add a phone."
    assert inbox[3].url == "/seller/"


def test_rejection_keeps_the_reason_and_tells_the_applicant(
    reviewer, django_capture_on_commit_callbacks
):
    application = ready_application()
    submit_application(application=application, by=application.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        reject_application(application=application, by=reviewer, reason="Not a registered company.")

    application.refresh_from_db()
    assert application.status == S.REJECTED
    assert application.decision_reason == "Not a registered company."
    assert not hasattr(application, "merchant") or application.merchant is None
    notification = Notification.objects.get(user=application.applicant)
    assert notification.kind == "sellers_application_rejected"
    assert notification.context["reason"] == "Not a registered company."


def test_a_rejected_applicant_may_start_a_new_application(reviewer):
    application = ready_application()
    submit_application(application=application, by=application.applicant)
    reject_application(application=application, by=reviewer, reason="Blurred documents.")

    fresh = start_application(applicant=application.applicant)

    assert fresh.pk != application.pk
    assert fresh.status == S.DRAFT


def test_starting_twice_resumes_the_open_application(user):
    first = start_application(applicant=user)
    assert start_application(applicant=user) == first
    assert MerchantApplication.objects.filter(applicant=user).count() == 1


def test_a_merchant_cannot_apply_again(merchant):
    with pytest.raises(ApplicationError) as refused:
        start_application(applicant=merchant)
    assert refused.value.code == "already_merchant"


# --- Refusals change nothing ----------------------------------------------------------------


@pytest.mark.parametrize(
    "decide",
    [
        lambda app, by: approve_application(application=app, by=by),
        lambda app, by: reject_application(application=app, by=by, reason="No."),
        lambda app, by: request_more_information(application=app, by=by, reason="More."),
    ],
    ids=["approve", "reject", "needs_info"],
)
def test_a_draft_cannot_be_decided(reviewer, decide):
    application = ready_application()
    with pytest.raises((ApplicationError, IllegalTransition)):
        decide(application, reviewer)
    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert not history_of(application).exists()


def test_an_approved_application_cannot_be_rejected_or_approved_again(reviewer):
    application = ready_application()
    submit_application(application=application, by=application.applicant)
    approve_application(application=application, by=reviewer)

    with pytest.raises(IllegalTransition):
        reject_application(application=application, by=reviewer, reason="Changed my mind.")
    with pytest.raises(ApplicationError):
        approve_application(application=application, by=reviewer)
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert Shop.objects.filter(merchant__application=application).count() == 1


@pytest.mark.parametrize("decide", [reject_application, request_more_information])
def test_a_reason_is_required_to_reject_or_ask_for_information(reviewer, decide):
    application = ready_application()
    submit_application(application=application, by=application.applicant)
    with pytest.raises(ApplicationError) as refused:
        decide(application=application, by=reviewer, reason="   ")
    assert refused.value.code == "reason_required"
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_only_reviewers_decide(user):
    application = ready_application()
    submit_application(application=application, by=application.applicant)
    plain_staff = UserFactory(is_staff=True)
    for by in (user, application.applicant, plain_staff):
        with pytest.raises(ApplicationError) as refused:
            approve_application(application=application, by=by)
        assert refused.value.code == "not_reviewer"
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_only_the_applicant_submits_or_edits(other_user):
    application = ready_application()
    with pytest.raises(ApplicationError):
        submit_application(application=application, by=other_user)
    with pytest.raises(ApplicationError):
        save_application_details(
            application=application, by=other_user, details={"shop_name": "Taken over"}
        )
    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert application.shop_name != "Taken over"


def test_a_submitted_application_cannot_be_edited():
    application = ready_application()
    submit_application(application=application, by=application.applicant)
    with pytest.raises(ApplicationError) as refused:
        save_application_details(
            application=application, by=application.applicant, details={"shop_name": "New"}
        )
    assert refused.value.code == "not_editable"


def test_submit_is_refused_while_a_required_document_is_missing(distributor_requirements):
    application = MerchantApplicationFactory(merchant_type=MerchantType.DISTRIBUTOR)
    with pytest.raises(ApplicationError) as refused:
        submit_application(application=application, by=application.applicant)
    assert refused.value.code == "incomplete"
    assert "Business licence is missing" in refused.value.message
    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert application.submitted_at is None
    assert not history_of(application).exists()


def test_submit_is_refused_while_a_required_document_has_expired(distributor_requirements):
    application = ready_application()
    application.documents.update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ApplicationError) as refused:
        submit_application(application=application, by=application.applicant)
    assert "has expired" in refused.value.message
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_submit_is_refused_while_a_step_is_incomplete():
    application = MerchantApplicationFactory(contact_phone="")
    with pytest.raises(ApplicationError) as refused:
        submit_application(application=application, by=application.applicant)
    assert "contact phone" in refused.value.message


def test_a_brand_owner_must_name_a_brand_it_owns():
    application = MerchantApplicationFactory(merchant_type=MerchantType.BRAND_OWNER)
    with pytest.raises(ApplicationError) as refused:
        submit_application(application=application, by=application.applicant)
    assert "brand you own" in refused.value.message


def test_a_stale_approval_changes_nothing(reviewer):
    application = ready_application()
    submit_application(application=application, by=application.applicant)
    stale = MerchantApplication.objects.get(pk=application.pk)
    reject_application(application=application, by=reviewer, reason="No.")

    with pytest.raises(IllegalTransition):
        approve_application(application=stale, by=reviewer)
    assert not Shop.objects.filter(merchant__application=application).exists()


# --- What approval creates ------------------------------------------------------------------


def test_a_chinese_shop_name_gets_an_ascii_address(reviewer):
    application = ready_application(shop_name="示範服飾")
    submit_application(application=application, by=application.applicant)
    merchant = approve_application(application=application, by=reviewer)
    assert merchant.shop.name == "示範服飾"
    assert merchant.shop.slug == f"shop-{merchant.pk}"


def test_shop_addresses_stay_unique(reviewer):
    MerchantFactory(shop_name="Tea House")
    application = ready_application(shop_name="Tea House")
    submit_application(application=application, by=application.applicant)
    merchant = approve_application(application=application, by=reviewer)
    assert merchant.shop.slug == "tea-house-2"


def test_owned_brands_never_expire(reviewer):
    DocumentRequirementFactory(
        merchant_type=MerchantType.BRAND_OWNER,
        document_type=DocumentType.TRADEMARK_CERTIFICATE,
        per_brand=True,
    )
    application = ready_application(
        merchant_type=MerchantType.BRAND_OWNER,
        brands=(("Demo Outfitters", BrandRelation.OWNER, None),),
    )
    submit_application(application=application, by=application.applicant)
    merchant = approve_application(application=application, by=reviewer)
    brand = MerchantBrand.objects.get(merchant=merchant)
    assert (brand.relation, brand.valid_until) == (BrandRelation.OWNER, None)
