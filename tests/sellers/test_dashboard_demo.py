"""The dashboard demo: every demo shop decorated and published, a manager and a clerk on the demo
merchant, the shopper following two shops; built through the services and safe to run again."""

import pytest
from django.db import transaction
from django.test import Client

from marketplace.accounts import seed as accounts_seed
from marketplace.sellers.demo import dashboard, onboarding
from marketplace.sellers.models import (
    BlockKind,
    MemberRole,
    MerchantMember,
    Shop,
    ShopBlock,
    ShopBlockImage,
    ShopFollow,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


def seed() -> list[str]:
    lines: list[str] = []
    with transaction.atomic():  # as seed_demo runs it
        accounts_seed.run(options={}, log=lines.append)
        onboarding.run(log=lines.append)
        dashboard.run(log=lines.append)
    return lines


def test_every_demo_shop_is_decorated_and_the_team_and_follows_exist(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks():
        seed()

    shops = Shop.objects.all()
    assert shops.count() == 5
    for shop in shops:
        assert shop.published_at is not None
        assert shop.logo and shop.banner and shop.announcement and shop.service_hours
        published = list(
            ShopBlock.objects.filter(shop=shop, is_published=True).values_list("kind", flat=True)
        )
        assert published == [
            BlockKind.BANNER_CAROUSEL,
            BlockKind.RICH_TEXT,
            BlockKind.CATEGORY_TABS,
            BlockKind.FEATURED_PRODUCTS,
            BlockKind.COUPON_STRIP,
        ]
        assert (
            ShopBlockImage.objects.filter(block__shop=shop, block__is_published=True).count() == 2
        )
    demo = Shop.objects.get(slug="demo-outfitters")
    assert {
        (m.user.email, m.role) for m in MerchantMember.objects.filter(merchant=demo.merchant)
    } == {
        ("merchant@example.com", MemberRole.OWNER),
        ("manager@example.com", MemberRole.MANAGER),
        ("clerk@example.com", MemberRole.CLERK),
    }
    assert ShopFollow.objects.filter(user__email="shopper@example.com").count() == 2
    demo.refresh_from_db()
    assert demo.follower_count == 1

    page = Client().get("/s/demo-outfitters/").content.decode()
    assert "關於我們" in page
    assert "Members save 10%" in page


def test_the_demo_can_run_again_without_changes(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        seed()
        counts = (ShopBlock.objects.count(), ShopBlockImage.objects.count())
        lines = seed()

    assert (ShopBlock.objects.count(), ShopBlockImage.objects.count()) == counts
    assert (
        MerchantMember.objects.filter(
            user__email__in=["manager@example.com", "clerk@example.com"]
        ).count()
        == 2
    )
    assert ShopFollow.objects.count() == 2
    assert any("already decorated" in line for line in lines)
