"""The application wizard at /seller/apply/, walked through with the test client."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from marketplace.core.states import history_of
from marketplace.sellers.models import (
    ApplicationStatus,
    BrandRelation,
    DocumentType,
    MerchantApplication,
    MerchantType,
    SellerKind,
)
from marketplace.sellers.services.onboarding import (
    approve_application,
    reject_application,
    request_more_information,
    submit_application,
)

from .factories import (
    DocumentRequirementFactory,
    MerchantApplicationFactory,
    MerchantMemberFactory,
    pdf_file,
    png_file,
    ready_application,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ApplicationStatus


@pytest.fixture
def agent_requirements(db) -> None:
    DocumentRequirementFactory(
        merchant_type=MerchantType.AUTHORISED_AGENT, document_type=DocumentType.BUSINESS_LICENCE
    )
    DocumentRequirementFactory(
        merchant_type=MerchantType.AUTHORISED_AGENT,
        document_type=DocumentType.BRAND_AUTHORISATION,
        per_brand=True,
    )


def step(name: str) -> str:
    return f"/seller/apply/{name}/"


def test_a_visitor_is_asked_to_log_in(client):
    response = client.get("/seller/apply/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_new_user_sees_the_start_page(client_as, user):
    response = client_as(user).get("/seller/apply/")
    assert response.status_code == 200
    assert "Start my application" in response.content.decode()
    assert not MerchantApplication.objects.filter(applicant=user).exists()


def test_an_applicant_walks_the_wizard_and_submits(client_as, user, agent_requirements):
    client = client_as(user)
    response = client.post("/seller/apply/")
    assert response["Location"] == step("kind")
    application = MerchantApplication.objects.get(applicant=user)

    page = client.get(step("kind")).content.decode()
    assert 'aria-current="step"' in page
    assert "Step 1 of 7" in page

    answers = {
        "kind": {
            "seller_kind": SellerKind.BUSINESS,
            "merchant_type": MerchantType.AUTHORISED_AGENT,
        },
        "company": {
            "legal_name": "Sakura Agency Ltd",
            "registration_number": "12345678",
            "registered_address": "1 Ren'ai Road, Taipei",
            "country": "TW",
            "shop_name": "Sakura Official",
        },
        "contact": {
            "contact_name": "Amy Lin",
            "contact_email": "amy@example.com",
            "contact_phone": "+886 2 1111 2222",
        },
        "payout": {
            "payout_account_name": "Sakura Agency Ltd",
            "payout_bank_name": "Bank of Taiwan",
            "payout_account_number": "004-123456789",
        },
    }
    following = {"kind": "company", "company": "contact", "contact": "payout", "payout": "brands"}
    for name, data in answers.items():
        response = client.post(step(name), {**data, "next": "1"})
        assert response.status_code == 302, response.content.decode()
        assert response["Location"] == step(following[name])

    response = client.post(
        step("brands"), {"name": "Sakura Beauty", "relation": "authorised", "add": "1"}
    )
    assert response["Location"] == step("brands")
    client.post(step("brands"), {"name": "Extra", "relation": "owner", "add": "1"})
    extra = application.brands.get(name="Extra")
    client.post(step("brands"), {"remove": str(extra.pk)})
    assert list(application.brands.values_list("name", flat=True)) == ["Sakura Beauty"]
    assert client.post(step("brands"), {"next": "1"})["Location"] == step("documents")

    brand = application.brands.get()
    page = client.get(step("documents")).content.decode()
    assert "Business licence" in page
    assert "Brand authorisation letter (Sakura Beauty)" in page

    expiry = (timezone.localdate() + datetime.timedelta(days=300)).isoformat()
    response = client.post(
        step("documents"),
        {
            "upload": "business_licence",
            "business_licence-file": pdf_file(),
            "business_licence-number": "BL-1",
            "business_licence-issuer": "Taipei City",
        },
    )
    assert response["Location"] == step("documents")
    key = f"brand_authorisation-{brand.pk}"
    client.post(
        step("documents"),
        {"upload": key, f"{key}-file": png_file(), f"{key}-expires_on": expiry},
    )
    assert application.documents.count() == 2

    page = client.get(step("review")).content.decode()
    assert "Sakura Official" in page
    response = client.post(step("review"), {"submit": "1"})
    assert response["Location"] == "/seller/apply/"

    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.legal_name == "Sakura Agency Ltd"
    status_page = client.get("/seller/apply/").content.decode()
    assert "Submitted" in status_page
    assert "History" in status_page


def test_save_and_continue_later_keeps_a_half_filled_step(client_as, user):
    client = client_as(user)
    client.post("/seller/apply/")
    response = client.post(step("company"), {"legal_name": "Half Done Ltd", "later": "1"})
    assert response.status_code == 302
    application = MerchantApplication.objects.get(applicant=user)
    assert application.legal_name == "Half Done Ltd"
    assert client.get("/seller/apply/")["Location"] == step("kind")


def test_continue_needs_every_field_of_the_step(client_as, user):
    client = client_as(user)
    client.post("/seller/apply/")
    response = client.post(step("company"), {"legal_name": "Half Done Ltd", "next": "1"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_an_html_file_renamed_pdf_is_refused_in_the_wizard(client_as, agent_requirements):
    application = MerchantApplicationFactory(merchant_type=MerchantType.AUTHORISED_AGENT)
    html = SimpleUploadedFile("licence.pdf", b"<html><body>hi</body></html>", "application/pdf")
    response = client_as(application.applicant).post(
        step("documents"), {"upload": "business_licence", "business_licence-file": html}
    )
    assert response.status_code == 200
    assert "judged by its content" in response.content.decode()
    assert not application.documents.exists()


def test_submit_is_refused_with_a_clear_message_while_documents_are_missing(
    client_as, agent_requirements
):
    application = MerchantApplicationFactory(merchant_type=MerchantType.AUTHORISED_AGENT)
    application.brands.create(name="Sakura Beauty", relation=BrandRelation.AUTHORISED)
    response = client_as(application.applicant).post(step("review"), {"submit": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Business licence is missing" in page
    assert "Brand authorisation letter (Sakura Beauty) is missing" in page
    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert not history_of(application).exists()


def test_a_submitted_application_cannot_be_edited_in_the_wizard(client_as):
    application = ready_application()
    submit_application(application=application, by=application.applicant)
    client = client_as(application.applicant)
    response = client.post(step("company"), {"legal_name": "Changed", "next": "1"})
    assert response["Location"] == "/seller/apply/"
    application.refresh_from_db()
    assert application.legal_name != "Changed"


def test_an_unknown_step_is_404(client_as, user):
    client = client_as(user)
    client.post("/seller/apply/")
    assert client.get(step("nonsense")).status_code == 404


def test_more_information_requested_then_edited_and_resubmitted(client_as, staff_user):
    application = ready_application()
    submit_application(application=application, by=application.applicant)
    request_more_information(
        application=application, by=staff_user, reason="Please give a landline number."
    )
    client = client_as(application.applicant)

    page = client.get("/seller/apply/").content.decode()
    assert "Please give a landline number." in page
    assert "More information requested" in page

    client.post(
        step("contact"),
        {
            "contact_name": "Amy",
            "contact_email": "amy@example.com",
            "contact_phone": "+886 2 2222 3333",
            "next": "1",
        },
    )
    response = client.post(step("review"), {"submit": "1"})
    assert response["Location"] == "/seller/apply/"
    application.refresh_from_db()
    assert (application.status, application.contact_phone) == (S.RESUBMITTED, "+886 2 2222 3333")
    page = client.get("/seller/apply/").content.decode()
    assert "Resubmitted" in page
    assert "Please give a landline number." in page  # in the history


def test_a_rejected_applicant_sees_the_reason_and_starts_again(client_as, staff_user):
    application = ready_application()
    submit_application(application=application, by=application.applicant)
    reject_application(
        application=application, by=staff_user, reason="Licence is for another company."
    )
    client = client_as(application.applicant)

    page = client.get("/seller/apply/").content.decode()
    assert "Licence is for another company." in page
    assert "Start a new application" in page

    assert client.post("/seller/apply/")["Location"] == step("kind")
    assert MerchantApplication.objects.filter(applicant=application.applicant).count() == 2


def test_the_wizard_only_ever_shows_the_users_own_application(client_as, other_user):
    application = ready_application(shop_name="Secret Shop")
    page = client_as(other_user).get(step("review"))
    assert page["Location"] == "/seller/apply/"
    assert "Secret Shop" not in client_as(other_user).get("/seller/apply/").content.decode()
    assert application.status == S.DRAFT


def test_a_merchant_opening_apply_goes_to_the_dashboard(client_as, merchant):
    assert client_as(merchant).get("/seller/apply/")["Location"] == "/seller/"


# --- The qualifications page ----------------------------------------------------------------


@pytest.fixture
def agent_merchant(staff_user, agent_requirements):
    application = ready_application(
        merchant_type=MerchantType.AUTHORISED_AGENT,
        brands=(
            (
                "Sakura Beauty",
                BrandRelation.AUTHORISED,
                timezone.localdate() + datetime.timedelta(days=20),
            ),
        ),
    )
    submit_application(application=application, by=application.applicant)
    return approve_application(application=application, by=staff_user)


def test_members_see_their_documents_and_brands_with_expiry(client_as, agent_merchant):
    clerk = MerchantMemberFactory(merchant=agent_merchant).user
    for user in (agent_merchant.members.get(role="owner").user, clerk):
        response = client_as(user).get("/seller/qualifications/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "Sakura Beauty" in page
        assert "authorisation ends soon" in page
        letter = agent_merchant.brands.get().document
        assert f"/seller/documents/{letter.pk}/" in page


def test_a_user_without_a_shop_is_sent_to_apply_from_qualifications(client_as, user):
    assert client_as(user).get("/seller/qualifications/")["Location"] == "/seller/apply/"
