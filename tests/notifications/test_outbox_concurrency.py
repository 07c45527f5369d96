import threading

import pytest
from django.db import connection

from marketplace.notifications import outbox

from .factories import OutboxMessageFactory


@pytest.mark.django_db(transaction=True)
def test_two_workers_processing_the_same_message_at_once_run_it_once(runs):
    message = OutboxMessageFactory(kwargs={"label": "race", "sleep": 0.3})
    start = threading.Barrier(2)
    results: list[bool] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(outbox.process_message(message_id=message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert sorted(results) == [False, True]
    assert runs == ["race"]
    message.refresh_from_db()
    assert message.processed_at is not None
