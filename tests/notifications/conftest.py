import base64
import json
import uuid

import pytest
import redis
from django.conf import settings

from . import targets

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def runs() -> list[str]:
    """What the test-only target task ran, in order."""
    targets.RUNS.clear()
    yield targets.RUNS
    targets.RUNS.clear()


@pytest.fixture
def broker() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


@pytest.fixture
def private_queue(broker) -> str:
    """A queue no worker reads, so a test can look at exactly the messages it published."""
    name = f"test-outbox-{uuid.uuid4().hex}"
    yield name
    broker.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")


def queued_messages(broker: redis.Redis, queue: str) -> list[tuple[str, list]]:
    """(task name, positional args) of each message waiting in a queue, oldest first."""
    found = []
    for raw in reversed(broker.lrange(queue, 0, -1)):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        found.append((message["headers"]["task"], args))
    return found
