"""Staff admin for shops, members and invitations: lists, search, read-only decoration and
status history, and the owner that cannot be deleted."""

import pytest

from marketplace.sellers.models import BlockKind, MemberRole, MerchantMember, Shop, ShopStatus
from marketplace.sellers.services.decoration import add_block, publish_decoration
from marketplace.sellers.services.members import invite_member
from marketplace.sellers.services.shops import set_shop_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(merchant) -> Shop:
    return Shop.objects.get(merchant__members__user=merchant)


def test_staff_list_and_search_shops(client_as, staff_user, shop, other_merchant):
    response = client_as(staff_user).get("/admin/sellers/shop/", {"q": shop.name})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [shop]


def test_a_shop_page_shows_blocks_read_only_and_the_status_history(
    client_as, staff_user, merchant, shop
):
    add_block(shop=shop, by=merchant, kind=BlockKind.COUPON_STRIP)
    publish_decoration(shop=shop, by=merchant)
    set_shop_status(shop=shop, status=ShopStatus.CLOSED, by=staff_user, reason="Fraud")

    response = client_as(staff_user).get(f"/admin/sellers/shop/{shop.pk}/change/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "open → closed" in page and "Fraud" in page
    assert page.count("Coupon strip") >= 2  # the draft and the published copy
    assert 'name="status"' not in page
    assert 'name="blocks-0-title"' not in page


def test_members_and_invitations_are_listed_and_the_owner_cannot_be_deleted(
    client_as, staff_user, merchant, clerk, shop
):
    invite_member(merchant=shop.merchant, by=merchant, email="x@example.com", role="clerk")
    client = client_as(staff_user)
    owner = MerchantMember.objects.get(user=merchant, role=MemberRole.OWNER)

    assert client.get("/admin/sellers/merchantmember/").status_code == 200
    invitations = client.get("/admin/sellers/memberinvitation/")
    assert "x@example.com" in invitations.content.decode()
    assert client.get(f"/admin/sellers/merchantmember/{owner.pk}/delete/").status_code == 403
    clerk_member = MerchantMember.objects.get(user=clerk)
    client.post(f"/admin/sellers/merchantmember/{clerk_member.pk}/delete/", {"post": "yes"})
    assert not MerchantMember.objects.filter(pk=clerk_member.pk).exists()
    assert MerchantMember.objects.filter(pk=owner.pk).exists()
