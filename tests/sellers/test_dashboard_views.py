"""The seller dashboard shell: who gets in, the home page's figures, shop settings and payout."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from marketplace.sellers.models import (
    ApplicationStatus,
    PenaltyKind,
    Shop,
    Violation,
)
from marketplace.sellers.services.members import invite_member
from marketplace.sellers.services.shops import follow_shop
from tests.accounts.factories import UserFactory, enable_two_factor

from .factories import MerchantApplicationFactory, RuleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

SETTINGS_URL = "/seller/shop/"
PAYOUT_URL = "/seller/shop/payout/"


@pytest.fixture
def shop(merchant) -> Shop:
    return Shop.objects.get(merchant__members__user=merchant)


def settings_post(shop: Shop, **changes) -> dict:
    data = {
        "name": shop.name,
        "theme_colour": shop.theme_colour,
        "introduction": shop.introduction,
        "announcement": shop.announcement,
        "service_hours": shop.service_hours,
        "ships_from": shop.ships_from,
    }
    return {**data, **changes}


# --- Who gets in ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/seller/", SETTINGS_URL, PAYOUT_URL, "/seller/members/", "/seller/shop/decoration/"]
)
def test_anonymous_visitors_are_sent_to_log_in(url):
    response = Client().get(url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_a_non_member_is_sent_to_apply(client_as, user):
    response = client_as(user).get("/seller/")

    assert response.status_code == 302
    assert response.url == "/seller/apply/"


def test_an_applicant_is_sent_to_apply_and_sees_the_state_of_the_application(client_as):
    application = MerchantApplicationFactory(status=ApplicationStatus.SUBMITTED)

    response = client_as(application.applicant).get("/seller/", follow=True)

    assert response.redirect_chain[0] == ("/seller/apply/", 302)
    assert response.status_code == 200
    assert application.get_status_display() in response.content.decode()


# --- Home -----------------------------------------------------------------------------------


def test_the_home_shows_the_shop_card_todays_followers_and_to_do_counts(
    client_as, merchant, shop, staff_user
):
    follow_shop(shop=shop, user=UserFactory())
    follow_shop(shop=shop, user=UserFactory())
    Violation.objects.create(
        shop=shop,
        rule=RuleFactory(points=6),
        points=6,
        description="Late",
        penalty=PenaltyKind.WARNING,
    )
    invite_member(merchant=shop.merchant, by=merchant, email="new@example.com", role="clerk")

    response = client_as(merchant).get("/seller/")

    assert response.status_code == 200
    page = response.content.decode()
    assert shop.name in page
    assert 'id="followers-today">2<' in page
    assert 'id="todo-violations">1<' in page
    assert 'id="todo-points">6<' in page
    assert 'id="todo-invitations">1<' in page
    assert "No ratings yet" in page
    assert 'href="/seller/violations/"' in page
    assert 'href="/seller/members/"' in page


def test_a_clerk_sees_the_home_without_the_owner_links(client_as, clerk):
    response = client_as(clerk).get("/seller/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/seller/shop/"' not in page
    assert 'href="/seller/members/"' not in page
    assert 'href="/seller/violations/"' in page
    assert 'href="/seller/qualifications/"' in page


def test_the_home_says_when_the_shop_is_suspended(client_as, merchant, shop):
    Shop.objects.filter(pk=shop.pk).update(status="suspended")

    page = client_as(merchant).get("/seller/").content.decode()

    assert "Your shop is suspended" in page


def test_each_member_sees_only_their_own_shop(client_as, merchant, other_merchant, shop):
    other_shop = Shop.objects.get(merchant__members__user=other_merchant)

    page = client_as(other_merchant).get("/seller/").content.decode()

    assert other_shop.name in page
    assert shop.name not in page


# --- Shop settings --------------------------------------------------------------------------


def test_the_owner_edits_the_shop_settings(client_as, merchant, shop):
    out = BytesIO()
    Image.new("RGB", (300, 300), "navy").save(out, format="PNG")
    logo = SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")

    response = client_as(merchant).post(
        SETTINGS_URL,
        settings_post(
            shop,
            name="Bright Harbour",
            theme_colour="#0b5cad",
            introduction="<p>Hi</p><script>x()</script>",
            logo=logo,
        ),
    )

    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.name, shop.theme_colour, shop.introduction) == (
        "Bright Harbour",
        "#0b5cad",
        "<p>Hi</p>",
    )
    assert shop.logo.name.startswith("shops/logos/")


def test_a_bad_picture_is_shown_as_a_form_error(client_as, merchant, shop):
    fake = SimpleUploadedFile("logo.png", b"<html></html>", content_type="image/png")

    response = client_as(merchant).post(SETTINGS_URL, settings_post(shop, logo=fake, name="X"))

    assert response.status_code == 200
    assert "Upload a JPEG, PNG or WebP picture." in response.content.decode()
    shop.refresh_from_db()
    assert shop.name != "X"


def test_a_manager_edits_the_shop_settings(client_as, manager, shop):
    response = client_as(manager).post(SETTINGS_URL, settings_post(shop, announcement="Sale!"))

    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.announcement == "Sale!"


def test_a_clerk_cannot_change_shop_settings(client_as, clerk, shop):
    client = client_as(clerk)

    assert client.get(SETTINGS_URL).status_code == 403
    response = client.post(SETTINGS_URL, settings_post(shop, name="Clerk's shop"))

    assert response.status_code == 403
    shop.refresh_from_db()
    assert shop.name != "Clerk's shop"


def test_another_merchant_edits_only_its_own_shop(client_as, other_merchant, shop):
    response = client_as(other_merchant).post(SETTINGS_URL, settings_post(shop, name="Mine now"))

    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.name != "Mine now"
    assert Shop.objects.get(merchant__members__user=other_merchant).name == "Mine now"


# --- Payout ---------------------------------------------------------------------------------


def test_the_owner_changes_the_payout_details(client_as, merchant, shop):
    enable_two_factor(merchant)
    response = client_as(merchant).post(
        PAYOUT_URL,
        {"account_name": "Shop Ltd", "bank_name": "Cathay", "account_number": "TW 0001"},
    )

    assert response.status_code == 302
    shop.merchant.refresh_from_db()
    assert (shop.merchant.payout_bank_name, shop.merchant.payout_account_number) == (
        "Cathay",
        "TW0001",
    )


@pytest.mark.parametrize("who", ["manager", "clerk"])
def test_only_the_owner_sees_or_changes_payout_details(client_as, who, shop, request):
    client = client_as(request.getfixturevalue(who))
    before = shop.merchant.payout_account_number

    assert client.get(PAYOUT_URL).status_code == 403
    response = client.post(
        PAYOUT_URL, {"account_name": "Me", "bank_name": "Mine", "account_number": "STOLEN"}
    )

    assert response.status_code == 403
    shop.merchant.refresh_from_db()
    assert shop.merchant.payout_account_number == before
    assert before not in client.get(SETTINGS_URL).content.decode()
