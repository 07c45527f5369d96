"""Celery tasks that exist only in the test process: outbox targets that record or fail."""

import threading
import time

from celery import shared_task

RUNS: list[str] = []
_lock = threading.Lock()


@shared_task(name="tests.notifications.record_run")
def record_run(label: str = "", sleep: float = 0.0) -> None:
    if sleep:
        time.sleep(sleep)
    with _lock:
        RUNS.append(label)


@shared_task(name="tests.notifications.fail")
def fail(reason: str = "boom") -> None:
    raise ValueError(reason)
