"""The merchant's violation pages, the appeal form, the public rules page and the storefront."""

from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.sellers.models import (
    Appeal,
    PenaltyKind,
    PenaltyThreshold,
    Severity,
    Shop,
    Violation,
    ViolationStatus,
)
from marketplace.sellers.services.rules import (
    decide_appeal,
    lift_expired_penalties,
    record_violation,
    submit_appeal,
)

from .factories import RuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_files(monkeypatch, tmp_path):
    """Evidence and appeal files go to a temporary folder (the fields hold their storage)."""
    storage = FileSystemStorage(location=tmp_path / "private")
    for model, name in ((Violation, "evidence_file"), (Appeal, "file")):
        monkeypatch.setattr(model._meta.get_field(name), "storage", storage)
    return tmp_path / "private"


@pytest.fixture
def shop(merchant) -> Shop:
    return Shop.objects.get(merchant__members__user=merchant)


@pytest.fixture
def violation(shop, staff_user) -> Violation:
    return record_violation(
        shop=shop,
        rule=RuleFactory(title="Late dispatch", points=2, severity=Severity.MINOR),
        description="Order 1001 shipped six days late.",
        evidence="Paid on the 1st, courier scan on the 7th.",
        penalty=PenaltyKind.SUSPEND,
        penalty_days=3,
        by=staff_user,
    )


@pytest.fixture
def others_violation(other_merchant, staff_user) -> Violation:
    return record_violation(
        shop=Shop.objects.get(merchant__members__user=other_merchant),
        rule=RuleFactory(points=12),
        description="Fake reviews.",
        penalty=PenaltyKind.WARNING,
        by=staff_user,
    )


def test_members_see_their_violations_points_penalties_and_thresholds(
    client_as, clerk, violation, django_assert_max_num_queries
):
    PenaltyThreshold.objects.create(points=36, penalty=PenaltyKind.SUSPEND, duration_days=7)

    with django_assert_max_num_queries(20):
        response = client_as(clerk).get("/seller/violations/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Late dispatch" in page
    assert 'id="points-total">2<' in page
    assert "Suspend the shop" in page
    assert f"/seller/violations/{violation.pk}/" in page


def test_a_member_opens_a_violation_with_its_evidence(client_as, clerk, violation):
    response = client_as(clerk).get(f"/seller/violations/{violation.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Paid on the 1st, courier scan on the 7th." in page
    assert "Order 1001 shipped six days late." in page
    assert f"/seller/violations/{violation.pk}/appeal/" not in page  # clerks cannot appeal


def test_another_merchant_gets_404_for_a_violation_that_is_not_theirs(
    client_as, merchant, others_violation
):
    client = client_as(merchant)

    assert client.get(f"/seller/violations/{others_violation.pk}/").status_code == 404
    response = client.post(
        f"/seller/violations/{others_violation.pk}/appeal/", {"explanation": "Not ours."}
    )
    assert response.status_code == 404
    others_violation.refresh_from_db()
    assert others_violation.status == ViolationStatus.ACTIVE
    assert not Appeal.objects.exists()


def test_the_owner_appeals_with_a_file(client_as, merchant, violation, private_files):
    client = client_as(merchant)
    assert client.get(f"/seller/violations/{violation.pk}/appeal/").status_code == 200
    letter = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%test\n%%EOF\n", "application/pdf")

    response = client.post(
        f"/seller/violations/{violation.pk}/appeal/",
        {"explanation": "The courier was on strike.", "file": letter},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/seller/violations/{violation.pk}/"
    appeal = Appeal.objects.get(violation=violation)
    assert appeal.explanation == "The courier was on strike."
    assert appeal.file.name.endswith(".pdf")
    assert (private_files / appeal.file.name).read_bytes() == b"%PDF-1.4\n%test\n%%EOF\n"
    download = client.get(f"/seller/violations/{violation.pk}/files/appeal/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4\n%test\n%%EOF\n"


def test_an_html_file_renamed_pdf_is_refused(client_as, merchant, violation):
    fake = SimpleUploadedFile("letter.pdf", b"<!doctype html><h1>hi</h1>", "application/pdf")

    response = client_as(merchant).post(
        f"/seller/violations/{violation.pk}/appeal/", {"explanation": "See file.", "file": fake}
    )

    assert response.status_code == 200
    assert "Upload a PDF, JPEG or PNG file" in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_second_appeal_is_refused_with_a_clear_message(client_as, merchant, violation):
    submit_appeal(violation=violation, by=merchant, explanation="First.")
    client = client_as(merchant)

    response = client.post(
        f"/seller/violations/{violation.pk}/appeal/", {"explanation": "Second."}, follow=True
    )

    assert "already been appealed" in response.content.decode()
    assert Appeal.objects.get().explanation == "First."


def test_a_clerk_can_view_but_not_appeal(client_as, clerk, violation):
    client = client_as(clerk)

    assert client.get(f"/seller/violations/{violation.pk}/").status_code == 200
    response = client.post(f"/seller/violations/{violation.pk}/appeal/", {"explanation": "x"})

    assert response.status_code == 403
    assert not Appeal.objects.exists()


def test_a_manager_sees_the_appeal_button(client_as, manager, violation):
    response = client_as(manager).get(f"/seller/violations/{violation.pk}/")

    assert f"/seller/violations/{violation.pk}/appeal/" in response.content.decode()


def test_the_decision_is_shown_to_the_merchant(client_as, merchant, staff_user, violation):
    appeal = submit_appeal(violation=violation, by=merchant, explanation="Strike.")
    decide_appeal(appeal=appeal, by=staff_user, accept=False, note="Strikes were announced early.")

    page = client_as(merchant).get(f"/seller/violations/{violation.pk}/").content.decode()

    assert "Strikes were announced early." in page
    assert "Upheld after appeal" in page


def test_the_public_rules_page_lists_rules_by_severity_and_the_thresholds(client):
    RuleFactory(code="LATE", title="Late dispatch", severity=Severity.MINOR, points=2)
    RuleFactory(code="FAKE", title="Counterfeit goods", severity=Severity.CRITICAL, points=48)
    RuleFactory(code="OLD", title="Retired rule", is_active=False)
    PenaltyThreshold.objects.create(points=24, penalty=PenaltyKind.LOWER_EXPOSURE, duration_days=7)

    response = client.get("/rules/")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Counterfeit goods") < page.index("Late dispatch")
    assert "Retired rule" not in page
    assert "Lower search exposure" in page
    assert "7 days" in page


def test_a_suspended_shops_storefront_says_so_until_the_beat_job_reopens_it(client, violation):
    shop = violation.shop

    page = client.get(f"/s/{shop.slug}/").content.decode()
    assert "This shop is suspended until" in page

    lift_expired_penalties(now=violation.created_at + timedelta(days=3, minutes=1))

    page = client.get(f"/s/{shop.slug}/").content.decode()
    assert "This shop is suspended" not in page
