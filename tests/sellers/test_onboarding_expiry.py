"""Which brands a merchant may list, and the daily qualification expiry job."""

import datetime

import pytest
from django.utils import timezone

from marketplace.notifications.models import Notification
from marketplace.sellers import events, tasks
from marketplace.sellers.models import (
    BrandRelation,
    DocumentType,
    MerchantBrand,
    QualificationDocument,
)
from marketplace.sellers.services.brands import can_sell_brand
from marketplace.sellers.services.documents import check_qualification_expiry
from marketplace.sellers.services.onboarding import approve_application, submit_application

from .factories import DocumentRequirementFactory, MerchantFactory, ready_application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

TODAY = datetime.date(2025, 3, 1)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


# --- can_sell_brand -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relation", "valid_until", "revoked", "asked", "expected"),
    [
        (BrandRelation.OWNER, None, False, "Acme", True),
        (BrandRelation.OWNER, None, False, "  aCME ", True),
        (BrandRelation.OWNER, None, False, "Acme Pro", False),
        (BrandRelation.OWNER, None, True, "Acme", False),
        (BrandRelation.AUTHORISED, days(10), False, "acme", True),
        (BrandRelation.AUTHORISED, days(0), False, "Acme", True),
        (BrandRelation.AUTHORISED, days(-1), False, "Acme", False),
        (BrandRelation.AUTHORISED, days(10), True, "Acme", False),
        (BrandRelation.AUTHORISED, None, False, "Acme", True),
        (BrandRelation.OWNER, None, False, "", False),
    ],
)
def test_can_sell_brand(relation, valid_until, revoked, asked, expected):
    merchant = MerchantFactory()
    MerchantBrand.objects.create(
        merchant=merchant,
        name="Acme",
        relation=relation,
        valid_until=valid_until,
        revoked_at=timezone.now() if revoked else None,
    )
    assert can_sell_brand(merchant=merchant, brand_name=asked, today=TODAY) is expected


def test_a_merchant_cannot_sell_another_merchants_brand():
    MerchantFactory(brands=["Acme"])
    assert can_sell_brand(merchant=MerchantFactory(), brand_name="Acme", today=TODAY) is False


# --- The daily job --------------------------------------------------------------------------


@pytest.fixture
def agent(staff_user):
    """An approved agent whose licence expires in 25 days and whose Voltera letter in 40."""
    DocumentRequirementFactory(merchant_type="agent", document_type=DocumentType.BUSINESS_LICENCE)
    DocumentRequirementFactory(
        merchant_type="agent", document_type=DocumentType.BRAND_AUTHORISATION, per_brand=True
    )
    application = ready_application(
        merchant_type="agent",
        brands=(
            (
                "Voltera",
                BrandRelation.AUTHORISED,
                timezone.localdate() + datetime.timedelta(days=400),
            ),
        ),
    )
    submit_application(application=application, by=application.applicant)
    merchant = approve_application(application=application, by=staff_user)
    documents = application.documents
    documents.filter(document_type=DocumentType.BUSINESS_LICENCE).update(expires_on=days(25))
    documents.filter(document_type=DocumentType.BRAND_AUTHORISATION).update(expires_on=days(40))
    merchant.brands.update(valid_until=days(40))
    return merchant


def collect(signal):
    sent: list[dict] = []

    def listen(sender, **kwargs):
        sent.append({"sender": sender, **{k: v for k, v in kwargs.items() if k != "signal"}})

    signal.connect(listen, weak=False, dispatch_uid=f"test-{id(sent)}")
    return sent, lambda: signal.disconnect(dispatch_uid=f"test-{id(sent)}")


def test_a_document_expiring_within_30_days_is_warned_once(
    agent, django_capture_on_commit_callbacks
):
    licence = QualificationDocument.objects.get(
        application=agent.application, document_type=DocumentType.BUSINESS_LICENCE
    )
    sent, stop = collect(events.qualification_expiring)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = check_qualification_expiry(today=TODAY)
        with django_capture_on_commit_callbacks(execute=True):
            again = check_qualification_expiry(today=TODAY)
    finally:
        stop()

    assert (first.warned, again.warned) == (1, 0)
    assert sent == [{"sender": QualificationDocument, "document_id": licence.pk, "days_left": 25}]
    licence.refresh_from_db()
    assert licence.expiry_warned_at is not None
    owner = agent.members.get().user
    notification = Notification.objects.get(user=owner, kind="sellers_qualification_expiring")
    assert notification.context["document"] == "Business licence"
    assert notification.context["days_left"] == 25
    assert notification.url == "/seller/qualifications/"


def test_the_letter_is_warned_when_it_enters_the_30_days(agent):
    assert check_qualification_expiry(today=TODAY).warned == 1  # the licence only
    assert check_qualification_expiry(today=days(10)).warned == 1  # now the letter
    assert check_qualification_expiry(today=days(11)).warned == 0


def test_documents_of_applications_not_yet_approved_are_not_warned():
    DocumentRequirementFactory()
    application = ready_application()
    application.documents.update(expires_on=days(5))
    assert check_qualification_expiry(today=TODAY).warned == 0


def test_an_expired_authorisation_stops_the_brand_once(agent, django_capture_on_commit_callbacks):
    sent, stop = collect(events.brand_authorisation_expired)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            on_the_last_day = check_qualification_expiry(today=days(40))
        with django_capture_on_commit_callbacks(execute=True):
            after = check_qualification_expiry(today=days(41))
        with django_capture_on_commit_callbacks(execute=True):
            again = check_qualification_expiry(today=days(41))
    finally:
        stop()

    assert (on_the_last_day.revoked, after.revoked, again.revoked) == (0, 1, 0)
    assert sent == [{"sender": MerchantBrand, "merchant_id": agent.pk, "brand_name": "Voltera"}]
    brand = agent.brands.get()
    assert brand.revoked_at is not None
    assert can_sell_brand(merchant=agent, brand_name="Voltera", today=days(41)) is False
    owner = agent.members.get().user
    assert (
        Notification.objects.filter(
            user=owner, kind="sellers_brand_authorisation_expired", context__brand="Voltera"
        ).count()
        == 1
    )


def test_owned_brands_are_never_stopped():
    merchant = MerchantFactory(brands=["Acme"])
    assert check_qualification_expiry(today=days(5000)).revoked == 0
    assert can_sell_brand(merchant=merchant, brand_name="Acme", today=days(5000))


def test_the_beat_task_runs_the_check_for_today(agent, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    assert tasks.check_qualification_expiry.apply().get() == {"warned": 1, "revoked": 0}
    assert tasks.check_qualification_expiry.apply().get() == {"warned": 0, "revoked": 0}
