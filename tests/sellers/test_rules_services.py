"""Platform supervision through its services: points, penalties, thresholds, appeals, lifting."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from marketplace.core.states import history_of
from marketplace.sellers import events
from marketplace.sellers.errors import RuleError, SellerError
from marketplace.sellers.models import (
    Appeal,
    AppealStatus,
    Penalty,
    PenaltyKind,
    PenaltyThreshold,
    Severity,
    Shop,
    ShopStatus,
    Violation,
    ViolationStatus,
)
from marketplace.sellers.selectors.rules import (
    active_penalties,
    open_violation_count,
    points_in_last_12_months,
)
from marketplace.sellers.selectors.shops import is_shop_open
from marketplace.sellers.services.rules import (
    decide_appeal,
    lift_expired_penalties,
    lift_penalty,
    record_violation,
    submit_appeal,
)
from tests.accounts.factories import UserFactory

from .factories import RuleFactory

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


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
def other_shop(other_merchant) -> Shop:
    return Shop.objects.get(merchant__members__user=other_merchant)


@pytest.fixture
def staff(staff_user):
    return staff_user


@pytest.fixture
def standard_thresholds(db) -> None:
    PenaltyThreshold.objects.create(points=12, penalty=PenaltyKind.WARNING)
    PenaltyThreshold.objects.create(points=24, penalty=PenaltyKind.LOWER_EXPOSURE, duration_days=7)
    PenaltyThreshold.objects.create(points=36, penalty=PenaltyKind.SUSPEND, duration_days=7)
    PenaltyThreshold.objects.create(points=48, penalty=PenaltyKind.CLOSE)


def record(shop, by, *, points=2, penalty=PenaltyKind.WARNING, **kwargs) -> Violation:
    rule = kwargs.pop("rule", None) or RuleFactory(points=points, severity=Severity.MINOR)
    return record_violation(
        shop=shop,
        rule=rule,
        description="Shipped three days late.",
        evidence="Order 1001 paid on the 1st, dispatched on the 6th.",
        penalty=penalty,
        by=by,
        **kwargs,
    )


def backdate(violation: Violation, days: int) -> None:
    Violation.objects.filter(pk=violation.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    Penalty.objects.filter(violation=violation).update(
        starts_at=timezone.now() - timedelta(days=days)
    )


# --- Recording and penalties ------------------------------------------------------------------


def test_recording_a_violation_deducts_the_rules_points_and_records_a_warning(shop, staff):
    violation = record(shop, staff, points=12)

    assert violation.points == 12
    assert violation.status == ViolationStatus.ACTIVE
    assert violation.recorded_by == staff
    assert points_in_last_12_months(shop=shop, now=timezone.now()) == 12
    assert open_violation_count(shop=shop) == 1
    warning = violation.penalties.get()
    assert warning.kind == PenaltyKind.WARNING
    assert warning.ends_at is None
    shop.refresh_from_db()
    assert shop.status == ShopStatus.OPEN
    assert active_penalties(shop=shop, now=timezone.now()).count() == 0


def test_the_points_are_copied_so_changing_the_rule_later_rewrites_nothing(shop, staff):
    rule = RuleFactory(points=4)
    violation = record(shop, staff, rule=rule)

    rule.points = 40
    rule.save()

    violation.refresh_from_db()
    assert violation.points == 4
    assert points_in_last_12_months(shop=shop, now=timezone.now()) == 4


def test_delisting_stores_the_named_products_for_the_catalogue(shop, staff):
    violation = record(
        shop, staff, penalty=PenaltyKind.DELIST_PRODUCTS, delisted_products=[31, "7", 31]
    )

    assert violation.delisted_products == [7, 31]
    assert violation.penalties.get().kind == PenaltyKind.DELIST_PRODUCTS


def test_lower_exposure_halves_the_shops_exposure_until_the_period_ends(shop, staff):
    violation = record(shop, staff, penalty=PenaltyKind.LOWER_EXPOSURE, penalty_days=7)

    shop.refresh_from_db()
    assert shop.exposure_factor == Decimal("0.50")
    penalty = violation.penalties.get()
    assert penalty.ends_at == violation.created_at + timedelta(days=7)

    assert lift_expired_penalties(now=penalty.ends_at + timedelta(minutes=1)) == 1

    shop.refresh_from_db()
    assert shop.exposure_factor == Decimal("1.00")


def test_suspension_hides_the_shop_and_the_beat_job_reopens_it_once(shop, staff):
    violation = record(shop, staff, penalty=PenaltyKind.SUSPEND, penalty_days=3)

    shop.refresh_from_db()
    assert shop.status == ShopStatus.SUSPENDED
    assert shop.suspended_until == violation.created_at + timedelta(days=3)
    assert not is_shop_open(shop=shop)
    assert lift_expired_penalties(now=timezone.now()) == 0  # not over yet

    later = violation.created_at + timedelta(days=3, minutes=1)
    assert lift_expired_penalties(now=later) == 1
    assert lift_expired_penalties(now=later) == 0

    shop.refresh_from_db()
    assert shop.status == ShopStatus.OPEN
    assert is_shop_open(shop=shop)
    assert violation.penalties.get().lifted_at == later


def test_a_second_suspension_extends_and_the_shop_stays_shut_until_the_last_ends(shop, staff):
    first = record(shop, staff, penalty=PenaltyKind.SUSPEND, penalty_days=3)
    second = record(shop, staff, penalty=PenaltyKind.SUSPEND, penalty_days=10)

    shop.refresh_from_db()
    assert shop.suspended_until == second.created_at + timedelta(days=10)
    assert lift_expired_penalties(now=first.created_at + timedelta(days=4)) == 1

    shop.refresh_from_db()
    assert shop.status == ShopStatus.SUSPENDED


def test_closing_penalty_closes_the_shop(shop, staff):
    record(shop, staff, penalty=PenaltyKind.CLOSE)

    shop.refresh_from_db()
    assert shop.status == ShopStatus.CLOSED
    assert not is_shop_open(shop=shop)


def test_suspending_a_closed_shop_leaves_it_closed(shop, staff):
    record(shop, staff, penalty=PenaltyKind.CLOSE)
    record(shop, staff, penalty=PenaltyKind.SUSPEND, penalty_days=3)

    shop.refresh_from_db()
    assert shop.status == ShopStatus.CLOSED


@pytest.mark.parametrize(
    ("penalty", "extra", "code"),
    [
        (PenaltyKind.SUSPEND, {}, "suspension_days_missing"),
        (PenaltyKind.DELIST_PRODUCTS, {}, "no_products_to_delist"),
    ],
)
def test_a_penalty_missing_its_details_is_refused(shop, staff, penalty, extra, code):
    with pytest.raises(RuleError) as error:
        record(shop, staff, penalty=penalty, **extra)

    assert error.value.code == code
    assert not Violation.objects.exists()


def test_a_rule_no_longer_in_force_cannot_be_recorded(shop, staff):
    with pytest.raises(RuleError):
        record(shop, staff, rule=RuleFactory(is_active=False))

    assert not Violation.objects.exists()


def test_only_staff_with_the_permission_record_violations(shop, merchant):
    staff_without_permission = UserFactory(is_staff=True)
    for user in (merchant, staff_without_permission):
        with pytest.raises(RuleError) as error:
            record(shop, user, penalty=PenaltyKind.CLOSE)
        assert error.value.code == "not_allowed"

    assert not Violation.objects.exists()
    shop.refresh_from_db()
    assert shop.status == ShopStatus.OPEN


def test_staff_given_the_permission_record_violations(shop):
    moderator = UserFactory(is_staff=True)
    moderator.user_permissions.add(Permission.objects.get(codename="add_violation"))

    assert record(shop, moderator).recorded_by == moderator


def test_recording_sends_its_events_on_commit(shop, staff, django_capture_on_commit_callbacks):
    heard = []
    events.violation_recorded.connect(
        lambda sender, violation_id, **kw: heard.append(("violation", violation_id)),
        weak=False,
        dispatch_uid="test-violation_recorded",
    )
    events.penalty_applied.connect(
        lambda sender, penalty_id, **kw: heard.append(("penalty", penalty_id)),
        weak=False,
        dispatch_uid="test-penalty_applied",
    )
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            violation = record(shop, staff, penalty=PenaltyKind.SUSPEND, penalty_days=2)
        assert heard == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        events.violation_recorded.disconnect(dispatch_uid="test-violation_recorded")
        events.penalty_applied.disconnect(dispatch_uid="test-penalty_applied")

    penalty = violation.penalties.get()
    assert sorted(heard) == [("penalty", penalty.pk), ("violation", violation.pk)]


# --- Thresholds -------------------------------------------------------------------------------


def test_threshold_penalties_apply_as_the_points_reach_them(shop, staff, standard_thresholds):
    first = record(shop, staff, points=12)
    assert list(first.penalties.values_list("kind", "threshold__points")) == [
        (PenaltyKind.WARNING, None),
        (PenaltyKind.WARNING, 12),
    ]

    second = record(shop, staff, points=12)
    exposure = second.penalties.get(threshold__points=24)
    assert exposure.kind == PenaltyKind.LOWER_EXPOSURE
    assert exposure.ends_at == second.created_at + timedelta(days=7)
    shop.refresh_from_db()
    assert shop.exposure_factor == Decimal("0.50")

    third = record(shop, staff, points=12)
    shop.refresh_from_db()
    assert third.penalties.get(threshold__points=36).kind == PenaltyKind.SUSPEND
    assert shop.status == ShopStatus.SUSPENDED

    record(shop, staff, points=12)
    shop.refresh_from_db()
    assert shop.status == ShopStatus.CLOSED


def test_a_threshold_penalty_is_not_applied_twice_in_the_window(shop, staff, standard_thresholds):
    record(shop, staff, points=12)
    record(shop, staff, points=2)
    record(shop, staff, points=2)

    assert Penalty.objects.filter(shop=shop, threshold__points=12).count() == 1
    assert Penalty.objects.filter(shop=shop, threshold__isnull=False).count() == 1


def test_one_big_violation_crosses_every_threshold_at_once(shop, staff, standard_thresholds):
    record(shop, staff, points=48, penalty=PenaltyKind.WARNING)

    applied = Penalty.objects.filter(shop=shop, threshold__isnull=False)
    assert sorted(applied.values_list("threshold__points", flat=True)) == [12, 24, 36, 48]
    shop.refresh_from_db()
    assert shop.status == ShopStatus.CLOSED


def test_points_count_for_a_rolling_twelve_months_only(shop, staff, standard_thresholds):
    old = record(shop, staff, points=10)
    backdate(old, days=366)
    recent = record(shop, staff, points=4)
    backdate(recent, days=30)
    now = timezone.now()

    assert points_in_last_12_months(shop=shop, now=now) == 4
    assert points_in_last_12_months(shop=shop, now=now - timedelta(days=60)) == 10

    record(shop, staff, points=4)  # 8 in the window: the old 10 no longer reach 12
    assert not Penalty.objects.filter(shop=shop, threshold__isnull=False).exists()


def test_a_threshold_reached_again_after_its_window_applies_again(shop, staff, standard_thresholds):
    first = record(shop, staff, points=12)
    backdate(first, days=400)

    record(shop, staff, points=12)

    assert Penalty.objects.filter(shop=shop, threshold__points=12).count() == 2


# --- Appeals ----------------------------------------------------------------------------------


def test_the_owner_appeals_once(shop, staff, merchant, django_capture_on_commit_callbacks):
    violation = record(shop, staff)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        appeal = submit_appeal(violation=violation, by=merchant, explanation="Courier strike.")

    assert len(callbacks) == 1
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.APPEALED
    assert appeal.status == AppealStatus.PENDING
    assert appeal.submitted_by == merchant
    assert [c.to_status for c in history_of(violation)] == [ViolationStatus.APPEALED]

    with pytest.raises(RuleError) as error:
        submit_appeal(violation=violation, by=merchant, explanation="Again.")
    assert error.value.code == "already_appealed"
    assert Appeal.objects.count() == 1


def test_a_manager_may_appeal(shop, staff, manager):
    violation = record(shop, staff)

    assert submit_appeal(violation=violation, by=manager, explanation="Wrong order.").pk


def test_a_clerk_cannot_appeal(shop, staff, clerk):
    violation = record(shop, staff)

    with pytest.raises(RuleError) as error:
        submit_appeal(violation=violation, by=clerk, explanation="Please.")

    assert error.value.code == "not_allowed"
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.ACTIVE


def test_another_merchant_cannot_appeal_a_violation(other_shop, staff, merchant):
    violation = record(other_shop, staff)

    with pytest.raises(RuleError):
        submit_appeal(violation=violation, by=merchant, explanation="Not ours anyway.")

    assert not Appeal.objects.exists()


def test_appeals_close_fourteen_days_after_the_violation(shop, staff, merchant):
    violation = record(shop, staff)
    backdate(violation, days=15)
    violation.refresh_from_db()

    with pytest.raises(RuleError) as error:
        submit_appeal(violation=violation, by=merchant, explanation="Late.")

    assert error.value.code == "appeal_too_late"


def test_an_appeal_file_is_judged_by_its_content(shop, staff, merchant):
    violation = record(shop, staff)
    fake_pdf = SimpleUploadedFile(
        "proof.pdf", b"<html><script>x</script></html>", "application/pdf"
    )

    with pytest.raises(SellerError) as error:
        submit_appeal(violation=violation, by=merchant, explanation="See file.", file=fake_pdf)
    assert error.value.code == "file_type"

    png = SimpleUploadedFile("proof.txt", png_bytes(), "text/plain")
    appeal = submit_appeal(violation=violation, by=merchant, explanation="See file.", file=png)
    assert appeal.file.name.startswith("appeals/") and appeal.file.name.endswith(".png")
    with Image.open(appeal.file) as image:
        assert image.format == "PNG"  # re-encoded, still the picture


def test_an_oversized_appeal_file_is_refused(shop, staff, merchant, settings):
    settings.QUALIFICATION_MAX_UPLOAD_BYTES = 1024
    violation = record(shop, staff)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * 2048 + b"%%EOF", "application/pdf")

    with pytest.raises(SellerError) as error:
        submit_appeal(violation=violation, by=merchant, explanation="Big.", file=big)

    assert error.value.code == "file_too_large"
    assert not Appeal.objects.exists()


def test_accepting_an_appeal_revokes_the_violation_and_reopens_the_shop(
    shop, staff, merchant, django_capture_on_commit_callbacks
):
    violation = record(shop, staff, penalty=PenaltyKind.SUSPEND, penalty_days=30)
    appeal = submit_appeal(violation=violation, by=merchant, explanation="It was a fake order.")

    with django_capture_on_commit_callbacks(execute=True):
        decide_appeal(appeal=appeal, by=staff, accept=True, note="Buyer admitted the fraud.")

    violation.refresh_from_db()
    appeal.refresh_from_db()
    shop.refresh_from_db()
    assert appeal.status == AppealStatus.ACCEPTED
    assert appeal.decided_by == staff
    assert appeal.decision_note == "Buyer admitted the fraud."
    assert violation.status == ViolationStatus.REVOKED
    assert violation.penalties.get().lifted_at is not None
    assert shop.status == ShopStatus.OPEN
    assert points_in_last_12_months(shop=shop, now=timezone.now()) == 0


def test_accepting_an_appeal_keeps_a_suspension_another_violation_imposed(shop, staff, merchant):
    appealed = record(shop, staff, penalty=PenaltyKind.SUSPEND, penalty_days=30)
    other = record(shop, staff, penalty=PenaltyKind.SUSPEND, penalty_days=5)
    appeal = submit_appeal(violation=appealed, by=merchant, explanation="Not us.")

    decide_appeal(appeal=appeal, by=staff, accept=True, note="Agreed.")

    shop.refresh_from_db()
    assert shop.status == ShopStatus.SUSPENDED
    assert shop.suspended_until == other.created_at + timedelta(days=5)


def test_accepting_an_appeal_restores_exposure_and_lifts_its_threshold_penalty(
    shop, staff, merchant, standard_thresholds
):
    record(shop, staff, points=12)
    crossing = record(shop, staff, points=12)
    shop.refresh_from_db()
    assert shop.exposure_factor == Decimal("0.50")
    appeal = submit_appeal(violation=crossing, by=merchant, explanation="Duplicate report.")

    decide_appeal(appeal=appeal, by=staff, accept=True, note="Duplicate indeed.")

    shop.refresh_from_db()
    assert shop.exposure_factor == Decimal("1.00")
    assert not active_penalties(shop=shop, now=timezone.now()).exists()

    again = record(shop, staff, points=12)  # the 24 threshold is reached anew
    assert again.penalties.filter(threshold__points=24).exists()


def test_rejecting_an_appeal_upholds_the_violation(shop, staff, merchant):
    violation = record(shop, staff, penalty=PenaltyKind.SUSPEND, penalty_days=30)
    appeal = submit_appeal(violation=violation, by=merchant, explanation="Please.")

    decide_appeal(appeal=appeal, by=staff, accept=False, note="The evidence is clear.")

    violation.refresh_from_db()
    shop.refresh_from_db()
    assert violation.status == ViolationStatus.UPHELD
    assert shop.status == ShopStatus.SUSPENDED
    assert points_in_last_12_months(shop=shop, now=timezone.now()) == violation.points
    with pytest.raises(RuleError):
        decide_appeal(appeal=appeal, by=staff, accept=True, note="Changed my mind.")


def test_only_staff_decide_appeals_and_always_with_a_reason(shop, staff, merchant):
    violation = record(shop, staff)
    appeal = submit_appeal(violation=violation, by=merchant, explanation="Please.")

    with pytest.raises(RuleError):
        decide_appeal(appeal=appeal, by=merchant, accept=True, note="I accept my own appeal.")
    with pytest.raises(RuleError):
        decide_appeal(appeal=appeal, by=staff, accept=True, note="  ")

    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING


def test_staff_lift_a_penalty_early(shop, staff, merchant):
    violation = record(shop, staff, penalty=PenaltyKind.SUSPEND, penalty_days=30)
    penalty = violation.penalties.get()

    with pytest.raises(RuleError):
        lift_penalty(penalty=penalty, by=merchant)
    lift_penalty(penalty=penalty, by=staff, reason="Settled with the buyers.")

    penalty.refresh_from_db()
    shop.refresh_from_db()
    assert penalty.lifted_at is not None
    assert penalty.note == "Settled with the buyers."
    assert shop.status == ShopStatus.OPEN
    with pytest.raises(RuleError):
        lift_penalty(penalty=penalty, by=staff)
