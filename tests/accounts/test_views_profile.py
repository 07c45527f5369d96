import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_profile_page_shows_the_form_and_the_account_menu(client_as, user):
    response = client_as(user).get("/account/")
    html = response.content.decode()

    assert response.status_code == 200
    assert 'name="display_name"' in html
    assert 'name="language"' in html
    assert 'name="currency"' in html
    assert '<a href="/account/" aria-current="page">' in html
    assert 'href="/account/addresses/"' in html
    assert 'href="/accounts/2fa/"' in html


def test_profile_page_needs_a_login(client):
    response = client.get("/account/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/account/")


def test_saving_the_profile_stores_it_and_switches_the_language_cookie(client_as, user):
    client = client_as(user)

    response = client.post(
        "/account/", {"display_name": "小明", "language": "zh-hant", "currency": "TWD"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/account/"
    user.refresh_from_db()
    assert (user.display_name, user.language, user.currency) == ("小明", "zh-hant", "TWD")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"
    assert client.get("/account/").headers["Content-Language"] == "zh-hant"


def test_a_currency_outside_the_list_is_refused_and_nothing_changes(client_as, user):
    name_before = user.display_name

    response = client_as(user).post(
        "/account/", {"display_name": "New name", "language": "en", "currency": "XYZ"}
    )

    assert response.status_code == 200
    assert "XYZ is not one of the available choices" in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    user.refresh_from_db()
    assert (user.display_name, user.currency) == (name_before, "")
