"""Shops through their services: settings and pictures, payout details, status, following."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone
from PIL import Image

from marketplace.core.states import IllegalTransition, history_of
from marketplace.sellers import events
from marketplace.sellers.errors import ShopError
from marketplace.sellers.models import Shop, ShopFollow, ShopStatus
from marketplace.sellers.selectors.shops import is_shop_open, shop_for_slug_or_404
from marketplace.sellers.services.shops import (
    clean_rich_text,
    follow_shop,
    set_shop_status,
    unfollow_shop,
    update_payout_details,
    update_shop_settings,
)
from tests.accounts.factories import UserFactory, enable_two_factor

from .factories import jpeg_bytes, png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


@pytest.fixture
def shop(merchant) -> Shop:
    return Shop.objects.get(merchant__members__user=merchant)


def settings_for(shop: Shop, **changes):
    values = {
        "name": shop.name,
        "theme_colour": shop.theme_colour,
        "introduction": shop.introduction,
        "announcement": shop.announcement,
        "service_hours": shop.service_hours,
        "ships_from": shop.ships_from,
    }
    return {**values, **changes}


def picture(name="logo.png", *, size=(800, 600), fmt="PNG") -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


# --- Settings -------------------------------------------------------------------------------


def test_owner_changes_the_settings_and_the_web_address_stays(shop, merchant):
    slug = shop.slug

    update_shop_settings(
        shop=shop,
        by=merchant,
        **settings_for(
            shop,
            name="  Harbour   Lights ",
            theme_colour="#1A7F37",
            announcement="Closed on Sunday",
            service_hours="Mon-Fri 9-18",
            ships_from="Keelung",
        ),
    )

    shop.refresh_from_db()
    assert (shop.name, shop.slug, shop.theme_colour) == ("Harbour Lights", slug, "#1a7f37")
    assert (shop.announcement, shop.service_hours, shop.ships_from) == (
        "Closed on Sunday",
        "Mon-Fri 9-18",
        "Keelung",
    )


def test_a_manager_may_change_the_settings(shop, manager):
    update_shop_settings(shop=shop, by=manager, **settings_for(shop, announcement="Sale"))

    shop.refresh_from_db()
    assert shop.announcement == "Sale"


@pytest.mark.parametrize("who", ["clerk", "other_merchant"])
def test_a_clerk_or_another_merchant_cannot_change_the_settings(shop, who, request):
    user = request.getfixturevalue(who)

    with pytest.raises(ShopError) as raised:
        update_shop_settings(shop=shop, by=user, **settings_for(shop, name="Taken over"))

    assert raised.value.code == "not_shop_manager"
    shop.refresh_from_db()
    assert shop.name != "Taken over"


def test_the_introduction_keeps_basic_formatting_and_loses_scripts(shop, merchant):
    update_shop_settings(
        shop=shop,
        by=merchant,
        **settings_for(
            shop,
            introduction=(
                '<p onclick="steal()">Hello <strong>you</strong></p>'
                "<script>alert(1)</script><img src=x onerror=alert(2)>"
                '<a href="javascript:alert(3)">bad</a> <a href="https://example.com">good</a>'
            ),
        ),
    )

    shop.refresh_from_db()
    assert shop.introduction == (
        '<p>Hello <strong>you</strong></p><a rel="noopener noreferrer nofollow">bad</a> '
        '<a href="https://example.com" rel="noopener noreferrer nofollow">good</a>'
    )


def test_a_logo_is_re_encoded_scaled_and_stripped_of_metadata(shop, merchant):
    upload = SimpleUploadedFile("me.jpg", jpeg_bytes(exif_artist="Secret Person"))

    update_shop_settings(shop=shop, by=merchant, **settings_for(shop), logo=upload)

    shop.refresh_from_db()
    with shop.logo.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
    assert b"Secret Person" not in shop.logo.open("rb").read()

    update_shop_settings(
        shop=shop, by=merchant, **settings_for(shop), logo=picture(size=(2000, 1000))
    )
    shop.refresh_from_db()
    with Image.open(shop.logo.open("rb")) as image:
        assert image.size == (512, 256)


def test_a_renamed_html_file_is_refused_as_a_picture_and_nothing_changes(shop, merchant):
    fake = SimpleUploadedFile("logo.png", b"<html><script>alert(1)</script></html>")

    with pytest.raises(ShopError) as raised:
        update_shop_settings(shop=shop, by=merchant, **settings_for(shop, name="New"), logo=fake)

    assert raised.value.code == "image_type"
    shop.refresh_from_db()
    assert not shop.logo and shop.name != "New"


def test_a_picture_over_the_size_limit_is_refused(shop, merchant, settings):
    settings.SHOP_IMAGE_MAX_UPLOAD_BYTES = 1000
    upload = SimpleUploadedFile("big.png", png_bytes(size=(400, 400)) + b"\0" * 2000)

    with pytest.raises(ShopError) as raised:
        update_shop_settings(shop=shop, by=merchant, **settings_for(shop), banner=upload)

    assert raised.value.code == "image_too_large"


def test_replacing_a_banner_deletes_the_old_file(
    shop, merchant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        update_shop_settings(shop=shop, by=merchant, **settings_for(shop), banner=picture())
    shop.refresh_from_db()
    old = shop.banner.name

    with django_capture_on_commit_callbacks(execute=True):
        update_shop_settings(
            shop=shop, by=merchant, **settings_for(shop), banner=picture(fmt="WEBP")
        )

    shop.refresh_from_db()
    assert shop.banner.name.endswith(".webp")
    assert not shop.banner.storage.exists(old)


def test_an_invalid_theme_colour_is_refused(shop, merchant):
    with pytest.raises(ShopError):
        update_shop_settings(
            shop=shop, by=merchant, **settings_for(shop, theme_colour="red;background:url(x)")
        )


def test_clean_rich_text_drops_style_and_event_handlers():
    assert clean_rich_text(html='<h2 style="x">Hi</h2><style>p{}</style>') == "<h2>Hi</h2>"


# --- Payout ---------------------------------------------------------------------------------


def test_only_the_owner_changes_the_payout_details(shop, merchant, manager):
    merchant_row = shop.merchant
    before = merchant_row.payout_account_number

    with pytest.raises(ShopError):
        update_payout_details(
            merchant=merchant_row,
            by=manager,
            account_name="Thief",
            bank_name="Elsewhere",
            account_number="X1",
        )
    merchant_row.refresh_from_db()
    assert merchant_row.payout_account_number == before

    enable_two_factor(merchant)
    update_payout_details(
        merchant=merchant_row,
        by=merchant,
        account_name="Shop Ltd",
        bank_name="Bank of Taiwan",
        account_number="tw12 3456 7890",
    )
    merchant_row.refresh_from_db()
    assert merchant_row.payout_account_number == "TW1234567890"


# --- Status ---------------------------------------------------------------------------------


def test_suspending_records_history_and_sends_the_event_on_commit(
    shop, staff_user, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    events.shop_status_changed.connect(listener)
    until = timezone.now() + timedelta(days=3)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            set_shop_status(
                shop=shop, status=ShopStatus.SUSPENDED, until=until, by=staff_user, reason="R-1"
            )
    finally:
        events.shop_status_changed.disconnect(listener)

    shop.refresh_from_db()
    assert (shop.status, shop.suspended_until) == (ShopStatus.SUSPENDED, until)
    assert not is_shop_open(shop=shop)
    assert [(c.from_status, c.to_status, c.by, c.reason) for c in history_of(shop)] == [
        ("open", "suspended", staff_user, "R-1")
    ]
    assert [(r["shop_id"], r["status"]) for r in received] == [(shop.pk, "suspended")]


@pytest.mark.parametrize(
    "start, to, allowed",
    [
        (ShopStatus.OPEN, ShopStatus.SUSPENDED, True),
        (ShopStatus.OPEN, ShopStatus.CLOSED, True),
        (ShopStatus.SUSPENDED, ShopStatus.OPEN, True),
        (ShopStatus.SUSPENDED, ShopStatus.SUSPENDED, True),
        (ShopStatus.SUSPENDED, ShopStatus.CLOSED, True),
        (ShopStatus.CLOSED, ShopStatus.OPEN, True),
        (ShopStatus.CLOSED, ShopStatus.SUSPENDED, False),
    ],
)
def test_the_shop_status_table(shop, start, to, allowed):
    Shop.objects.filter(pk=shop.pk).update(
        status=start, suspended_until=timezone.now() if start == ShopStatus.SUSPENDED else None
    )
    shop.refresh_from_db()
    until = timezone.now() + timedelta(days=2) if to == ShopStatus.SUSPENDED else None

    if allowed:
        set_shop_status(shop=shop, status=to, until=until)
        shop.refresh_from_db()
        assert (shop.status, shop.suspended_until) == (to, until)
    else:
        with pytest.raises(IllegalTransition):
            set_shop_status(shop=shop, status=to, until=until)
        shop.refresh_from_db()
        assert shop.status == start


def test_a_suspension_that_ran_out_counts_as_open_before_the_job_reopens_it(shop):
    set_shop_status(shop=shop, status=ShopStatus.SUSPENDED, until=timezone.now() + timedelta(1))

    assert not is_shop_open(shop=shop)
    assert is_shop_open(shop=shop, now=timezone.now() + timedelta(days=2))


def test_setting_the_same_status_again_changes_nothing(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        set_shop_status(shop=shop, status=ShopStatus.OPEN)

    assert callbacks == []
    assert not history_of(shop).exists()


def test_a_closed_shop_cannot_be_suspended_and_only_staff_change_status(shop, merchant):
    set_shop_status(shop=shop, status=ShopStatus.CLOSED)

    with pytest.raises(IllegalTransition):
        set_shop_status(shop=shop, status=ShopStatus.SUSPENDED)

    with pytest.raises(ShopError):
        set_shop_status(shop=shop, status=ShopStatus.OPEN, by=merchant)
    shop.refresh_from_db()
    assert shop.status == ShopStatus.CLOSED


def test_a_shop_is_found_by_its_address_and_an_unknown_address_is_404(shop):
    assert shop_for_slug_or_404(slug=shop.slug) == shop
    with pytest.raises(Http404):
        shop_for_slug_or_404(slug="no-such-shop")


# --- Following ------------------------------------------------------------------------------


def test_following_twice_counts_once_and_unfollowing_twice_too(shop):
    shopper = UserFactory()

    assert follow_shop(shop=shop, user=shopper) is True
    assert follow_shop(shop=shop, user=shopper) is False
    assert shop.follower_count == 1
    assert ShopFollow.objects.filter(shop=shop).count() == 1

    assert unfollow_shop(shop=shop, user=shopper) is True
    assert unfollow_shop(shop=shop, user=shopper) is False
    shop.refresh_from_db()
    assert shop.follower_count == 0
