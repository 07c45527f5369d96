"""Staff supervise through the admin, and every change there goes through the rules services."""

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from marketplace.sellers import events
from marketplace.sellers.models import (
    Appeal,
    AppealStatus,
    Penalty,
    PenaltyKind,
    PenaltyThreshold,
    Shop,
    ShopStatus,
    Violation,
    ViolationStatus,
)
from marketplace.sellers.selectors.rules import points_in_last_12_months
from marketplace.sellers.services.rules import record_violation, submit_appeal

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
def admin_client(client_as, staff_user):
    return client_as(staff_user)


def add_form(shop, rule, **overrides) -> dict:
    return {
        "shop": shop.pk,
        "rule": rule.pk,
        "description": "Listed replica handbags as genuine.",
        "evidence": "Test purchase 88; brand owner's report.",
        "penalty": PenaltyKind.SUSPEND,
        "penalty_days": "7",
        "delisted_products": "",
        "_save": "Save",
        **overrides,
    }


def test_the_add_form_records_the_violation_through_the_service(
    admin_client, shop, django_capture_on_commit_callbacks
):
    rule = RuleFactory(points=48)
    PenaltyThreshold.objects.create(points=36, penalty=PenaltyKind.SUSPEND, duration_days=7)
    heard = []
    events.violation_recorded.connect(
        lambda sender, violation_id, **kw: heard.append(violation_id),
        weak=False,
        dispatch_uid="test-admin-recorded",
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post("/admin/sellers/violation/add/", add_form(shop, rule))
    finally:
        events.violation_recorded.disconnect(dispatch_uid="test-admin-recorded")

    assert response.status_code == 302
    violation = Violation.objects.get()
    assert heard == [violation.pk]
    assert violation.points == 48
    assert points_in_last_12_months(shop=shop, now=timezone.now()) == 48
    assert set(violation.penalties.values_list("kind", "threshold__points")) == {
        (PenaltyKind.SUSPEND, None),
        (PenaltyKind.SUSPEND, 36),
    }
    shop.refresh_from_db()
    assert shop.status == ShopStatus.SUSPENDED


def test_the_add_form_refuses_a_suspension_without_days(admin_client, shop):
    response = admin_client.post(
        "/admin/sellers/violation/add/", add_form(shop, RuleFactory(), penalty_days="")
    )

    assert response.status_code == 200
    assert "Say for how many days the shop is suspended." in response.content.decode()
    assert not Violation.objects.exists()


def test_the_add_form_keeps_an_evidence_file_privately(admin_client, shop, private_files):
    report = SimpleUploadedFile("report.pdf", b"%PDF-1.7\nlab report\n%%EOF\n", "application/pdf")
    form = add_form(shop, RuleFactory(), evidence_file=report)

    assert admin_client.post("/admin/sellers/violation/add/", form).status_code == 302

    violation = Violation.objects.get()
    assert (
        private_files / violation.evidence_file.name
    ).read_bytes() == b"%PDF-1.7\nlab report\n%%EOF\n"
    download = admin_client.get(f"/admin/sellers/violation/{violation.pk}/evidence/")
    assert b"".join(download.streaming_content) == b"%PDF-1.7\nlab report\n%%EOF\n"


def test_the_add_form_refuses_an_html_page_renamed_pdf(admin_client, shop):
    fake = SimpleUploadedFile("report.pdf", b"<html><body>x</body></html>", "application/pdf")

    response = admin_client.post(
        "/admin/sellers/violation/add/", add_form(shop, RuleFactory(), evidence_file=fake)
    )

    assert "Upload a PDF, JPEG or PNG file" in response.content.decode()
    assert not Violation.objects.exists()


def test_the_add_form_takes_products_to_delist(admin_client, shop):
    form = add_form(
        shop, RuleFactory(), penalty=PenaltyKind.DELIST_PRODUCTS, delisted_products="12, 40"
    )

    assert admin_client.post("/admin/sellers/violation/add/", form).status_code == 302
    assert Violation.objects.get().delisted_products == [12, 40]


def test_a_recorded_violation_is_read_only_in_the_admin(admin_client, shop, staff_user):
    violation = record_violation(
        shop=shop,
        rule=RuleFactory(points=2),
        description="Late.",
        penalty=PenaltyKind.WARNING,
        by=staff_user,
    )

    response = admin_client.get(f"/admin/sellers/violation/{violation.pk}/change/")
    assert response.status_code == 200
    admin_client.post(f"/admin/sellers/violation/{violation.pk}/change/", {"points": "0"})

    violation.refresh_from_db()
    assert violation.points == 2


def test_appeals_queue_shows_pending_first_and_is_decided_with_a_note(
    admin_client, shop, merchant, staff_user
):
    rule = RuleFactory(points=12)
    decided = record_violation(
        shop=shop, rule=rule, description="One.", penalty=PenaltyKind.WARNING, by=staff_user
    )
    pending = record_violation(
        shop=shop,
        rule=rule,
        description="Two.",
        penalty=PenaltyKind.SUSPEND,
        penalty_days=10,
        by=staff_user,
    )
    first = submit_appeal(violation=decided, by=merchant, explanation="First.")
    Appeal.objects.filter(pk=first.pk).update(status=AppealStatus.REJECTED)
    appeal = submit_appeal(violation=pending, by=merchant, explanation="Second.")

    queue = admin_client.get("/admin/sellers/appeal/")
    assert list(queue.context["cl"].result_list) == [appeal, first]

    asked = admin_client.post(
        "/admin/sellers/appeal/", {"action": "accept_appeals", "_selected_action": [appeal.pk]}
    )
    assert asked.status_code == 200
    assert "Reason given to the merchant" in asked.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING  # nothing decided without a note

    done = admin_client.post(
        "/admin/sellers/appeal/",
        {
            "action": "accept_appeals",
            "_selected_action": [appeal.pk],
            "decide": "yes",
            "note": "The order was a competitor's fake.",
        },
    )

    assert done.status_code == 302
    appeal.refresh_from_db()
    pending.refresh_from_db()
    shop.refresh_from_db()
    assert appeal.status == AppealStatus.ACCEPTED
    assert appeal.decision_note == "The order was a competitor's fake."
    assert pending.status == ViolationStatus.REVOKED
    assert shop.status == ShopStatus.OPEN


def test_rejecting_from_the_queue_upholds_the_violation(admin_client, shop, merchant, staff_user):
    violation = record_violation(
        shop=shop, rule=RuleFactory(), description="x", penalty=PenaltyKind.WARNING, by=staff_user
    )
    appeal = submit_appeal(violation=violation, by=merchant, explanation="No.")

    admin_client.post(
        "/admin/sellers/appeal/",
        {
            "action": "reject_appeals",
            "_selected_action": [appeal.pk],
            "decide": "yes",
            "note": "Evidence stands.",
        },
    )

    violation.refresh_from_db()
    assert violation.status == ViolationStatus.UPHELD


def test_staff_lift_penalties_from_the_list(admin_client, shop, staff_user):
    violation = record_violation(
        shop=shop,
        rule=RuleFactory(),
        description="x",
        penalty=PenaltyKind.LOWER_EXPOSURE,
        penalty_days=30,
        by=staff_user,
    )
    penalty = violation.penalties.get()

    response = admin_client.post(
        "/admin/sellers/penalty/", {"action": "lift_selected", "_selected_action": [penalty.pk]}
    )

    assert response.status_code == 302
    penalty.refresh_from_db()
    shop.refresh_from_db()
    assert penalty.lifted_at is not None
    assert shop.exposure_factor == 1
    assert Penalty.objects.filter(lifted_at__isnull=True).count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/admin/sellers/rule/",
        "/admin/sellers/rule/add/",
        "/admin/sellers/penaltythreshold/",
        "/admin/sellers/violation/",
        "/admin/sellers/violation/add/",
        "/admin/sellers/penalty/",
        "/admin/sellers/appeal/",
    ],
)
def test_supervision_admin_pages_open(admin_client, url):
    RuleFactory()

    assert admin_client.get(url).status_code == 200
