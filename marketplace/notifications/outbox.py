"""The transactional outbox: work that must not be lost is written as a row, then handed to Celery.

``enqueue()`` writes an ``OutboxMessage`` in the caller's transaction and sends it on commit, so a
rolled-back change sends nothing and a broker outage loses nothing (the sweeper sends it later).
Workers run the row's task through ``process_message()``, which claims the row first, so a row
sent twice still runs once. This module never calls the broker inside a transaction and never
lets a broker failure reach the request that enqueued the work.
"""

import logging
import os
import traceback
import uuid
from datetime import datetime, timedelta
from typing import Any

from celery import Task, current_app
from celery.exceptions import NotRegistered
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu import Connection
from kombu.exceptions import OperationalError

from .models import OutboxMessage

logger = logging.getLogger(__name__)

PROCESS_TASK = "marketplace.notifications.tasks.process_outbox_message"
SWEEP_BATCH_SIZE = 500
LAST_ERROR_MAX_CHARS = 10_000
POOL_LIMIT = 10  # connections per broker URL and process


class OutboxTaskError(Exception):
    """The row's task raised; the error is recorded on the row and Celery retries with backoff."""


def enqueue(*, task: Task | str, queue: str | None = None, **kwargs: Any) -> OutboxMessage:
    """The task will run once the current transaction commits, even if the broker is down now.

    ``kwargs`` are the task's keyword arguments and must be JSON values (ids, not objects).
    ``queue`` defaults to the task's route in ``CELERY_TASK_ROUTES``.
    """
    task_name = task if isinstance(task, str) else task.name
    if not _is_registered(task_name):
        raise ValueError(f"{task_name!r} is not a registered Celery task.")
    message = OutboxMessage.objects.create(
        task_name=task_name, kwargs=kwargs, queue=queue or _routed_queue(task_name)
    )
    message_id, message_queue = message.pk, message.queue
    # robust: whatever goes wrong after the commit, the caller's response still goes out.
    transaction.on_commit(lambda: publish(message_id, queue=message_queue), robust=True)
    return message


def publish(
    message_id: uuid.UUID | str, *, queue: str | None = None, connection: Connection | None = None
) -> bool:
    """The broker holds a message asking a worker to process the row; False if it is unreachable.

    The broker URL is read from settings at call time and reached through this process's pool of
    connections to it (or the connection passed in). The publish retry policy in settings is
    short, so a down broker costs the caller a fraction of a second and leaves the row for
    ``sweep_outbox()``.
    """
    if queue is None:
        queue = OutboxMessage.objects.filter(pk=message_id).values_list("queue", flat=True).first()
    if queue is None:
        logger.warning("Outbox message %s does not exist; nothing to publish.", message_id)
        return False
    if connection is not None:
        return _send(message_id, queue=queue, connection=connection)
    try:
        with _pool_for(settings.CELERY_BROKER_URL).acquire(block=True, timeout=5) as pooled:
            return _send(message_id, queue=queue, connection=pooled)
    except OperationalError as error:  # kombu wraps every transport's connection errors in it
        _log_unreachable(message_id, error)
        return False


# Broker connections kept per URL for this process (a checkout must not pay for a new connection
# and queue declaration per message); a forked child starts with none of its parent's.
_POOLS: dict[str, Any] = {}
os.register_at_fork(after_in_child=_POOLS.clear)


def _pool_for(url: str) -> Any:
    pool = _POOLS.get(url)
    if pool is None:
        pool = _POOLS[url] = current_app.connection_for_write(url).Pool(limit=POOL_LIMIT)
    return pool


def process_message(*, message_id: uuid.UUID | str, now: datetime | None = None) -> bool:
    """The row's task has run exactly once; True if this call ran it.

    A row already processed, claimed by another worker, or missing (a message meant for another
    database) is skipped. A failing task records the error, releases the claim and raises
    ``OutboxTaskError`` while attempts remain, so the Celery task retries with backoff.
    """
    now = now or timezone.now()
    try:
        message_id = uuid.UUID(str(message_id))
    except ValueError:
        logger.warning("Ignoring outbox message with a malformed id %r.", message_id)
        return False
    claimable = OutboxMessage.objects.filter(pk=message_id, processed_at__isnull=True).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    if not claimable.update(claimed_until=now + _lease()):
        _log_skipped(message_id)
        return False

    message = OutboxMessage.objects.get(pk=message_id)
    try:
        task = current_app.tasks[message.task_name]
    except NotRegistered as error:
        # Perhaps a worker older than the code that enqueued it: the sweeper tries again later.
        _record_failure(message, error)
        return False
    try:
        task.run(**message.kwargs)
    except Exception as error:  # the outbox runs any task: every failure is recorded, then retried
        attempts = _record_failure(message, error)
        if attempts < settings.OUTBOX_MAX_ATTEMPTS:
            raise OutboxTaskError(f"{message.task_name} failed: {error!r}") from error
        logger.error(
            "Outbox message %s (%s) failed %s times; giving up.",
            message_id,
            message.task_name,
            attempts,
        )
        return False
    OutboxMessage.objects.filter(pk=message_id).update(
        processed_at=timezone.now(), claimed_until=None
    )
    return True


def sweep_outbox(*, now: datetime | None = None) -> int:
    """Rows the broker may never have received are sent again; returns how many were sent.

    A row is due when it is unprocessed, not claimed by a live worker, has attempts left, and was
    never published or published longer than ``OUTBOX_RESEND_AFTER_SECONDS`` ago.
    """
    now = now or timezone.now()
    resend_before = now - timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS)
    due = list(
        OutboxMessage.objects.filter(
            processed_at__isnull=True, attempts__lt=settings.OUTBOX_MAX_ATTEMPTS
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(Q(published_at__isnull=True) | Q(published_at__lt=resend_before))
        .order_by("created_at")
        .values_list("pk", "queue")[:SWEEP_BATCH_SIZE]
    )
    if not due:
        return 0
    sent = 0
    with current_app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
        for message_id, queue in due:
            if not _send(message_id, queue=queue, connection=connection):
                break  # the broker is down: the next sweep tries the rest
            sent += 1
    return sent


def _send(
    message_id: uuid.UUID | str,
    *,
    queue: str,
    connection: Connection,
) -> bool:
    try:
        current_app.send_task(
            PROCESS_TASK,
            args=[str(message_id)],
            queue=queue,
            connection=connection,
        )
    except OperationalError as error:  # kombu wraps every transport's connection errors in it
        _log_unreachable(message_id, error)
        return False
    OutboxMessage.objects.filter(pk=message_id).update(
        published_at=timezone.now(), publish_count=F("publish_count") + 1
    )
    return True


def _log_unreachable(message_id: uuid.UUID | str, error: BaseException) -> None:
    logger.warning(
        "Broker unreachable; outbox message %s stays for the sweeper (%s).", message_id, error
    )


def _is_registered(task_name: str) -> bool:
    if task_name in current_app.tasks:
        return True
    # A web process imports tasks modules only when asked; a worker has them all from the start.
    current_app.loader.import_default_modules()
    return task_name in current_app.tasks


def _routed_queue(task_name: str) -> str:
    route = current_app.amqp.router.route({}, task_name)
    queue = route.get("queue")
    return getattr(queue, "name", None) or queue or current_app.conf.task_default_queue


def _lease() -> timedelta:
    # A worker is killed at the hard time limit, so a claim older than that belongs to nobody.
    return timedelta(seconds=(settings.CELERY_TASK_TIME_LIMIT or 300) + 60)


def _record_failure(message: OutboxMessage, error: BaseException) -> int:
    text = "".join(traceback.format_exception(error))[-LAST_ERROR_MAX_CHARS:]
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=F("attempts") + 1, last_error=text, claimed_until=None
    )
    logger.warning("Outbox message %s (%s) failed: %r", message.pk, message.task_name, error)
    return OutboxMessage.objects.values_list("attempts", flat=True).get(pk=message.pk)


def _log_skipped(message_id: uuid.UUID) -> None:
    if OutboxMessage.objects.filter(pk=message_id).exists():
        logger.info("Outbox message %s is processed or claimed elsewhere; skipped.", message_id)
    else:
        logger.warning("Outbox message %s not found (another database?); ignored.", message_id)
