import pytest


@pytest.mark.django_db
def test_home_page_has_the_site_layout(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()

    assert response.status_code == 200
    assert 'role="search"' in html
    assert 'href="/accounts/login/' in html
    assert 'name="language"' in html
    assert "htmx-2.0.11.min.js" in html


@pytest.mark.django_db
def test_search_page_echoes_the_query_escaped(client):
    response = client.get("/search/", {"q": "<script>手機殼"})

    assert response.status_code == 200
    assert "&lt;script&gt;手機殼" in response.content.decode()
    assert "<script>手機殼" not in response.content.decode()


@pytest.mark.django_db
def test_logged_in_header_shows_the_account_menu(client_as, user):
    html = client_as(user).get("/").content.decode()

    assert user.get_short_name() in html
    assert 'action="/accounts/logout/"' in html
    assert "/admin/" not in html


@pytest.mark.django_db
def test_staff_see_the_admin_link(client_as, staff_user):
    assert 'href="/admin/"' in client_as(staff_user).get("/").content.decode()
