import time
import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from marketplace.notifications import outbox, tasks
from marketplace.notifications.models import OutboxMessage

from .conftest import UNREACHABLE_BROKER, queued_messages
from .factories import OutboxMessageFactory
from .targets import fail, record_run

pytestmark = pytest.mark.django_db


def test_enqueue_in_a_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.enqueue(task=record_run, label="never")
        raise RuntimeError("the order could not be placed")

    assert callbacks == []
    assert not OutboxMessage.objects.exists()


def test_enqueue_publishes_the_row_on_commit(
    django_capture_on_commit_callbacks, broker, private_queue
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = outbox.enqueue(task=record_run, queue=private_queue, label="a")
        assert message.published_at is None

    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.published_at is not None
    assert message.publish_count == 1
    assert message.kwargs == {"label": "a"}
    assert queued_messages(broker, private_queue) == [(outbox.PROCESS_TASK, [str(message.pk)])]


def test_enqueue_takes_a_task_name_and_defaults_to_the_tasks_route(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks():
        email = outbox.enqueue(
            task="marketplace.notifications.tasks.send_notification_email", notification_id=1
        )
        other = outbox.enqueue(task=record_run)

    assert email.queue == "notifications"
    assert email.task_name == "marketplace.notifications.tasks.send_notification_email"
    assert other.queue == "default"


def test_enqueue_refuses_a_task_that_does_not_exist():
    with pytest.raises(ValueError, match="not a registered Celery task"):
        outbox.enqueue(task="marketplace.notifications.tasks.no_such_task")

    assert not OutboxMessage.objects.exists()


def test_publish_with_the_broker_down_fails_fast_and_leaves_the_row_unpublished():
    message = OutboxMessageFactory()

    started = time.monotonic()
    with override_settings(CELERY_BROKER_URL=UNREACHABLE_BROKER):
        assert outbox.publish(message.pk) is False

    assert time.monotonic() - started < 3
    message.refresh_from_db()
    assert message.published_at is None
    assert message.publish_count == 0


def test_publish_of_a_missing_row_sends_nothing():
    assert outbox.publish(uuid.uuid4()) is False


def test_signup_succeeds_while_the_broker_is_down_and_the_sweeper_sends_the_email_later(
    client, django_capture_on_commit_callbacks
):
    form = {
        "email": "new@example.com",
        "password1": "a-long-pass-123",
        "password2": "a-long-pass-123",
    }
    started = time.monotonic()
    with (
        override_settings(CELERY_BROKER_URL=UNREACHABLE_BROKER),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/accounts/signup/", form)

    assert response.status_code == 302
    assert time.monotonic() - started < 5
    message = OutboxMessage.objects.get()
    assert message.task_name == "marketplace.notifications.tasks.send_notification_email"
    assert message.published_at is None

    assert outbox.sweep_outbox() == 1  # the broker is back

    message.refresh_from_db()
    assert message.published_at is not None
    assert message.publish_count == 1
    assert outbox.sweep_outbox() == 0  # just sent: not due again yet


def test_sweeper_sends_only_rows_the_broker_may_have_lost(broker, private_queue, settings):
    now = timezone.now()
    resend = timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS)
    make = lambda **fields: OutboxMessageFactory(queue=private_queue, **fields)  # noqa: E731
    never_published = make()
    published_long_ago = make(published_at=now - resend - timedelta(seconds=1), publish_count=1)
    lease_expired = make(published_at=now - resend * 2, claimed_until=now - timedelta(seconds=1))
    make(published_at=now - timedelta(seconds=5), publish_count=1)  # just sent
    make(processed_at=now)
    make(claimed_until=now + timedelta(minutes=1))  # a worker is running it
    make(attempts=settings.OUTBOX_MAX_ATTEMPTS)  # gave up

    assert outbox.sweep_outbox(now=now) == 3

    swept = {str(m.pk) for m in (never_published, published_long_ago, lease_expired)}
    assert {args[0] for _task, args in queued_messages(broker, private_queue)} == swept
    assert set(
        OutboxMessage.objects.filter(published_at__gte=now).values_list("pk", flat=True)
    ) == {never_published.pk, published_long_ago.pk, lease_expired.pk}


def test_sweeper_with_the_broker_down_sends_nothing_and_changes_nothing():
    message = OutboxMessageFactory()

    with override_settings(CELERY_BROKER_URL=UNREACHABLE_BROKER):
        assert outbox.sweep_outbox() == 0

    message.refresh_from_db()
    assert message.published_at is None


def test_processing_a_message_twice_runs_its_task_once(runs):
    message = OutboxMessageFactory(kwargs={"label": "once"})

    assert outbox.process_message(message_id=message.pk) is True
    assert outbox.process_message(message_id=message.pk) is False

    assert runs == ["once"]
    message.refresh_from_db()
    assert message.processed_at is not None
    assert message.claimed_until is None
    assert message.attempts == 0


def test_a_message_claimed_by_another_worker_runs_only_after_the_lease_expires(runs):
    now = timezone.now()
    message = OutboxMessageFactory(
        kwargs={"label": "late"}, claimed_until=now + timedelta(minutes=5)
    )

    assert outbox.process_message(message_id=message.pk, now=now) is False
    assert runs == []

    assert outbox.process_message(message_id=message.pk, now=now + timedelta(minutes=6)) is True
    assert runs == ["late"]


def test_a_failing_task_records_the_error_and_leaves_the_row_for_a_retry():
    message = OutboxMessageFactory(task_name=fail.name, kwargs={"reason": "carrier said no"})

    with pytest.raises(outbox.OutboxTaskError):
        outbox.process_message(message_id=message.pk)

    message.refresh_from_db()
    assert message.processed_at is None
    assert message.claimed_until is None
    assert message.attempts == 1
    assert "ValueError: carrier said no" in message.last_error


def test_celery_retries_a_failing_task_until_the_attempt_limit(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = OutboxMessageFactory(task_name=fail.name)

    tasks.process_outbox_message.apply(args=[str(message.pk)])

    message.refresh_from_db()
    assert message.attempts == 3
    assert message.processed_at is None
    assert outbox.sweep_outbox() == 0  # no attempts left: staff decide in the admin


def test_a_row_for_a_task_this_worker_does_not_know_is_kept_for_later():
    message = OutboxMessageFactory(task_name="marketplace.notifications.tasks.from_the_future")

    assert outbox.process_message(message_id=message.pk) is False

    message.refresh_from_db()
    assert message.processed_at is None
    assert message.attempts == 1
    assert "from_the_future" in message.last_error


def test_a_message_whose_row_is_missing_is_ignored(runs):
    assert outbox.process_message(message_id=uuid.uuid4()) is False
    assert outbox.process_message(message_id="not-a-uuid") is False
    tasks.process_outbox_message.apply(args=[str(uuid.uuid4())]).get()

    assert runs == []
