"""The site header leads merchants to their dashboard and everyone else to the application."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def account_menu(html: str) -> str:
    start = html.index('<details class="menu">', html.index('aria-label="Account"'))
    return html[start : html.index("</details>", start)]


def test_a_merchant_member_finds_the_seller_dashboard_in_the_account_menu(client_as, clerk):
    menu = account_menu(client_as(clerk).get("/").content.decode())

    assert f'href="{reverse("sellers:dashboard")}"' in menu
    assert f'href="{reverse("sellers:apply")}"' not in menu


def test_a_shopper_is_offered_to_sell_instead(client_as, user):
    menu = account_menu(client_as(user).get("/").content.decode())

    assert f'href="{reverse("sellers:apply")}"' in menu
    assert f'href="{reverse("sellers:dashboard")}"' not in menu


def test_the_footer_links_the_seller_pages_for_visitors(client):
    html = client.get("/").content.decode()
    footer = html[html.index("<footer") :]

    for name in ("sellers:apply", "sellers:dashboard", "storefront:rules"):
        assert f'href="{reverse(name)}"' in footer
