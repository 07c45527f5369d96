"""The bridge from sellers events to the inbox: who is told what, and every kind's templates
render in each language."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone, translation

from marketplace.accounts.roles import MODERATORS
from marketplace.notifications.models import Notification
from marketplace.notifications.rendering import kind_exists, render_notification
from marketplace.notifications.sellers_receivers import APPLICATION_KINDS
from marketplace.sellers import events
from marketplace.sellers.models import (
    Appeal,
    MemberInvitation,
    MemberRole,
    PenaltyKind,
    Shop,
    Violation,
)
from marketplace.sellers.services.rules import decide_appeal, record_violation, submit_appeal
from tests.accounts.factories import UserFactory

from .factories import RuleFactory, pdf_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

SAMPLE_CONTEXTS = {
    **{
        kind: {"shop_name": "Tea House", "reason": "Blurred scan."}
        for kind in APPLICATION_KINDS.values()
    },
    "sellers_qualification_expiring": {
        "document": "Business licence",
        "brand": "",
        "number": "BL-1",
        "expires_on": "2025-04-01",
        "days_left": 30,
    },
    "sellers_brand_authorisation_expired": {"brand": "Voltera"},
    "sellers_member_invited": {
        "shop_name": "Tea House",
        "inviter": "Amy",
        "role": "Clerk",
        "expires_at": "2025-04-01 10:00",
    },
    "sellers_shop_status_changed": {
        "shop_name": "Tea House",
        "status": "suspended",
        "status_label": "Suspended",
        "until": "2025-04-01 10:00",
    },
    "sellers_violation_recorded": {
        "shop_name": "Tea House",
        "rule_code": "LATE",
        "rule_title": "Late dispatch",
        "points": 2,
        "penalty": "Warning",
        "description": "Shipped late.",
    },
    "sellers_penalty_applied": {
        "shop_name": "Tea House",
        "penalty": "Suspend the shop",
        "threshold_points": 36,
        "ends_at": "2025-04-01 10:00",
        "note": "",
    },
    "sellers_appeal_submitted": {
        "shop_name": "Tea House",
        "rule_code": "LATE",
        "rule_title": "Late",
    },
    "sellers_appeal_decided": {
        "shop_name": "Tea House",
        "rule_code": "LATE",
        "rule_title": "Late",
        "accepted": True,
        "note": "Courier delay proven.",
    },
}


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
@pytest.mark.parametrize("kind", sorted(SAMPLE_CONTEXTS))
def test_every_sellers_kind_renders(kind, language, user):
    assert kind_exists(kind)
    notification = Notification(user=user, kind=kind, context=SAMPLE_CONTEXTS[kind])
    with translation.override(language):
        subject, body = render_notification(notification)
    assert subject and "\n" not in subject
    assert "{%" not in body and "{{" not in body
    assert "Tea House" in subject + body or "Voltera" in subject + body or "Business" in subject


def send(signal, **kwargs) -> None:
    signal.send(sender=None, **kwargs)


def test_an_expiring_document_goes_to_the_owner_only(merchant, manager):
    merchant_row = merchant.merchant_memberships.get().merchant
    document = merchant_row.application.documents.create(
        document_type="business_licence",
        file=pdf_file(),
        original_name="licence.pdf",
        content_type="application/pdf",
        size=10,
        expires_on=timezone.localdate(),
    )
    send(events.qualification_expiring, document_id=document.pk, days_left=0)
    assert list(Notification.objects.values_list("user", "kind")) == [
        (merchant.pk, "sellers_qualification_expiring")
    ]


def test_violation_penalty_and_appeal_decision_go_to_owner_and_managers(
    merchant, manager, clerk, staff_user, django_capture_on_commit_callbacks
):
    shop = Shop.objects.get(merchant__members__user=merchant)
    with django_capture_on_commit_callbacks(execute=True):
        violation = record_violation(
            shop=shop,
            rule=RuleFactory(points=2),
            description="Shipped late.",
            penalty=PenaltyKind.WARNING,
            by=staff_user,
        )
    with django_capture_on_commit_callbacks(execute=True):
        appeal = submit_appeal(violation=violation, by=merchant, explanation="Courier strike.")
    with django_capture_on_commit_callbacks(execute=True):
        decide_appeal(appeal=appeal, by=staff_user, accept=True, note="Proven.")

    told = set(Notification.objects.values_list("user", "kind"))
    for user in (merchant, manager):
        assert (user.pk, "sellers_violation_recorded") in told
        assert (user.pk, "sellers_penalty_applied") in told
        assert (user.pk, "sellers_appeal_decided") in told
    assert not Notification.objects.filter(user=clerk).exists()
    decided = Notification.objects.get(user=merchant, kind="sellers_appeal_decided")
    assert decided.context["accepted"] is True
    assert decided.url == f"/seller/violations/{violation.pk}/"


def test_an_appeal_is_announced_to_moderators(merchant, staff_user):
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS)[0])
    shop = Shop.objects.get(merchant__members__user=merchant)
    violation = Violation.objects.create(
        shop=shop,
        rule=RuleFactory(),
        points=2,
        description="x",
        penalty=PenaltyKind.WARNING,
        recorded_by=staff_user,
    )
    appeal = Appeal.objects.create(
        violation=violation, explanation="Please look again.", submitted_by=merchant
    )
    send(events.appeal_submitted, appeal_id=appeal.pk)
    notification = Notification.objects.get()
    assert (notification.user, notification.kind) == (moderator, "sellers_appeal_submitted")
    assert notification.url == f"/admin/sellers/appeal/{appeal.pk}/change/"


def test_an_invitation_reaches_an_existing_user_and_skips_unknown_addresses(merchant):
    invited = UserFactory(email="helper@example.com")
    merchant_row = merchant.merchant_memberships.get().merchant
    known = MemberInvitation.objects.create(
        merchant=merchant_row,
        email="Helper@Example.com",
        role=MemberRole.CLERK,
        invited_by=merchant,
        expires_at=timezone.now() + timezone.timedelta(days=7),
    )
    unknown = MemberInvitation.objects.create(
        merchant=merchant_row,
        email="nobody@example.com",
        role=MemberRole.MANAGER,
        invited_by=merchant,
        expires_at=timezone.now() + timezone.timedelta(days=7),
    )
    send(events.member_invited, invitation_id=known.pk)
    send(events.member_invited, invitation_id=unknown.pk)
    notification = Notification.objects.get()
    assert (notification.user, notification.kind) == (invited, "sellers_member_invited")
    assert notification.context["role"] == "Clerk"
    assert notification.url == f"/seller/invitations/{known.token}/"


def test_a_suspension_reaches_owner_and_managers(merchant, manager, clerk):
    shop = Shop.objects.get(merchant__members__user=merchant)
    Shop.objects.filter(pk=shop.pk).update(status="suspended")
    send(events.shop_status_changed, shop_id=shop.pk, status="suspended")
    assert set(Notification.objects.values_list("user", flat=True)) == {merchant.pk, manager.pk}


def test_events_about_rows_that_are_gone_are_ignored():
    send(events.application_status_changed, application_id=0, status="approved", reason="")
    send(events.qualification_expiring, document_id=0, days_left=3)
    send(events.violation_recorded, violation_id=0)
    send(events.penalty_applied, penalty_id=0)
    send(events.appeal_submitted, appeal_id=0)
    send(events.appeal_decided, appeal_id=0)
    send(events.member_invited, invitation_id=0)
    send(events.shop_status_changed, shop_id=0, status="open")
    assert not Notification.objects.exists()
