"""Members and invitations: the owner invites, changes roles and removes; the invited person
accepts with the invited address; one merchant per person; the owner always stays."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from marketplace.sellers import events
from marketplace.sellers.errors import MemberError
from marketplace.sellers.models import (
    ApplicationStatus,
    MemberInvitation,
    MemberRole,
    MerchantMember,
    Shop,
)
from marketplace.sellers.services.members import (
    accept_invitation,
    change_member_role,
    invite_member,
    remove_member,
)
from tests.accounts.factories import UserFactory

from .factories import MerchantApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(merchant) -> Shop:
    return Shop.objects.get(merchant__members__user=merchant)


def invite(shop, merchant, email="new.hire@example.com", role=MemberRole.CLERK, **kwargs):
    return invite_member(merchant=shop.merchant, by=merchant, email=email, role=role, **kwargs)


def member_of(user) -> MerchantMember:
    return MerchantMember.objects.get(user=user)


# --- Inviting -------------------------------------------------------------------------------


def test_the_owner_invites_for_seven_days_and_the_event_goes_out_on_commit(
    client_as, merchant, shop, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs["invitation_id"])

    events.member_invited.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_as(merchant).post(
                "/seller/members/invite/", {"email": "New.Hire@Example.com", "role": "manager"}
            )
    finally:
        events.member_invited.disconnect(listener)

    assert response.status_code == 302
    invitation = MemberInvitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new.hire@example.com",
        MemberRole.MANAGER,
        merchant,
    )
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        timedelta(days=7), abs=timedelta(seconds=5)
    )
    assert received == [invitation.pk]
    page = client_as(merchant).get("/seller/members/").content.decode()
    assert "new.hire@example.com" in page
    assert f"http://testserver/seller/invitations/{invitation.token}/" in page


def test_inviting_again_replaces_the_pending_invitation(merchant, shop):
    first = invite(shop, merchant)
    second = invite(shop, merchant, role=MemberRole.MANAGER)

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None


def test_an_existing_member_or_someone_elses_member_cannot_be_invited(
    merchant, other_merchant, clerk, shop
):
    with pytest.raises(MemberError) as raised:
        invite(shop, merchant, email=clerk.email)
    assert raised.value.code == "member"

    with pytest.raises(MemberError) as raised:
        invite(shop, merchant, email=other_merchant.email.upper())
    assert raised.value.code == "other_merchant"
    assert "one merchant only" in raised.value.message


def test_an_owner_role_cannot_be_given_by_invitation(merchant, shop):
    with pytest.raises(MemberError):
        invite(shop, merchant, role=MemberRole.OWNER)


@pytest.mark.parametrize("who", ["manager", "clerk"])
def test_only_the_owner_invites(client_as, who, request, shop):
    response = client_as(request.getfixturevalue(who)).post(
        "/seller/members/invite/", {"email": "x@example.com", "role": "clerk"}
    )

    assert response.status_code == 403
    assert not MemberInvitation.objects.exists()


def test_a_manager_sees_the_members_page_but_a_clerk_cannot(
    client_as, merchant, manager, clerk, shop
):
    invite(shop, merchant)

    page = client_as(manager).get("/seller/members/")
    assert page.status_code == 200
    assert "Only the owner can change members." in page.content.decode()
    assert 'action="/seller/members/invite/"' not in page.content.decode()
    assert "new.hire@example.com" in page.content.decode()
    assert "/seller/invitations/" not in page.content.decode()  # the link is the owner's to send

    assert client_as(clerk).get("/seller/members/").status_code == 403


def test_the_owner_withdraws_an_invitation_and_it_cannot_be_accepted(client_as, merchant, shop):
    invitee = UserFactory(email="new.hire@example.com")
    invitation = invite(shop, merchant)

    response = client_as(merchant).post(f"/seller/members/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 302
    with pytest.raises(MemberError) as raised:
        accept_invitation(invitation=invitation, user=invitee)
    assert raised.value.code == "revoked"


def test_another_merchant_cannot_withdraw_this_merchants_invitation(
    client_as, merchant, other_merchant, shop
):
    invitation = invite(shop, merchant)

    response = client_as(other_merchant).post(
        f"/seller/members/invitations/{invitation.pk}/revoke/"
    )

    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- Accepting ------------------------------------------------------------------------------


def test_the_invited_person_accepts_and_becomes_a_member(client_as, merchant, shop):
    invitee = UserFactory(email="new.hire@example.com")
    invitation = invite(shop, merchant, role=MemberRole.MANAGER)
    client = client_as(invitee)
    url = f"/seller/invitations/{invitation.token}/"

    page = client.get(url)
    assert page.status_code == 200
    assert shop.name in page.content.decode()
    assert "Accept and join the shop" in page.content.decode()

    response = client.post(url)

    assert response.status_code == 302
    assert response.url == "/seller/"
    member = member_of(invitee)
    assert (member.merchant, member.role) == (shop.merchant, MemberRole.MANAGER)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.get("/seller/shop/").status_code == 200


def test_someone_else_cannot_accept_the_invitation(client_as, merchant, shop):
    UserFactory(email="new.hire@example.com")
    intruder = UserFactory(email="intruder@example.com")
    invitation = invite(shop, merchant)
    client = client_as(intruder)
    url = f"/seller/invitations/{invitation.token}/"

    assert "sent to another e-mail address" in client.get(url).content.decode()
    response = client.post(url, follow=True)

    assert "sent to another e-mail address" in response.content.decode()
    assert not MerchantMember.objects.filter(user=intruder).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_unconfirmed_address_cannot_accept(merchant, shop):
    invitee = UserFactory(email="new.hire@example.com", verified=False)
    invitation = invite(shop, merchant)

    with pytest.raises(MemberError) as raised:
        accept_invitation(invitation=invitation, user=invitee)

    assert raised.value.code == "wrong_user"


def test_an_expired_invitation_is_refused(merchant, shop):
    invitee = UserFactory(email="new.hire@example.com")
    invitation = invite(shop, merchant, now=timezone.now() - timedelta(days=8))

    with pytest.raises(MemberError) as raised:
        accept_invitation(invitation=invitation, user=invitee)

    assert raised.value.code == "expired"
    assert not MerchantMember.objects.filter(user=invitee).exists()


def test_an_invitation_is_accepted_once(merchant, shop):
    invitee = UserFactory(email="new.hire@example.com")
    invitation = invite(shop, merchant)
    accept_invitation(invitation=invitation, user=invitee)

    with pytest.raises(MemberError) as raised:
        accept_invitation(invitation=invitation, user=invitee)

    assert raised.value.code == "accepted"
    assert MerchantMember.objects.filter(user=invitee).count() == 1


def test_a_member_of_another_merchant_cannot_accept(merchant, other_merchant, shop):
    invitation = invite(shop, merchant, email="later.owner@example.com")
    other_merchant.email = "later.owner@example.com"
    other_merchant.save()
    other_merchant.emailaddress_set.update(email="later.owner@example.com")

    with pytest.raises(MemberError) as raised:
        accept_invitation(invitation=invitation, user=other_merchant)

    assert raised.value.code == "other_merchant"
    assert MerchantMember.objects.filter(user=other_merchant).count() == 1


def test_someone_whose_own_application_is_under_review_cannot_accept(merchant, shop):
    invitee = UserFactory(email="new.hire@example.com")
    MerchantApplicationFactory(applicant=invitee, status=ApplicationStatus.SUBMITTED)
    invitation = invite(shop, merchant)

    with pytest.raises(MemberError) as raised:
        accept_invitation(invitation=invitation, user=invitee)

    assert raised.value.code == "own_application"


def test_an_anonymous_visitor_is_asked_to_log_in_first(merchant, shop):
    invitation = invite(shop, merchant)

    response = Client().get(f"/seller/invitations/{invitation.token}/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# --- Roles and removal ----------------------------------------------------------------------


def test_the_owner_changes_a_role_and_removes_a_member(client_as, merchant, clerk):
    client = client_as(merchant)
    member = member_of(clerk)

    client.post(f"/seller/members/{member.pk}/role/", {"role": "manager"})
    member.refresh_from_db()
    assert member.role == MemberRole.MANAGER

    client.post(f"/seller/members/{member.pk}/remove/")
    assert not MerchantMember.objects.filter(pk=member.pk).exists()
    assert client_as(clerk).get("/seller/").url == "/seller/apply/"


def test_the_owner_can_be_neither_removed_nor_demoted(merchant):
    owner = member_of(merchant)

    with pytest.raises(MemberError):
        remove_member(member=owner, by=merchant)
    with pytest.raises(MemberError):
        change_member_role(member=owner, by=merchant, role=MemberRole.CLERK)

    owner.refresh_from_db()
    assert owner.role == MemberRole.OWNER


def test_a_manager_cannot_remove_or_promote_members(client_as, manager, clerk):
    member = member_of(clerk)
    client = client_as(manager)

    assert client.post(f"/seller/members/{member.pk}/remove/").status_code == 403
    assert client.post(f"/seller/members/{member.pk}/role/", {"role": "manager"}).status_code == 403
    member.refresh_from_db()
    assert member.role == MemberRole.CLERK


def test_another_merchant_cannot_touch_this_merchants_members(client_as, other_merchant, clerk):
    member = member_of(clerk)
    client = client_as(other_merchant)

    assert client.post(f"/seller/members/{member.pk}/remove/").status_code == 404
    assert client.post(f"/seller/members/{member.pk}/role/", {"role": "manager"}).status_code == 404
    member.refresh_from_db()
    assert member.role == MemberRole.CLERK
