"""Fixtures of the payments tests: a clean exchange-rate cache around every test, and a local
fake exchange-rate feed (a real HTTP server on 127.0.0.1, never the internet)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from payments.services.currencies import forget_cached_rates


@pytest.fixture(autouse=True)
def fresh_rate_cache():
    """The rates live in Redis, which the test database's rollback does not reach."""
    forget_cached_rates()
    yield
    forget_cached_rates()


class FakeFeed:
    """Answers GET /v6/latest/<base> with whatever the test set: like open.er-api.com."""

    def __init__(self) -> None:
        self.status = 200
        self.body: bytes = b"{}"
        self.delay = 0.0
        self.paths: list[str] = []
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                feed.paths.append(self.path)
                if feed.delay:
                    time.sleep(feed.delay)
                try:
                    self.send_response(feed.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(feed.body)))
                    self.end_headers()
                    self.wfile.write(feed.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/v6/latest/USD"

    def answer(self, payload: object = None, *, status: int = 200, raw: bytes | None = None):
        self.status = status
        self.body = raw if raw is not None else json.dumps(payload).encode()

    def answer_rates(self, rates: dict, *, base: str = "USD", **extra: object) -> None:
        self.answer(
            {
                "result": "success",
                "provider": "https://www.exchangerate-api.com",
                "time_last_update_unix": 1767225600,
                "time_last_update_utc": "Thu, 01 Jan 2026 00:00:00 +0000",
                "base_code": base,
                "rates": {base: 1, **rates},
                **extra,
            }
        )


@pytest.fixture
def fake_feed(settings):
    feed = FakeFeed()
    thread = threading.Thread(target=feed.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.EXCHANGE_RATES_URL = feed.url
    settings.EXCHANGE_RATES_TIMEOUT_SECONDS = 1.0
    yield feed
    feed.server.shutdown()
    feed.server.server_close()
