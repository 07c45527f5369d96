import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_an_anonymous_visitor_gets_the_language_cookie(client):
    response = client.post("/account/language/", {"language": "zh-hant", "next": "/search/"})

    assert response.status_code == 302
    assert response["Location"] == "/search/"
    assert response.cookies[COOKIE].value == "zh-hant"


def test_the_cookie_language_is_used_on_the_next_page(client):
    client.post("/account/language/", {"language": "zh-hans", "next": "/"})

    response = client.get("/")

    assert response.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_a_logged_in_users_choice_is_saved_on_the_account(client_as, user):
    response = client_as(user).post("/account/language/", {"language": "zh-hant", "next": "/"})

    assert response.cookies[COOKIE].value == "zh-hant"
    user.refresh_from_db()
    assert user.language == "zh-hant"


def test_the_saved_language_follows_the_user_to_a_fresh_browser(client_as, user):
    client_as(user).post("/account/language/", {"language": "zh-hant", "next": "/"})

    fresh_browser = client_as(user)  # no language cookie, and the browser asks for English
    response = fresh_browser.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.headers["Content-Language"] == "zh-hant"
    assert '<html lang="zh-hant">' in response.content.decode()


def test_an_unsafe_next_address_is_not_followed(client):
    response = client.post(
        "/account/language/", {"language": "zh-hant", "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[COOKIE].value == "zh-hant"


def test_without_next_the_visitor_goes_back_to_the_referring_page(client):
    response = client.post(
        "/account/language/", {"language": "en"}, HTTP_REFERER="http://testserver/search/?q=tea"
    )

    assert response["Location"] == "http://testserver/search/?q=tea"


def test_an_unknown_language_changes_nothing(client_as, user):
    response = client_as(user).post("/account/language/", {"language": "xx", "next": "/search/"})

    assert response.status_code == 302
    assert response["Location"] == "/search/"
    assert COOKIE not in response.cookies
    user.refresh_from_db()
    assert user.language == ""


def test_switching_the_language_needs_a_post(client):
    assert client.get("/account/language/", {"language": "zh-hant"}).status_code == 405
