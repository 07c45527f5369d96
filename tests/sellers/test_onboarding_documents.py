"""Qualification documents: judged by content, stripped of metadata, stored privately, and
served only to the applicant, the merchant's members and reviewing staff."""

import datetime
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from marketplace.sellers.errors import ApplicationError, DocumentError
from marketplace.sellers.models import DocumentType, MemberRole, QualificationDocument
from marketplace.sellers.services.documents import (
    checked_upload,
    remove_document,
    upload_document,
)
from marketplace.sellers.services.onboarding import approve_application, submit_application
from tests.accounts.factories import UserFactory

from .factories import (
    MerchantApplicationFactory,
    MerchantMemberFactory,
    jpeg_bytes,
    pdf_bytes,
    pdf_file,
    png_bytes,
    png_file,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def application():
    return MerchantApplicationFactory()


def add(application, file, **kwargs) -> QualificationDocument:
    return upload_document(
        application=application,
        by=application.applicant,
        document_type=kwargs.pop("document_type", DocumentType.BUSINESS_LICENCE),
        file=file,
        **kwargs,
    )


# --- Judged by content ----------------------------------------------------------------------


def test_a_real_pdf_is_kept_as_it_is():
    data = pdf_bytes()
    checked = checked_upload(file=upload("licence.pdf", data))
    assert (checked.content_type, checked.content) == ("application/pdf", data)


def test_a_png_named_pdf_is_still_a_png():
    checked = checked_upload(file=upload("scan.pdf", png_bytes(), "application/pdf"))
    assert checked.content_type == "image/png"


def test_an_html_file_renamed_pdf_is_refused():
    html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
    with pytest.raises(DocumentError) as refused:
        checked_upload(file=upload("licence.pdf", html, "application/pdf"))
    assert refused.value.code == "file_type"


def test_a_fake_png_is_refused():
    fake = b"\x89PNG\r\n\x1a\n" + b"<html>not really an image</html>" * 10
    with pytest.raises(DocumentError) as refused:
        checked_upload(file=upload("scan.png", fake, "image/png"))
    assert refused.value.code == "file_damaged"


def test_a_jpeg_header_on_a_png_body_is_refused():
    with pytest.raises(DocumentError):
        checked_upload(file=upload("x.jpg", b"\xff\xd8\xff" + png_bytes()[3:], "image/jpeg"))


def test_a_truncated_pdf_is_refused():
    with pytest.raises(DocumentError) as refused:
        checked_upload(file=upload("licence.pdf", pdf_bytes()[:-200]))
    assert refused.value.code == "file_damaged"


def test_a_file_over_the_limit_is_refused(settings):
    settings.QUALIFICATION_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(DocumentError) as refused:
        checked_upload(file=upload("big.pdf", b"%PDF-1.4\n" + b"0" * 1200 + b"\n%%EOF"))
    assert refused.value.code == "file_too_large"


def test_the_default_limit_is_ten_megabytes():
    data = b"%PDF-1.4\n" + b"0" * (10 * 2**20) + b"\n%%EOF"
    with pytest.raises(DocumentError) as refused:
        checked_upload(file=upload("big.pdf", data))
    assert "10 MB" in refused.value.message


def test_png_text_metadata_is_stripped():
    data = png_bytes(text={"Author": "Jane Doe", "Location": "25.03N 121.56E"})
    checked = checked_upload(file=upload("scan.png", data, "image/png"))
    assert b"Jane Doe" not in checked.content
    assert b"121.56E" not in checked.content
    with Image.open(BytesIO(checked.content)) as image:
        assert (image.format, image.size) == ("PNG", (8, 6))


def test_jpeg_exif_is_stripped():
    data = jpeg_bytes(exif_artist="Jane Doe")
    assert b"Jane Doe" in data
    checked = checked_upload(file=upload("id.jpg", data, "image/jpeg"))
    assert b"Jane Doe" not in checked.content
    with Image.open(BytesIO(checked.content)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


# --- Stored on the application --------------------------------------------------------------


def test_an_upload_is_stored_privately_under_a_random_name(application, private_files, settings):
    document = add(application, png_file("my passport.png"), number="A123", issuer="MOI")
    path = document.file.path
    assert path.startswith(str(private_files))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert path.endswith(".png")
    assert "passport" not in path
    assert (document.original_name, document.content_type, document.number) == (
        "my passport.png",
        "image/png",
        "A123",
    )


def test_a_new_upload_replaces_the_one_of_the_same_kind(application):
    first = add(application, pdf_file())
    first_path = first.file.path
    second = add(application, png_file())
    assert list(application.documents.all()) == [second]
    assert not QualificationDocument.objects.filter(pk=first.pk).exists()
    assert first_path != second.file.path


def test_an_expired_document_is_refused(application):
    with pytest.raises(DocumentError) as refused:
        add(application, pdf_file(), expires_on=timezone.localdate() - datetime.timedelta(days=1))
    assert refused.value.code == "expired"
    assert not application.documents.exists()


def test_a_brand_authorisation_needs_its_end_date(application):
    brand = application.brands.create(name="Voltera", relation="authorised")
    with pytest.raises(DocumentError) as refused:
        add(application, pdf_file(), document_type=DocumentType.BRAND_AUTHORISATION, brand=brand)
    assert refused.value.code == "expiry_required"


def test_another_user_cannot_upload_to_or_remove_from_an_application(application, other_user):
    document = add(application, pdf_file())
    with pytest.raises(ApplicationError):
        upload_document(
            application=application,
            by=other_user,
            document_type=DocumentType.OTHER,
            file=pdf_file(),
        )
    with pytest.raises(ApplicationError):
        remove_document(document=document, by=other_user)
    assert list(application.documents.all()) == [document]


def test_documents_cannot_change_once_submitted(application):
    document = add(application, pdf_file())
    submit_application(application=application, by=application.applicant)
    with pytest.raises(ApplicationError):
        remove_document(document=document, by=application.applicant)
    with pytest.raises(ApplicationError):
        add(application, png_file(), document_type=DocumentType.OTHER)


# --- Who may open a document ----------------------------------------------------------------


def url(document) -> str:
    return f"/seller/documents/{document.pk}/"


def test_the_applicant_opens_their_pdf_as_a_download(client_as, application):
    document = add(application, pdf_file())
    response = client_as(application.applicant).get(url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_image_is_shown_inline(client_as, application):
    document = add(application, png_file())
    response = client_as(application.applicant).get(url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_another_user_gets_404_for_an_applicants_document(client_as, application, other_user):
    document = add(application, pdf_file())
    assert client_as(other_user).get(url(document)).status_code == 404


def test_an_anonymous_visitor_gets_404(client, application):
    document = add(application, pdf_file())
    assert client.get(url(document)).status_code == 404


def test_staff_who_review_applications_open_documents(client_as, application):
    document = add(application, pdf_file())
    reviewer = UserFactory(is_staff=True)
    reviewer.user_permissions.add(Permission.objects.get(codename="view_merchantapplication"))
    assert client_as(reviewer).get(url(document)).status_code == 200


def test_staff_without_the_permission_get_404(client_as, application):
    document = add(application, pdf_file())
    assert client_as(UserFactory(is_staff=True)).get(url(document)).status_code == 404


def test_members_of_the_merchant_open_its_documents_and_other_merchants_do_not(
    client_as, application, staff_user, other_merchant
):
    document = add(application, pdf_file())
    submit_application(application=application, by=application.applicant)
    merchant = approve_application(application=application, by=staff_user)
    clerk = MerchantMemberFactory(merchant=merchant, role=MemberRole.CLERK).user

    assert client_as(application.applicant).get(url(document)).status_code == 200
    assert client_as(clerk).get(url(document)).status_code == 200
    assert client_as(other_merchant).get(url(document)).status_code == 404


def test_a_missing_document_is_404(client_as, user):
    assert client_as(user).get("/seller/documents/999999/").status_code == 404
