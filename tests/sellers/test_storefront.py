"""The public storefront: the shop header, the published blocks in order, following, and what
shoppers see when a shop is suspended or closed."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from marketplace.sellers.models import BlockKind, SellerKind, Shop, ShopFollow, ShopStatus
from marketplace.sellers.services.decoration import (
    add_block,
    add_slide,
    publish_decoration,
    update_block,
)
from marketplace.sellers.services.shops import set_shop_status
from tests.accounts.factories import UserFactory

from .factories import ShopFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


@pytest.fixture
def shop(merchant) -> Shop:
    return Shop.objects.get(merchant__members__user=merchant)


def decorate(shop: Shop, owner) -> None:
    tabs = add_block(shop=shop, by=owner, kind=BlockKind.CATEGORY_TABS)
    update_block(block=tabs, by=owner, title="Browse", settings={"tabs": ["Tea", "Cups"]})
    text = add_block(shop=shop, by=owner, kind=BlockKind.RICH_TEXT)
    update_block(block=text, by=owner, title="Story", settings={"html": "<p>Since 1990</p>"})
    add_block(shop=shop, by=owner, kind=BlockKind.FEATURED_PRODUCTS)
    add_block(shop=shop, by=owner, kind=BlockKind.COUPON_STRIP)
    publish_decoration(shop=shop, by=owner)


def test_the_storefront_shows_the_header_and_the_published_blocks_in_order(merchant, shop):
    Shop.objects.filter(pk=shop.pk).update(
        theme_colour="#0b5cad",
        announcement="Holiday sale",
        service_hours="9-18",
        ships_from="Taipei",
        follower_count=3,
    )
    decorate(shop, merchant)

    response = Client().get(f"/s/{shop.slug}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'style="--shop-theme: #0b5cad"' in page
    for text in (shop.name, "B2C", "Holiday sale", "9-18", "Taipei", "3 followers"):
        assert text in page
    assert "No ratings yet" in page
    positions = [
        page.index(t) for t in ("Tea", "Since 1990", "Products appear here.", "No coupons")
    ]
    assert positions == sorted(positions)
    assert "Log in to follow" in page


def test_scores_are_shown_out_of_five(shop):
    Shop.objects.filter(pk=shop.pk).update(
        description_score=Decimal("4.80"), service_score=Decimal("4.5"), delivery_score=None
    )

    page = Client().get(f"/s/{shop.slug}/").content.decode()

    assert "4.8 / 5" in page and "4.5 / 5" in page
    assert "No ratings yet" not in page


def test_an_unknown_shop_is_404():
    assert Client().get("/s/no-such-shop/").status_code == 404


def test_a_suspended_shop_says_so_and_hides_its_blocks(merchant, shop):
    decorate(shop, merchant)
    until = timezone.now() + timedelta(days=3)
    set_shop_status(shop=shop, status=ShopStatus.SUSPENDED, until=until)

    page = Client().get(f"/s/{shop.slug}/").content.decode()

    assert "This shop is suspended until" in page
    assert "cannot be bought" in page
    assert "Since 1990" not in page
    assert 'class="shop-block' not in page


def test_a_closed_shop_says_so_and_hides_its_blocks(merchant, shop):
    decorate(shop, merchant)
    set_shop_status(shop=shop, status=ShopStatus.CLOSED)

    page = Client().get(f"/s/{shop.slug}/").content.decode()

    assert "This shop is closed." in page
    assert "Since 1990" not in page


def test_theme_colour_is_never_written_raw_into_the_style_attribute(shop):
    Shop.objects.filter(pk=shop.pk).update(theme_colour='"><x')

    page = Client().get(f"/s/{shop.slug}/").content.decode()

    assert 'style="--shop-theme: #c8102e"' in page


def test_stored_rich_text_is_cleaned_again_when_shown(merchant, shop):
    add_block(shop=shop, by=merchant, kind=BlockKind.RICH_TEXT)
    publish_decoration(shop=shop, by=merchant)
    Shop.objects.filter(pk=shop.pk).update(introduction="<p>Hi</p><script>evil()</script>")
    shop.blocks.filter(is_published=True).update(config={"html": "<img src=x onerror=evil()>"})

    page = Client().get(f"/s/{shop.slug}/").content.decode()

    assert "evil()" not in page
    assert "<p>Hi</p>" in page


# --- Following ------------------------------------------------------------------------------


def test_following_is_idempotent_and_the_count_is_right(client_as, shop):
    shopper = UserFactory()
    client = client_as(shopper)
    url = f"/s/{shop.slug}/follow/"

    assert client.post(url, {"action": "follow"}).status_code == 302
    client.post(url, {"action": "follow"})
    shop.refresh_from_db()
    assert shop.follower_count == 1
    assert ShopFollow.objects.filter(shop=shop, user=shopper).count() == 1
    assert "Unfollow" in client.get(f"/s/{shop.slug}/").content.decode()

    client.post(url, {"action": "unfollow"})
    client.post(url, {"action": "unfollow"})
    shop.refresh_from_db()
    assert shop.follower_count == 0


def test_two_shoppers_following_count_two(client_as, shop):
    for _ in range(2):
        client_as(UserFactory()).post(f"/s/{shop.slug}/follow/")

    shop.refresh_from_db()
    assert shop.follower_count == 2


def test_htmx_follow_gets_the_refreshed_button(client_as, shop):
    response = client_as(UserFactory()).post(
        f"/s/{shop.slug}/follow/", {"action": "follow"}, headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    assert page.startswith(f'<div class="follow-widget" id="follow-{shop.pk}">')
    assert "1 follower" in page
    assert 'name="action" value="unfollow"' in page


def test_following_needs_a_login_and_a_post(shop):
    response = Client().post(f"/s/{shop.slug}/follow/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not ShopFollow.objects.exists()


def test_following_by_get_is_refused(client_as, shop):
    assert client_as(UserFactory()).get(f"/s/{shop.slug}/follow/").status_code == 405


# --- Template tags --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, short", [(SellerKind.INDIVIDUAL, "C2C"), (SellerKind.WHOLESALER, "B2B")]
)
def test_the_badge_tag_shows_the_kind(kind, short):
    shop = ShopFactory(kind=kind)

    html = Template("{% load sellers_tags %}{% shop_badge shop %}").render(Context({"shop": shop}))

    assert f">{short}<" in html
    assert f"shop-kind-{kind}" in html


# --- Query counts ---------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_storefront_and_the_editor_do_not_query_per_block(client_as, merchant, shop):
    def carousel() -> None:
        block = add_block(shop=shop, by=merchant, kind=BlockKind.BANNER_CAROUSEL)
        out = BytesIO()
        Image.new("RGB", (60, 25), "teal").save(out, format="PNG")
        add_slide(block=block, by=merchant, image=SimpleUploadedFile("s.png", out.getvalue()))

    decorate(shop, merchant)
    carousel()
    publish_decoration(shop=shop, by=merchant)
    client = client_as(merchant)
    urls = [f"/s/{shop.slug}/", "/seller/shop/decoration/", "/seller/shop/preview/"]
    before = [count_queries(client, url) for url in urls]

    decorate(shop, merchant)
    carousel()
    carousel()
    publish_decoration(shop=shop, by=merchant)

    assert [count_queries(client, url) for url in urls] == before
