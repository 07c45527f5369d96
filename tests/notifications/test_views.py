import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.notifications.models import Notification

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


def unread_badge(html: str) -> str | None:
    match = re.search(r'id="unread-count"[^>]*>(\d+)<', html)
    return match.group(1) if match else None


def test_inbox_lists_the_users_messages_with_unread_ones_highlighted(client_as, user, other_user):
    unread = NotificationFactory(user=user, context={"title": "Shipped", "text": "On its way."})
    read = NotificationFactory(user=user, read_at="2026-01-01T00:00:00Z")
    theirs = NotificationFactory(user=other_user, context={"title": "Secret", "text": "Not yours."})

    response = client_as(user).get("/notifications/")
    html = response.content.decode()

    assert response.status_code == 200
    assert f'id="notification-{unread.pk}" class="is-unread"' in html
    assert f'id="notification-{read.pk}">' in html
    assert "<strong>Test message: Shipped</strong>" in html
    assert "On its way." in html
    assert f"/notifications/{theirs.pk}/" not in html
    assert "Secret" not in html
    assert unread_badge(html) == "1"


def test_header_badge_counts_unread_messages_on_every_page(client_as, user):
    NotificationFactory.create_batch(3, user=user)

    html = client_as(user).get("/").content.decode()

    assert unread_badge(html) == "3"


def test_header_has_no_badge_when_everything_is_read(client_as, user):
    NotificationFactory(user=user, read_at="2026-01-01T00:00:00Z")

    assert unread_badge(client_as(user).get("/").content.decode()) is None


def test_unread_filter_shows_only_unread_messages(client_as, user):
    unread = NotificationFactory(user=user)
    read = NotificationFactory(user=user, read_at="2026-01-01T00:00:00Z")

    html = client_as(user).get("/notifications/?show=unread").content.decode()

    assert f'id="notification-{unread.pk}"' in html
    assert f'id="notification-{read.pk}"' not in html


def test_an_empty_inbox_says_so(client_as, user):
    html = client_as(user).get("/notifications/").content.decode()

    assert 'class="empty-state"' in html
    assert "Mark all as read" not in html


def test_inbox_is_paginated_newest_first(client_as, user):
    notifications = NotificationFactory.create_batch(25, user=user)

    client = client_as(user)
    first = client.get("/notifications/").content.decode()
    second = client.get("/notifications/?page=2").content.decode()

    assert first.count('id="notification-') == 20
    assert second.count('id="notification-') == 5
    assert f'id="notification-{notifications[-1].pk}"' in first
    assert f'id="notification-{notifications[0].pk}"' in second


def test_inbox_query_count_does_not_grow_with_messages(client_as, user):
    client = client_as(user)
    NotificationFactory.create_batch(2, user=user)
    client.get("/notifications/")  # warm up the session
    with CaptureQueriesContext(connection) as few:
        client.get("/notifications/")
    NotificationFactory.create_batch(18, user=user)
    with CaptureQueriesContext(connection) as many:
        client.get("/notifications/")

    assert len(many) == len(few)


def test_inbox_requires_login(client):
    response = client.get("/notifications/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_opening_a_message_marks_it_read_and_follows_its_link(client_as, user):
    notification = NotificationFactory(user=user, url="/orders/42/")

    response = client_as(user).get(f"/notifications/{notification.pk}/")

    assert response.status_code == 302
    assert response["Location"] == "/orders/42/"
    notification.refresh_from_db()
    assert notification.is_read


def test_opening_a_message_without_a_link_shows_it(client_as, user):
    notification = NotificationFactory(user=user, context={"title": "Hi", "text": "Line one."})

    response = client_as(user).get(f"/notifications/{notification.pk}/")

    assert response.status_code == 200
    assert "<h1>Test message: Hi</h1>" in response.content.decode()
    assert "Line one." in response.content.decode()
    notification.refresh_from_db()
    assert notification.is_read


def test_a_message_linking_off_site_is_shown_instead_of_followed(client_as, user):
    notification = NotificationFactory(user=user, url="https://evil.example/")

    response = client_as(user).get(f"/notifications/{notification.pk}/")

    assert response.status_code == 200


def test_another_users_message_cannot_be_opened(client_as, user, other_user):
    notification = NotificationFactory(user=user)

    response = client_as(other_user).get(f"/notifications/{notification.pk}/")

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_read_without_javascript_goes_back_to_the_inbox(client_as, user):
    notification = NotificationFactory(user=user)

    response = client_as(user).post(
        f"/notifications/{notification.pk}/read/", {"next": "/notifications/?show=unread"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/notifications/?show=unread"
    notification.refresh_from_db()
    assert notification.is_read


def test_mark_read_ignores_an_off_site_next(client_as, user):
    notification = NotificationFactory(user=user)

    response = client_as(user).post(
        f"/notifications/{notification.pk}/read/", {"next": "https://evil.example/"}
    )

    assert response["Location"] == "/notifications/"


def test_mark_read_with_htmx_swaps_the_row_and_updates_the_badge(client_as, user):
    notification, _still_unread = NotificationFactory.create_batch(2, user=user)

    response = client_as(user).post(
        f"/notifications/{notification.pk}/read/", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert f'<tr id="notification-{notification.pk}">' in html
    assert "Mark as read" not in html
    assert 'id="unread-count" hx-swap-oob="true">1<' in html
    assert "<html" not in html


def test_mark_read_of_the_last_unread_message_removes_the_badge(client_as, user):
    notification = NotificationFactory(user=user)

    html = (
        client_as(user)
        .post(f"/notifications/{notification.pk}/read/", HTTP_HX_REQUEST="true")
        .content.decode()
    )

    assert '<span id="unread-count" hx-swap-oob="delete"></span>' in html


def test_another_user_cannot_mark_a_message_read(client_as, user, other_user):
    notification = NotificationFactory(user=user)

    response = client_as(other_user).post(f"/notifications/{notification.pk}/read/")

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_clears_the_badge_and_leaves_others_alone(client_as, user, other_user):
    NotificationFactory.create_batch(3, user=user)
    theirs = NotificationFactory(user=other_user)

    response = client_as(user).post("/notifications/read-all/", follow=True)
    html = response.content.decode()

    assert response.redirect_chain == [("/notifications/", 302)]
    assert "3 messages marked as read." in html
    assert unread_badge(html) is None
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_changing_read_state_needs_a_post(client_as, user):
    notification = NotificationFactory(user=user)
    client = client_as(user)

    assert client.get("/notifications/read-all/").status_code == 405
    assert client.get(f"/notifications/{notification.pk}/read/").status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None
