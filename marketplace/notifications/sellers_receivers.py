"""Sellers events -> ``notify()``: who hears about applications, qualifications, members, shop
status, violations, penalties and appeals.

Each receiver reloads what the event's ids point at and calls ``notify`` once per recipient.
Context values are plain JSON; labels of choices are rendered in the recipient's language here,
because the templates cannot translate stored codes. Templates live in
``marketplace/sellers/templates/notifications/sellers_*``.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.accounts.models import User
from marketplace.accounts.roles import MODERATORS
from marketplace.sellers import events
from marketplace.sellers.models import (
    Appeal,
    AppealStatus,
    ApplicationStatus,
    MemberInvitation,
    MemberRole,
    Merchant,
    MerchantApplication,
    Penalty,
    QualificationDocument,
    Shop,
    Violation,
)

from .services import notify

APPLICATION_KINDS = {
    ApplicationStatus.SUBMITTED: "sellers_application_submitted",
    ApplicationStatus.RESUBMITTED: "sellers_application_resubmitted",
    ApplicationStatus.NEEDS_INFO: "sellers_application_needs_info",
    ApplicationStatus.APPROVED: "sellers_application_approved",
    ApplicationStatus.REJECTED: "sellers_application_rejected",
}


def _owner(merchant_id: int) -> list[User]:
    return list(
        User.objects.filter(
            merchant_memberships__merchant_id=merchant_id,
            merchant_memberships__role=MemberRole.OWNER,
            is_active=True,
        )
    )


def _owner_and_managers(merchant_id: int) -> list[User]:
    return list(
        User.objects.filter(
            merchant_memberships__merchant_id=merchant_id,
            merchant_memberships__role__in=[MemberRole.OWNER, MemberRole.MANAGER],
            is_active=True,
        ).distinct()
    )


def _when(moment: datetime.datetime | None) -> str:
    """A moment as plain text in the site's time zone (context values must be JSON)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _label(user: User, value: Any) -> str:
    """A lazy label (a choice's display) as text in the recipient's language."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        return str(value)


def _notify_all(
    users: Iterable[User], *, kind: str, context: dict[str, Any], url: str, labels: dict[str, Any]
) -> None:
    for user in users:
        notify(
            user=user,
            kind=kind,
            context={**context, **{key: _label(user, value) for key, value in labels.items()}},
            url=url,
        )


@receiver(events.application_status_changed, dispatch_uid="notifications.sellers.application")
def application_status_changed(
    sender: Any, *, application_id: int, status: str, reason: str = "", **kwargs: Any
) -> None:
    """The applicant hears of every move of their application."""
    application = (
        MerchantApplication.objects.select_related("applicant").filter(pk=application_id).first()
    )
    kind = APPLICATION_KINDS.get(status)
    if application is None or kind is None:
        return
    url = reverse("sellers:dashboard" if status == ApplicationStatus.APPROVED else "sellers:apply")
    notify(
        user=application.applicant,
        kind=kind,
        context={
            "shop_name": application.shop_name or application.legal_name,
            "reason": reason,
        },
        url=url,
    )


@receiver(events.qualification_expiring, dispatch_uid="notifications.sellers.expiring")
def qualification_expiring(sender: Any, *, document_id: int, days_left: int, **kwargs: Any) -> None:
    """The merchant's owner is reminded to renew a document."""
    document = QualificationDocument.objects.select_related("brand").filter(pk=document_id).first()
    if document is None:
        return
    merchant_id = (
        Merchant.objects.filter(application_id=document.application_id)
        .values_list("pk", flat=True)
        .first()
    )
    if merchant_id is None:
        return
    _notify_all(
        _owner(merchant_id),
        kind="sellers_qualification_expiring",
        context={
            "brand": document.brand.name if document.brand else "",
            "number": document.number,
            "expires_on": document.expires_on.isoformat() if document.expires_on else "",
            "days_left": days_left,
        },
        url=reverse("sellers:qualifications"),
        labels={"document": document.get_document_type_display()},
    )


@receiver(events.brand_authorisation_expired, dispatch_uid="notifications.sellers.brand_expired")
def brand_authorisation_expired(
    sender: Any, *, merchant_id: int, brand_name: str, **kwargs: Any
) -> None:
    """The merchant's owner learns that a brand can no longer be listed."""
    _notify_all(
        _owner(merchant_id),
        kind="sellers_brand_authorisation_expired",
        context={"brand": brand_name},
        url=reverse("sellers:qualifications"),
        labels={},
    )


@receiver(events.member_invited, dispatch_uid="notifications.sellers.member_invited")
def member_invited(sender: Any, *, invitation_id: int, **kwargs: Any) -> None:
    """An invited person who already has an account finds the invitation in their inbox
    (people without one are told by the inviter; the dashboard shows pending invitations)."""
    invitation = (
        MemberInvitation.objects.select_related("merchant__shop", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return
    invited = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    if invited is None:
        return
    shop = getattr(invitation.merchant, "shop", None)
    _notify_all(
        [invited],
        kind="sellers_member_invited",
        context={
            "shop_name": shop.name if shop else invitation.merchant.legal_name,
            "inviter": invitation.invited_by.get_short_name() if invitation.invited_by else "",
            "expires_at": _when(invitation.expires_at),
        },
        url=reverse("sellers:invitation", kwargs={"token": invitation.token}),
        labels={"role": invitation.get_role_display()},
    )


@receiver(events.shop_status_changed, dispatch_uid="notifications.sellers.shop_status")
def shop_status_changed(sender: Any, *, shop_id: int, status: str, **kwargs: Any) -> None:
    """The owner and managers learn that their shop opened, was suspended or closed."""
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None:
        return
    _notify_all(
        _owner_and_managers(shop.merchant_id),
        kind="sellers_shop_status_changed",
        context={
            "shop_name": shop.name,
            "status": shop.status,
            "until": _when(shop.suspended_until),
        },
        url=reverse("sellers:dashboard"),
        labels={"status_label": shop.get_status_display()},
    )


@receiver(events.violation_recorded, dispatch_uid="notifications.sellers.violation")
def violation_recorded(sender: Any, *, violation_id: int, **kwargs: Any) -> None:
    """The owner and managers learn of a violation recorded against their shop."""
    violation = Violation.objects.select_related("shop", "rule").filter(pk=violation_id).first()
    if violation is None:
        return
    _notify_all(
        _owner_and_managers(violation.shop.merchant_id),
        kind="sellers_violation_recorded",
        context={
            "shop_name": violation.shop.name,
            "rule_code": violation.rule.code,
            "rule_title": violation.rule.title,
            "points": violation.points,
            "description": violation.description,
        },
        url=reverse("sellers:violation", kwargs={"pk": violation.pk}),
        labels={"penalty": violation.get_penalty_display()},
    )


@receiver(events.penalty_applied, dispatch_uid="notifications.sellers.penalty")
def penalty_applied(sender: Any, *, penalty_id: int, **kwargs: Any) -> None:
    """The owner and managers learn of a penalty in force on their shop."""
    penalty = Penalty.objects.select_related("shop", "threshold").filter(pk=penalty_id).first()
    if penalty is None:
        return
    _notify_all(
        _owner_and_managers(penalty.shop.merchant_id),
        kind="sellers_penalty_applied",
        context={
            "shop_name": penalty.shop.name,
            "threshold_points": penalty.threshold.points if penalty.threshold else None,
            "ends_at": _when(penalty.ends_at),
            "note": penalty.note,
        },
        url=reverse("sellers:violation", kwargs={"pk": penalty.violation_id})
        if penalty.violation_id
        else reverse("sellers:violations"),
        labels={"penalty": penalty.get_kind_display()},
    )


@receiver(events.appeal_submitted, dispatch_uid="notifications.sellers.appeal_submitted")
def appeal_submitted(sender: Any, *, appeal_id: int, **kwargs: Any) -> None:
    """Moderators learn that an appeal waits for a decision."""
    appeal = (
        Appeal.objects.select_related("violation__shop", "violation__rule")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None:
        return
    moderators = User.objects.filter(
        groups__in=Group.objects.filter(name=MODERATORS), is_active=True
    ).distinct()
    _notify_all(
        moderators,
        kind="sellers_appeal_submitted",
        context={
            "shop_name": appeal.violation.shop.name,
            "rule_code": appeal.violation.rule.code,
            "rule_title": appeal.violation.rule.title,
        },
        url=reverse("admin:sellers_appeal_change", args=[appeal.pk]),
        labels={},
    )


@receiver(events.appeal_decided, dispatch_uid="notifications.sellers.appeal_decided")
def appeal_decided(sender: Any, *, appeal_id: int, **kwargs: Any) -> None:
    """The owner and managers learn the outcome of their appeal."""
    appeal = (
        Appeal.objects.select_related("violation__shop", "violation__rule")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None:
        return
    _notify_all(
        _owner_and_managers(appeal.violation.shop.merchant_id),
        kind="sellers_appeal_decided",
        context={
            "shop_name": appeal.violation.shop.name,
            "rule_code": appeal.violation.rule.code,
            "rule_title": appeal.violation.rule.title,
            "accepted": appeal.status == AppealStatus.ACCEPTED,
            "note": appeal.decision_note,
        },
        url=reverse("sellers:violation", kwargs={"pk": appeal.violation_id}),
        labels={},
    )
