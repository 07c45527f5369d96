"""allauth's pages wear the site's layout: entrance pages a centred card, account pages the
side menu."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_entrance_pages_are_a_card_inside_the_site_layout(client, url):
    response = client.get(url)
    html = response.content.decode()

    assert response.status_code == 200
    assert 'role="search"' in html  # the site header from base.html
    assert 'class="site-footer"' in html
    assert '<div class="entrance-card card">' in html
    assert 'class="side-nav"' not in html
    assert "· Marketplace</title>" in html


@pytest.mark.parametrize(
    ("url", "current"),
    [
        ("/accounts/email/", "/accounts/email/"),
        ("/accounts/password/change/", "/accounts/password/change/"),
        ("/accounts/2fa/", "/accounts/2fa/"),
    ],
)
def test_account_pages_show_the_side_menu_with_the_current_section(client_as, user, url, current):
    response = client_as(user).get(url)
    html = response.content.decode()

    assert response.status_code == 200
    assert 'role="search"' in html
    assert 'class="side-nav"' in html
    assert f'<a href="{current}" aria-current="page">' in html
    assert html.count('aria-current="page"') == 1


def test_allauth_buttons_use_the_site_button_styles(client):
    html = client.get("/accounts/login/").content.decode()

    assert 'class="btn btn-primary"' in html


def test_the_reauthentication_page_is_an_entrance_card(client_as, user):
    response = client_as(user).get("/accounts/reauthenticate/")
    html = response.content.decode()

    assert response.status_code == 200
    assert '<div class="entrance-card card">' in html
    assert 'name="password"' in html


def test_allauth_form_labels_read_without_a_trailing_colon(client):
    html = client.get("/accounts/signup/").content.decode()

    assert '<label for="id_password1">Password</label>' in html
    assert "Password:" not in html
