"""Every write of a merchant's team: the owner invites people by e-mail as manager or clerk,
revokes invitations, changes roles and removes members; the invited person accepts.

A user belongs to at most one merchant, and the owner can be neither removed nor demoted.
Invitations are announced with ``member_invited`` on commit; this module never imports
notifications.
"""

from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import OWNER_ONLY
from ..errors import MemberError
from ..events import member_invited
from ..models import (
    ApplicationStatus,
    MemberInvitation,
    MemberRole,
    Merchant,
    MerchantApplication,
    MerchantMember,
)
from ..selectors.onboarding import REVIEWABLE_STATUSES

INVITATION_LIFETIME = timedelta(days=7)
INVITABLE_ROLES = (MemberRole.MANAGER, MemberRole.CLERK)

# --- Who may do what ------------------------------------------------------------------------


def can_manage_members(*, merchant: Merchant, by: Any) -> bool:
    """Only the owner invites, changes roles and removes members (managers may look)."""
    if not getattr(by, "is_authenticated", False):
        return False
    return MerchantMember.objects.filter(merchant=merchant, user=by, role__in=OWNER_ONLY).exists()


def _check_owner(*, merchant: Merchant, by: Any) -> None:
    if not can_manage_members(merchant=merchant, by=by):
        raise MemberError(_("Only the owner can manage the shop's members."), code="not_owner")


def _check_role(role: str) -> None:
    if role not in INVITABLE_ROLES:
        raise MemberError(_("Choose manager or clerk."), code="role")


def _already_a_merchant_error() -> MemberError:
    return MemberError(
        _(
            "This person already works for a shop on the marketplace: "
            "a person can belong to one merchant only."
        ),
        code="other_merchant",
    )


# --- Invitations ----------------------------------------------------------------------------


def invite_member(
    *, merchant: Merchant, by: Any, email: str, role: str, now: datetime | None = None
) -> MemberInvitation:
    """An invitation to join as ``role`` waits 7 days for the person with that e-mail; an
    earlier pending invitation to the same address is replaced."""
    _check_owner(merchant=merchant, by=by)
    _check_role(role)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise MemberError(_("Enter a valid e-mail address."), code="email") from None
    members = MerchantMember.objects.filter(user__email__iexact=email)
    if members.filter(merchant=merchant).exists():
        raise MemberError(_("This person is already a member of your shop."), code="member")
    if members.exists():
        raise _already_a_merchant_error()
    now = now or timezone.now()
    with transaction.atomic():
        MemberInvitation.objects.filter(
            merchant=merchant,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=now)
        invitation = MemberInvitation.objects.create(
            merchant=merchant,
            email=email,
            role=role,
            invited_by=by,
            expires_at=now + INVITATION_LIFETIME,
        )
        invitation_id = invitation.pk
        transaction.on_commit(
            lambda: member_invited.send(sender=MemberInvitation, invitation_id=invitation_id)
        )
    return invitation


def revoke_invitation(
    *, invitation: MemberInvitation, by: Any, now: datetime | None = None
) -> MemberInvitation:
    """The invitation can no longer be accepted."""
    _check_owner(merchant=invitation.merchant, by=by)
    now = now or timezone.now()
    with transaction.atomic():
        changed = MemberInvitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
    if not changed:
        raise MemberError(_("This invitation was already answered or revoked."), code="answered")
    invitation.revoked_at = now
    return invitation


def is_invited_address(*, invitation: MemberInvitation, user: Any) -> bool:
    """The user has confirmed owning the invited e-mail address."""
    if not getattr(user, "is_authenticated", False):
        return False
    return EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()


def invitation_problem(
    *, invitation: MemberInvitation, user: Any, now: datetime | None = None
) -> MemberError | None:
    """Why this user cannot accept this invitation now, or None if they can."""
    now = now or timezone.now()
    if invitation.accepted_at is not None:
        return MemberError(_("This invitation has already been accepted."), code="accepted")
    if invitation.revoked_at is not None:
        return MemberError(_("This invitation was withdrawn by the shop."), code="revoked")
    if invitation.expires_at <= now:
        return MemberError(
            _("This invitation has expired. Ask the shop's owner for a new one."), code="expired"
        )
    if not is_invited_address(invitation=invitation, user=user):
        return MemberError(
            _(
                "This invitation was sent to another e-mail address. Log in with that address "
                "(confirmed in your account) to accept it."
            ),
            code="wrong_user",
        )
    if MerchantMember.objects.filter(user=user).exists():
        return _already_a_merchant_error()
    if MerchantApplication.objects.filter(
        applicant=user, status__in=(*REVIEWABLE_STATUSES, ApplicationStatus.NEEDS_INFO)
    ).exists():
        return MemberError(
            _(
                "Your own application to sell is being reviewed: a person can belong to one "
                "merchant only."
            ),
            code="own_application",
        )
    return None


def accept_invitation(
    *, invitation: MemberInvitation, user: Any, now: datetime | None = None
) -> MerchantMember:
    """The invited person is a member of the merchant with the invited role."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            invitation = MemberInvitation.objects.select_for_update().get(pk=invitation.pk)
            problem = invitation_problem(invitation=invitation, user=user, now=now)
            if problem is not None:
                raise problem
            member = MerchantMember.objects.create(
                merchant_id=invitation.merchant_id, user=user, role=invitation.role
            )
            invitation.accepted_at = now
            invitation.save(update_fields=["accepted_at"])
    except IntegrityError:  # joined this merchant at the same moment in another request
        raise MemberError(_("You are already a member of this shop."), code="member") from None
    return member


# --- Members --------------------------------------------------------------------------------


def change_member_role(*, member: MerchantMember, by: Any, role: str) -> MerchantMember:
    """The member works as manager or clerk from now on."""
    _check_owner(merchant=member.merchant, by=by)
    _check_role(role)
    if member.role == MemberRole.OWNER:
        raise MemberError(_("The owner's role cannot be changed."), code="owner")
    with transaction.atomic():
        MerchantMember.objects.filter(pk=member.pk).exclude(role=MemberRole.OWNER).update(role=role)
    member.role = role
    return member


def remove_member(*, member: MerchantMember, by: Any) -> None:
    """The person no longer works for the shop (the owner always stays)."""
    _check_owner(merchant=member.merchant, by=by)
    if member.role == MemberRole.OWNER:
        raise MemberError(_("The owner cannot be removed from the shop."), code="owner")
    with transaction.atomic():
        MerchantMember.objects.filter(pk=member.pk).exclude(role=MemberRole.OWNER).delete()
