"""Real concurrency on PostgreSQL: calls run in threads released together."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_together(*calls: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Runs each call in its own thread (its own database connection, closed after), all
    released at once by a barrier; returns the outcomes in order, each the call's value or the
    exception it raised, for the test to inspect."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as error:  # the test inspects what each thread met
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes


def raised(outcomes: list[Any]) -> list[Exception]:
    """The exceptions among ``run_together``'s outcomes."""
    return [outcome for outcome in outcomes if isinstance(outcome, Exception)]
