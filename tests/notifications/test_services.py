import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import translation

from marketplace.notifications import outbox, tasks
from marketplace.notifications.errors import NotificationError
from marketplace.notifications.models import Notification, OutboxMessage
from marketplace.notifications.rendering import render_notification
from marketplace.notifications.services import (
    mark_all_read,
    mark_read,
    notify,
    send_notification_email,
)
from tests.accounts.factories import UserFactory

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

TEST_CONTEXT = {"title": "Parcel <1>", "text": "Your parcel & box left the warehouse."}


def test_notify_creates_the_notification_and_queues_its_email_through_the_outbox(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        notification = notify(user=user, kind="test_message", context=TEST_CONTEXT, url="/orders/")

    assert notification.user == user
    assert notification.context == TEST_CONTEXT
    assert notification.url == "/orders/"
    assert notification.read_at is None
    message = OutboxMessage.objects.get()
    assert message.task_name == "marketplace.notifications.tasks.send_notification_email"
    assert message.kwargs == {"notification_id": notification.pk}
    assert message.queue == "notifications"
    assert len(callbacks) == 1
    assert mail.outbox == []  # nothing is sent inside the request


def test_notify_without_email_queues_nothing(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notification = notify(
            user=user, kind="test_message", context=TEST_CONTEXT, send_email=False
        )

    assert notification.send_email is False
    assert callbacks == []
    assert not OutboxMessage.objects.exists()


def test_notify_refuses_a_kind_without_templates(user):
    with pytest.raises(ValueError, match="no_such_kind"):
        notify(user=user, kind="no_such_kind")
    with pytest.raises(ValueError):
        notify(user=user, kind="../base")

    assert not Notification.objects.exists()


def test_the_email_is_sent_once_in_the_users_language_even_when_the_task_runs_twice(
    django_capture_on_commit_callbacks,
):
    reader = UserFactory(language="zh-hant")
    with django_capture_on_commit_callbacks():
        notification = notify(user=reader, kind="test_message", context=TEST_CONTEXT)
    message = OutboxMessage.objects.get()

    assert outbox.process_message(message_id=message.pk) is True
    tasks.send_notification_email(notification_id=notification.pk)  # a duplicate delivery

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [reader.email]
    assert email.subject == "測試訊息：Parcel <1>"
    assert email.body == "Your parcel & box left the warehouse.\n\n撰寫語言：zh-hant"
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "<p>Your parcel &amp; box left the warehouse.</p>" in html
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_the_email_falls_back_to_the_site_language_whatever_language_is_active(user):
    notification = NotificationFactory(user=user, send_email=True)
    assert user.language == ""

    with translation.override("zh-hans"):
        assert send_notification_email(notification_id=notification.pk) is True

    assert mail.outbox[0].body.endswith("Written in: en")


def test_an_email_refused_by_the_mail_server_is_left_for_a_retry(user):
    notification = NotificationFactory(user=user, send_email=True)
    smtp_down = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": 1,
        "EMAIL_TIMEOUT": 2,
    }

    with override_settings(**smtp_down), pytest.raises(OSError):
        send_notification_email(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert send_notification_email(notification_id=notification.pk) is True
    assert len(mail.outbox) == 1


def test_no_email_for_a_notification_that_asked_for_none_or_is_gone(user):
    quiet = NotificationFactory(user=user, send_email=False)

    assert send_notification_email(notification_id=quiet.pk) is False
    assert send_notification_email(notification_id=quiet.pk + 1000) is False
    assert mail.outbox == []


def test_a_notification_reads_in_the_language_of_whoever_reads_it(user):
    notification = NotificationFactory(user=user, context=TEST_CONTEXT)

    with translation.override("zh-hant"):
        subject, body = render_notification(notification)

    assert subject == "測試訊息：Parcel <1>"
    assert body.endswith("撰寫語言：zh-hant")


def test_the_owner_marks_a_notification_read(user):
    notification = NotificationFactory(user=user)

    mark_read(notification=notification, by=user)

    notification.refresh_from_db()
    assert notification.is_read


def test_another_user_cannot_mark_a_notification_read(user, other_user):
    notification = NotificationFactory(user=user)

    with pytest.raises(NotificationError) as error:
        mark_read(notification=notification, by=other_user)

    assert error.value.code == "not_owner"
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_read_again_keeps_the_first_reading_time(user):
    notification = NotificationFactory(user=user)
    mark_read(notification=notification, by=user)
    first_read_at = notification.read_at

    mark_read(notification=Notification.objects.get(pk=notification.pk), by=user)

    notification.refresh_from_db()
    assert notification.read_at == first_read_at


def test_mark_all_read_marks_only_that_users_unread_notifications(user, other_user):
    NotificationFactory.create_batch(2, user=user)
    already_read = NotificationFactory(user=user)
    mark_read(notification=already_read, by=user)
    theirs = NotificationFactory(user=other_user)

    assert mark_all_read(user=user) == 2

    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_new_user_is_welcomed_in_the_inbox_and_by_email(
    client, django_capture_on_commit_callbacks
):
    form = {
        "email": "ming@example.com",
        "password1": "a-long-pass-123",
        "password2": "a-long-pass-123",
    }
    with django_capture_on_commit_callbacks():
        client.post("/accounts/signup/", form, HTTP_ACCEPT_LANGUAGE="zh-hant")
    mail.outbox.clear()  # allauth's own confirmation e-mail

    welcome = Notification.objects.get(user__email="ming@example.com")
    assert welcome.kind == "welcome"
    assert outbox.process_message(message_id=OutboxMessage.objects.get().pk) is True
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ming@example.com"]
    assert mail.outbox[0].subject == f"歡迎加入 {settings.SITE_NAME}"
