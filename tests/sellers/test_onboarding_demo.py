"""The onboarding demo data: every kind and type of merchant, one application waiting and one
rejected, built through the services and safe to run again."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from marketplace.accounts import seed as accounts_seed
from marketplace.sellers.demo import onboarding
from marketplace.sellers.models import (
    ApplicationStatus,
    DocumentRequirement,
    Merchant,
    MerchantApplication,
    MerchantType,
    QualificationDocument,
    SellerKind,
    Shop,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


def seed() -> list[str]:
    lines: list[str] = []
    with transaction.atomic():  # as seed_demo runs it
        accounts_seed.run(options={}, log=lines.append)
        onboarding.run(log=lines.append)
    return lines


def test_the_demo_has_merchants_of_every_kind_and_type(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        seed()

    merchants = Merchant.objects.all()
    assert {m.seller_kind for m in merchants} == set(SellerKind.values)
    assert {m.merchant_type for m in merchants} == set(MerchantType.values)
    assert set(DocumentRequirement.objects.values_list("merchant_type", flat=True)) == set(
        MerchantType.values
    )
    demo = Shop.objects.get(slug="demo-outfitters")
    assert demo.name == "Demo Outfitters"
    assert demo.merchant.members.get().user.email == "merchant@example.com"

    agent = Merchant.objects.get(merchant_type=MerchantType.AUTHORISED_AGENT)
    assert agent.brands.get().valid_until == timezone.localdate() + datetime.timedelta(days=20)

    statuses = MerchantApplication.objects.values_list("status", flat=True)
    assert list(statuses).count(ApplicationStatus.SUBMITTED) == 1
    rejected = MerchantApplication.objects.get(status=ApplicationStatus.REJECTED)
    assert "authorisation letter" in rejected.decision_reason
    assert QualificationDocument.objects.filter(content_type="image/png").exists()
    assert QualificationDocument.objects.filter(content_type="application/pdf").exists()


def test_the_demo_can_run_again_without_changes(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        seed()
        counts = (
            Merchant.objects.count(),
            MerchantApplication.objects.count(),
            QualificationDocument.objects.count(),
        )
        seed()
    assert counts == (
        Merchant.objects.count(),
        MerchantApplication.objects.count(),
        QualificationDocument.objects.count(),
    )
    assert counts[0] == 5
