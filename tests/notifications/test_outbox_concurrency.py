import pytest

from marketplace.notifications import outbox
from tests.threads import run_together

from .factories import OutboxMessageFactory


@pytest.mark.django_db(transaction=True)
def test_two_workers_processing_the_same_message_at_once_run_it_once(runs):
    message = OutboxMessageFactory(kwargs={"label": "race", "sleep": 0.3})
    results = run_together(*[lambda: outbox.process_message(message_id=message.pk)] * 2)

    assert sorted(results) == [False, True]
    assert runs == ["race"]
    message.refresh_from_db()
    assert message.processed_at is not None
