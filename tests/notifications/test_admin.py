import pytest

from .conftest import queued_messages
from .factories import NotificationFactory, OutboxMessageFactory

pytestmark = pytest.mark.django_db


def test_staff_see_pending_outbox_messages(client_as, staff_user):
    pending = OutboxMessageFactory(task_name="tests.notifications.record_run")
    done = OutboxMessageFactory(processed_at="2026-01-01T00:00:00Z")

    response = client_as(staff_user).get("/admin/notifications/outboxmessage/?status=pending")
    html = response.content.decode()

    assert response.status_code == 200
    assert f"/admin/notifications/outboxmessage/{pending.pk}/change/" in html
    assert f"/admin/notifications/outboxmessage/{done.pk}/change/" not in html


def test_send_again_publishes_the_selected_messages(client_as, staff_user, broker, private_queue):
    message = OutboxMessageFactory(queue=private_queue)

    response = client_as(staff_user).post(
        "/admin/notifications/outboxmessage/",
        {"action": "send_again", "_selected_action": [str(message.pk)]},
        follow=True,
    )

    assert "1 message sent again." in response.content.decode()
    message.refresh_from_db()
    assert message.publish_count == 1
    assert [args for _task, args in queued_messages(broker, private_queue)] == [[str(message.pk)]]


def test_staff_see_notifications(client_as, staff_user, user):
    notification = NotificationFactory(user=user)

    response = client_as(staff_user).get("/admin/notifications/notification/")

    assert response.status_code == 200
    assert (
        f"/admin/notifications/notification/{notification.pk}/change/" in response.content.decode()
    )
