"""A real Celery worker (a subprocess on the test database and Redis) runs the outbox end to end."""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from marketplace.notifications import outbox
from marketplace.notifications.models import Notification, OutboxMessage
from marketplace.notifications.services import notify
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def url_of_the_test_database() -> str:
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def start_worker(tmp_path: Path, mail_dir: Path) -> Iterator[Callable[[], subprocess.Popen]]:
    log = tmp_path / "worker.log"
    started: list[subprocess.Popen] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings",
        "DEBUG": "false",
        "SECRET_KEY": "integration-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": url_of_the_test_database(),
        "CONN_MAX_AGE": "0",
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(Path(sys.executable).parent / "celery"),
        "-A",
        "marketplace",
        "worker",
        "-Q",
        "default,notifications",
        "-P",
        "solo",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-l",
        "warning",
    ]

    def start() -> subprocess.Popen:
        with log.open("ab") as output:
            worker = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
            )
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    if log.exists():
        print(log.read_text()[-5000:])  # shown by pytest when the test fails


def wait_until(
    condition: Callable[[], bool], worker: subprocess.Popen, timeout: float = 25
) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        assert worker.poll() is None, "the worker exited"
        time.sleep(0.2)
    return False


def test_a_worker_emails_a_notification_once_however_often_its_message_is_sent(
    start_worker, mail_dir
):
    reader = UserFactory(language="zh-hant")
    with transaction.atomic():
        notification = notify(
            user=reader, kind="test_message", context={"title": "Order 7", "text": "Paid."}
        )
    message = OutboxMessage.objects.get(kwargs={"notification_id": notification.pk})
    assert message.published_at is not None  # sent on commit

    # The worker is late, so the sweeper thinks the broker lost the message: twice.
    later = timezone.now() + timedelta(hours=1)
    assert outbox.sweep_outbox(now=later) == 1
    assert outbox.sweep_outbox(now=later) == 1

    worker = start_worker()

    def processed() -> bool:
        notification.refresh_from_db()
        message.refresh_from_db()
        return notification.emailed_at is not None and message.processed_at is not None

    assert wait_until(processed, worker), "the worker did not process the message"
    assert outbox.sweep_outbox() == 0
    assert outbox.sweep_outbox() == 0
    assert outbox.publish(message.pk) is True  # and once more by hand, after it ran

    # A later message on the same queue: once it is done, every copy before it was consumed.
    with transaction.atomic():
        marker = notify(user=UserFactory(), kind="test_message", context={"title": "Marker"})
    assert wait_until(
        lambda: Notification.objects.filter(pk=marker.pk, emailed_at__isnull=False).exists(),
        worker,
    ), "the worker did not process the marker"

    emails = [path.read_text() for path in sorted(mail_dir.iterdir())]
    to_reader = [email for email in emails if f"To: {reader.email}" in email]
    assert len(emails) == 2
    assert len(to_reader) == 1
    assert "撰寫語言：zh-hant" in to_reader[0]
    message.refresh_from_db()
    assert message.publish_count == 4
    assert message.attempts == 0
