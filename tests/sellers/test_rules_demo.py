"""The rules demo: catalogue, thresholds and one shop with a violation under appeal, once."""

import pytest

from marketplace.sellers.demo import rules as demo
from marketplace.sellers.models import (
    AppealStatus,
    PenaltyThreshold,
    Rule,
    Severity,
    Violation,
    ViolationStatus,
)
from tests.accounts.factories import UserFactory

from .factories import ShopFactory

pytestmark = pytest.mark.django_db


def test_the_demo_builds_the_catalogue_and_one_appealed_violation_once():
    UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    shop = ShopFactory()

    demo.run(log=lambda line: None)
    demo.run(log=lambda line: None)

    assert Rule.objects.count() == 10
    assert Rule.objects.get(code="COUNTERFEIT").severity == Severity.CRITICAL
    assert Rule.objects.get(code="COUNTERFEIT").points == 48
    assert Rule.objects.get(code="LATE-DISPATCH").points == 2
    assert list(PenaltyThreshold.objects.values_list("points", "penalty", "duration_days")) == [
        (12, "warning", None),
        (24, "lower_exposure", 7),
        (36, "suspend", 7),
        (48, "close", None),
    ]
    violation = Violation.objects.get()
    assert violation.shop == shop
    assert violation.evidence
    assert violation.status == ViolationStatus.APPEALED
    assert violation.appeal.status == AppealStatus.PENDING
    assert violation.penalties.filter(threshold__points=12).exists()
