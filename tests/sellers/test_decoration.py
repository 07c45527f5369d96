"""The decoration editor: draft blocks added, edited, moved and deleted (with and without htmx),
slides, the preview, and publishing that copies the draft to what shoppers see."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.sellers.errors import ShopError
from marketplace.sellers.models import BlockKind, Shop, ShopBlock, ShopBlockImage
from marketplace.sellers.services.decoration import (
    add_block,
    add_slide,
    delete_slide,
    publish_decoration,
    update_block,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

EDITOR = "/seller/shop/decoration/"


@pytest.fixture
def shop(merchant) -> Shop:
    return Shop.objects.get(merchant__members__user=merchant)


@pytest.fixture
def other_shop(other_merchant) -> Shop:
    return Shop.objects.get(merchant__members__user=other_merchant)


def slide_file(name="slide.png") -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (600, 250), "teal").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def draft_kinds(shop: Shop) -> list[str]:
    return list(
        ShopBlock.objects.filter(shop=shop, is_published=False)
        .order_by("position")
        .values_list("kind", flat=True)
    )


def text_block(shop, by, html="<p>Hello</p>", title="Welcome") -> ShopBlock:
    block = add_block(shop=shop, by=by, kind=BlockKind.RICH_TEXT)
    return update_block(block=block, by=by, title=title, settings={"html": html})


# --- Editing the draft ----------------------------------------------------------------------


def test_blocks_are_added_at_the_end_of_the_draft(client_as, merchant, shop):
    client = client_as(merchant)

    client.post(f"{EDITOR}add/", {"kind": "banner_carousel"})
    client.post(f"{EDITOR}add/", {"kind": "rich_text"})

    assert draft_kinds(shop) == ["banner_carousel", "rich_text"]
    assert not ShopBlock.objects.filter(is_published=True).exists()


def test_htmx_gets_the_refreshed_block_list_instead_of_a_redirect(client_as, merchant, shop):
    response = client_as(merchant).post(
        f"{EDITOR}add/", {"kind": "category_tabs"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith('<div id="decoration-blocks"')
    assert "Category tabs" in page
    assert "Unpublished changes" in page


def test_blocks_move_up_and_down(client_as, merchant, shop):
    first = add_block(shop=shop, by=merchant, kind=BlockKind.BANNER_CAROUSEL)
    add_block(shop=shop, by=merchant, kind=BlockKind.RICH_TEXT)
    last = add_block(shop=shop, by=merchant, kind=BlockKind.COUPON_STRIP)
    client = client_as(merchant)

    client.post(f"{EDITOR}{last.pk}/move/", {"direction": "up"})
    assert draft_kinds(shop) == ["banner_carousel", "coupon_strip", "rich_text"]

    client.post(f"{EDITOR}{first.pk}/move/", {"direction": "down"}, headers={"HX-Request": "true"})
    assert draft_kinds(shop) == ["coupon_strip", "banner_carousel", "rich_text"]

    client.post(f"{EDITOR}{last.pk}/move/", {"direction": "up"})  # already first: no change
    assert draft_kinds(shop) == ["coupon_strip", "banner_carousel", "rich_text"]


def test_deleting_a_block_closes_the_gap(client_as, merchant, shop):
    add_block(shop=shop, by=merchant, kind=BlockKind.BANNER_CAROUSEL)
    middle = add_block(shop=shop, by=merchant, kind=BlockKind.RICH_TEXT)
    add_block(shop=shop, by=merchant, kind=BlockKind.COUPON_STRIP)

    client_as(merchant).post(f"{EDITOR}{middle.pk}/delete/")

    assert list(
        ShopBlock.objects.filter(shop=shop).order_by("position").values_list("kind", "position")
    ) == [("banner_carousel", 0), ("coupon_strip", 1)]


def test_editing_a_block_saves_its_settings(client_as, merchant, shop):
    tabs = add_block(shop=shop, by=merchant, kind=BlockKind.CATEGORY_TABS)
    featured = add_block(shop=shop, by=merchant, kind=BlockKind.FEATURED_PRODUCTS)
    client = client_as(merchant)

    client.post(f"{EDITOR}{tabs.pk}/", {"title": "Browse", "tabs": "Shoes\n\n Bags \nshoes\n"})
    client.post(f"{EDITOR}{featured.pk}/", {"title": "Best", "product_ids": "12, 7\uff0c12"})

    tabs.refresh_from_db()
    featured.refresh_from_db()
    assert (tabs.title, tabs.config) == ("Browse", {"tabs": ["Shoes", "Bags"]})
    assert featured.config == {"product_ids": [12, 7]}


def test_rich_text_is_sanitised(client_as, merchant, shop):
    block = add_block(shop=shop, by=merchant, kind=BlockKind.RICH_TEXT)

    client_as(merchant).post(
        f"{EDITOR}{block.pk}/",
        {"title": "", "html": '<p>Hi <em>there</em></p><script>alert("x")</script>'},
    )

    block.refresh_from_db()
    assert block.config == {"html": "<p>Hi <em>there</em></p>"}


def test_product_numbers_must_be_numbers(merchant, shop):
    block = add_block(shop=shop, by=merchant, kind=BlockKind.FEATURED_PRODUCTS)

    with pytest.raises(ShopError):
        update_block(block=block, by=merchant, title="", settings={"product_ids": ["abc"]})


def test_carousel_slides_are_uploaded_and_deleted(
    client_as, merchant, shop, django_capture_on_commit_callbacks
):
    block = add_block(shop=shop, by=merchant, kind=BlockKind.BANNER_CAROUSEL)
    client = client_as(merchant)

    response = client.post(
        f"{EDITOR}{block.pk}/slides/",
        {"image": slide_file(), "alt_text": "Summer sale", "link": "/s/whatever/"},
    )

    assert response.status_code == 302
    slide = ShopBlockImage.objects.get()
    assert (slide.alt_text, slide.link) == ("Summer sale", "/s/whatever/")
    storage, name = slide.image.storage, slide.image.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{EDITOR}{block.pk}/slides/{slide.pk}/delete/")

    assert not ShopBlockImage.objects.exists()
    assert not storage.exists(name)


def test_a_slide_link_cannot_be_javascript(merchant, shop):
    block = add_block(shop=shop, by=merchant, kind=BlockKind.BANNER_CAROUSEL)

    with pytest.raises(ShopError) as raised:
        add_slide(block=block, by=merchant, image=slide_file(), link="javascript:alert(1)")

    assert raised.value.code == "link"


# --- Who may decorate -----------------------------------------------------------------------


def test_a_clerk_cannot_decorate(client_as, clerk, merchant, shop):
    block = add_block(shop=shop, by=merchant, kind=BlockKind.RICH_TEXT)
    client = client_as(clerk)

    assert client.get(EDITOR).status_code == 403
    assert client.post(f"{EDITOR}add/", {"kind": "rich_text"}).status_code == 403
    assert client.post(f"{EDITOR}{block.pk}/delete/").status_code == 403
    assert client.post(f"{EDITOR}publish/").status_code == 403
    assert ShopBlock.objects.filter(shop=shop).count() == 1


def test_a_manager_decorates(client_as, manager, shop):
    assert client_as(manager).post(f"{EDITOR}add/", {"kind": "rich_text"}).status_code == 302
    assert draft_kinds(shop) == ["rich_text"]


@pytest.mark.parametrize(
    "action, data",
    [
        ("", {"title": "Hacked", "html": "<p>pwned</p>"}),
        ("move/", {"direction": "down"}),
        ("delete/", {}),
        ("slides/", {"alt_text": "x"}),
    ],
)
def test_another_shops_block_is_404_and_unchanged(
    client_as, merchant, other_merchant, shop, action, data
):
    mine = text_block(shop, merchant)
    add_block(shop=shop, by=merchant, kind=BlockKind.COUPON_STRIP)

    response = client_as(other_merchant).post(f"{EDITOR}{mine.pk}/{action}", data)

    assert response.status_code == 404
    mine.refresh_from_db()
    assert (mine.title, mine.position, mine.config) == ("Welcome", 0, {"html": "<p>Hello</p>"})
    assert client_as(other_merchant).get(f"{EDITOR}{mine.pk}/").status_code == 404


def test_another_shops_slide_is_404_and_kept(client_as, merchant, other_merchant, shop):
    block = add_block(shop=shop, by=merchant, kind=BlockKind.BANNER_CAROUSEL)
    slide = add_slide(block=block, by=merchant, image=slide_file(), alt_text="Mine")
    theirs = add_block(
        shop=Shop.objects.get(merchant__members__user=other_merchant),
        by=other_merchant,
        kind=BlockKind.BANNER_CAROUSEL,
    )

    response = client_as(other_merchant).post(f"{EDITOR}{theirs.pk}/slides/{slide.pk}/delete/")

    assert response.status_code == 404
    assert ShopBlockImage.objects.filter(pk=slide.pk).exists()


def test_published_blocks_cannot_be_edited(client_as, merchant, shop):
    text_block(shop, merchant)
    publish_decoration(shop=shop, by=merchant)
    published = ShopBlock.objects.get(shop=shop, is_published=True)

    response = client_as(merchant).post(f"{EDITOR}{published.pk}/delete/")

    assert response.status_code == 404
    assert ShopBlock.objects.filter(pk=published.pk).exists()


# --- Preview and publishing -----------------------------------------------------------------


def test_the_draft_is_not_on_the_storefront_until_published(client_as, merchant, shop):
    text_block(shop, merchant, html="<p>Brand new look</p>")
    storefront = f"/s/{shop.slug}/"

    assert "Brand new look" not in client_as(merchant).get(storefront).content.decode()

    preview = client_as(merchant).get("/seller/shop/preview/").content.decode()
    assert "Brand new look" in preview
    assert 'id="preview-banner"' in preview

    response = client_as(merchant).post(f"{EDITOR}publish/")

    assert response.status_code == 302
    page = client_as(merchant).get(storefront).content.decode()
    assert "Brand new look" in page
    assert 'id="preview-banner"' not in page
    shop.refresh_from_db()
    assert shop.published_at is not None


def test_publishing_replaces_the_published_set_with_a_copy_of_the_draft(
    merchant, shop, django_capture_on_commit_callbacks
):
    carousel = add_block(shop=shop, by=merchant, kind=BlockKind.BANNER_CAROUSEL)
    add_slide(block=carousel, by=merchant, image=slide_file(), alt_text="One", link="/a/")
    text_block(shop, merchant, html="<p>Old</p>")
    publish_decoration(shop=shop, by=merchant)

    draft_text = ShopBlock.objects.get(shop=shop, is_published=False, kind=BlockKind.RICH_TEXT)
    update_block(block=draft_text, by=merchant, title="New", settings={"html": "<p>New</p>"})
    draft_slide = ShopBlockImage.objects.get(block=carousel)
    with django_capture_on_commit_callbacks(execute=True):
        delete_slide(slide=draft_slide, by=merchant)
    published_slide = ShopBlockImage.objects.get(block__is_published=True)
    assert published_slide.image.storage.exists(published_slide.image.name)  # still shown

    with django_capture_on_commit_callbacks(execute=True):
        publish_decoration(shop=shop, by=merchant)

    published = ShopBlock.objects.filter(shop=shop, is_published=True).order_by("position")
    assert [(b.kind, b.title, b.config) for b in published] == [
        ("banner_carousel", "", {}),
        ("rich_text", "New", {"html": "<p>New</p>"}),
    ]
    assert not ShopBlockImage.objects.exists()
    assert not published_slide.image.storage.exists(published_slide.image.name)
    assert ShopBlock.objects.filter(shop=shop, is_published=False).count() == 2


def test_published_slides_are_copies_that_share_the_picture(merchant, shop):
    carousel = add_block(shop=shop, by=merchant, kind=BlockKind.BANNER_CAROUSEL)
    add_slide(block=carousel, by=merchant, image=slide_file(), alt_text="One", link="/a/")

    publish_decoration(shop=shop, by=merchant)

    draft, published = ShopBlockImage.objects.order_by("block__is_published")
    assert draft.pk != published.pk and published.block.is_published
    assert (published.image.name, published.alt_text, published.link) == (
        draft.image.name,
        "One",
        "/a/",
    )


def test_the_editor_page_lists_the_draft_blocks(client_as, merchant, shop):
    text_block(shop, merchant, title="Our story")

    page = client_as(merchant).get(EDITOR).content.decode()

    assert "Rich text: Our story" in page
    assert f'action="{EDITOR}add/"' in page
