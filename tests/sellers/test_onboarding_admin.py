"""Staff review applications in the admin: the queue, the read-only application with its
documents and history, and the approve / reject / more-information decisions."""

import pytest
from django.contrib.auth.models import Group, Permission

from marketplace.accounts.roles import MODERATORS
from marketplace.sellers.models import (
    ApplicationStatus,
    DocumentRequirement,
    DocumentType,
    MemberRole,
    MerchantApplication,
    MerchantType,
    SellerKind,
)
from marketplace.sellers.services.onboarding import submit_application
from tests.accounts.factories import UserFactory

from .factories import DocumentRequirementFactory, MerchantFactory, ready_application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ApplicationStatus
CHANGELIST = "/admin/sellers/merchantapplication/"


@pytest.fixture
def moderator(db):
    """A staff member in the moderators group (review permissions come from the group)."""
    user = UserFactory(is_staff=True)
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    group.permissions.add(
        Permission.objects.get(codename="view_merchantapplication"),
        Permission.objects.get(codename="change_merchantapplication"),
    )
    user.groups.add(group)
    return user


@pytest.fixture
def submitted():
    DocumentRequirementFactory(
        merchant_type=MerchantType.DISTRIBUTOR, document_type=DocumentType.BUSINESS_LICENCE
    )
    application = ready_application(shop_name="Harbour Supply")
    submit_application(application=application, by=application.applicant)
    return application


def change_url(application) -> str:
    return f"{CHANGELIST}{application.pk}/change/"


def test_the_queue_lists_oldest_submitted_first_and_filters(client_as, moderator):
    newer = ready_application(shop_name="Newer", seller_kind=SellerKind.WHOLESALER)
    older = ready_application(shop_name="Older")
    draft = ready_application(shop_name="Still A Draft")
    submit_application(application=older, by=older.applicant)
    submit_application(application=newer, by=newer.applicant)
    client = client_as(moderator)

    page = client.get(CHANGELIST).content.decode()
    assert page.index("Older") < page.index("Newer") < page.index("Still A Draft")

    waiting = client.get(CHANGELIST, {"status__exact": "submitted"}).content.decode()
    assert "Older" in waiting and "Still A Draft" not in waiting
    b2b = client.get(CHANGELIST, {"seller_kind__exact": "b2b"}).content.decode()
    assert "Newer" in b2b and "Older" not in b2b
    by_type = client.get(CHANGELIST, {"merchant_type__exact": "brand_owner"}).content.decode()
    assert "Older" not in by_type
    assert draft.status == S.DRAFT


def test_the_change_page_shows_documents_history_and_decision_buttons(
    client_as, moderator, submitted
):
    document = submitted.documents.get()
    page = client_as(moderator).get(change_url(submitted)).content.decode()
    assert f"/seller/documents/{document.pk}/" in page
    assert str(document.expires_on.year) in page
    assert "Submitted" in page  # the history
    for decision in ("approve", "reject", "needs_info"):
        assert f"{change_url(submitted)[:-7]}decide/{decision}/" in page
    assert 'name="_save"' not in page
    assert 'name="legal_name"' not in page  # applicant fields are read-only


def test_staff_cannot_edit_applicant_fields(client_as, moderator, submitted):
    original = submitted.legal_name
    client_as(moderator).post(change_url(submitted), {"legal_name": "Edited by staff"})
    submitted.refresh_from_db()
    assert submitted.legal_name == original
    assert submitted.status == S.SUBMITTED


def test_approve_from_the_change_page(client_as, moderator, submitted):
    client = client_as(moderator)
    url = f"{CHANGELIST}{submitted.pk}/decide/approve/"
    assert client.get(url).status_code == 200  # confirmation first
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED

    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED
    merchant = submitted.merchant
    assert merchant.members.get().role == MemberRole.OWNER
    assert merchant.shop.slug == "harbour-supply"


@pytest.mark.parametrize(
    ("decision", "status"), [("reject", S.REJECTED), ("needs_info", S.NEEDS_INFO)]
)
def test_reject_and_ask_for_information_from_the_change_page_need_a_reason(
    client_as, moderator, submitted, decision, status
):
    client = client_as(moderator)
    url = f"{CHANGELIST}{submitted.pk}/decide/{decision}/"
    page = client.get(url).content.decode()
    assert 'name="reason"' in page

    response = client.post(url, {"confirm": "yes", "reason": ""})
    assert response.status_code == 200  # the form again, with its error
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED

    client.post(url, {"confirm": "yes", "reason": "The licence has expired."})
    submitted.refresh_from_db()
    assert (submitted.status, submitted.decision_reason) == (status, "The licence has expired.")


def test_the_approve_action_approves_the_selected_waiting_applications(
    client_as, moderator, submitted
):
    draft = ready_application()
    response = client_as(moderator).post(
        CHANGELIST,
        {"action": "approve_selected", "_selected_action": [submitted.pk, draft.pk]},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert (submitted.status, draft.status) == (S.APPROVED, S.DRAFT)


@pytest.mark.parametrize(
    ("action", "status"),
    [("reject_selected", S.REJECTED), ("ask_for_information", S.NEEDS_INFO)],
)
def test_reject_and_information_actions_ask_for_the_reason_on_an_intermediate_page(
    client_as, moderator, submitted, action, status
):
    client = client_as(moderator)
    first = client.post(CHANGELIST, {"action": action, "_selected_action": [submitted.pk]})
    assert first.status_code == 200
    assert 'name="reason"' in first.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED

    second = client.post(
        CHANGELIST,
        {
            "action": action,
            "_selected_action": [submitted.pk],
            "confirm": "yes",
            "reason": "Upload a clearer scan.",
        },
    )
    assert second.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.decision_reason) == (status, "Upload a clearer scan.")


def test_staff_without_review_permission_cannot_decide(client_as, submitted):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_merchantapplication"))
    client = client_as(viewer)
    url = f"{CHANGELIST}{submitted.pk}/decide/approve/"
    assert client.post(url, {"confirm": "yes"}).status_code == 403
    client.post(CHANGELIST, {"action": "approve_selected", "_selected_action": [submitted.pk]})
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_applications_cannot_be_added_or_deleted_in_admin(client_as, staff_user, submitted):
    client = client_as(staff_user)
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{submitted.pk}/delete/", {"post": "yes"}).status_code == 403
    assert MerchantApplication.objects.filter(pk=submitted.pk).exists()


def test_requirements_are_edited_in_the_list(client_as, staff_user):
    requirement = DocumentRequirementFactory(is_required=True)
    url = "/admin/sellers/documentrequirement/"
    response = client_as(staff_user).post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": requirement.pk,
            "form-0-per_brand": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    requirement.refresh_from_db()
    assert (requirement.per_brand, requirement.is_required) == (True, False)
    assert DocumentRequirement.objects.count() == 1


def test_merchant_and_brand_admin_lists_search(client_as, staff_user):
    MerchantFactory(legal_name="Findable Trading Ltd", brands=["Zebra"])
    MerchantFactory(legal_name="Other Ltd")
    client = client_as(staff_user)
    merchants = client.get("/admin/sellers/merchant/", {"q": "Findable"}).content.decode()
    assert "Findable Trading Ltd" in merchants and "Other Ltd" not in merchants
    brands = client.get("/admin/sellers/merchantbrand/", {"q": "zebra"}).content.decode()
    assert "Zebra" in brands
