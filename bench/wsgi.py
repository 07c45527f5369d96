"""The site's WSGI application with a ``Server-Timing`` header for benchmarks: the time Django
spent on the request and the number and time of its SQL queries
(``app;dur=12.3, db;dur=4.1;desc="7 queries"``). Used only by bench/run.sh, never in production.
"""

from collections.abc import Callable, Iterable
from time import perf_counter
from typing import Any

from django.db import connection

from marketplace.wsgi import application as site

Environ = dict[str, Any]


def application(environ: Environ, start_response: Callable[..., Any]) -> Iterable[bytes]:
    started = perf_counter()
    spent = {"queries": 0, "seconds": 0.0}

    def timed(execute, sql, params, many, context):
        before = perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["queries"] += 1
            spent["seconds"] += perf_counter() - before

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        total = (perf_counter() - started) * 1000
        database = spent["seconds"] * 1000
        headers.append(
            (
                "Server-Timing",
                f'app;dur={total:.1f}, db;dur={database:.1f};desc="{spent["queries"]} queries"',
            )
        )
        return start_response(status, headers, exc_info)

    with connection.execute_wrapper(timed):
        return site(environ, start)
