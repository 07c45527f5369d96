"""A local fake of an AfterShip-style tracking aggregator (a real HTTP server on 127.0.0.1):
``POST /trackings`` registers a parcel (an existing one answers meta code 4003),
``GET /trackings/<slug>/<number>`` returns it with its checkpoints; it checks the ``as-api-key``
header and can be told to fail. ``webhook()`` builds a signed ``tracking_update`` delivery."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from logistics.adapters.tracker import sign

API_KEY = "test-tracker-key"
WEBHOOK_SECRET = "test-tracker-webhook-secret"
TRACKING_PATH = re.compile(r"^/trackings/([^/]+)/([^/]+)$")


class FakeTracker:
    def __init__(self) -> None:
        self.trackings: dict[tuple[str, str], dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []
        self.failures: list[int] = []  # statuses to answer with next, one per request
        tracker = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                tracker._handle(self, "POST")

            def do_GET(self) -> None:
                tracker._handle(self, "GET")

            def log_message(self, *args: object) -> None:
                """No access log in the test output."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/v4"

    # --- What tests set up -------------------------------------------------------------------

    def add_checkpoint(
        self, slug: str, number: str, *, tag: str, at: str, message: str = "", **extra: str
    ) -> dict[str, Any]:
        checkpoint = {"checkpoint_time": at, "tag": tag, "message": message, **extra}
        self.trackings[(slug, number)]["checkpoints"].append(checkpoint)
        return checkpoint

    def webhook(self, slug: str, number: str, *, event_id: str) -> tuple[bytes, dict[str, str]]:
        """A signed ``tracking_update`` for the parcel as the fake knows it now."""
        body = json.dumps(
            {
                "event_id": event_id,
                "event": "tracking_update",
                "is_tracking_first_tag": False,
                "msg": self.trackings[(slug, number)],
                "ts": 1767225600,
            }
        ).encode()
        return body, {"Aftership-Hmac-Sha256": sign(body=body, secret=WEBHOOK_SECRET)}

    def creations(self) -> int:
        return sum(1 for method, path, _h, _b in self.requests if method == "POST")

    # --- The server side -----------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        path = handler.path.removeprefix("/v4")
        length = int(handler.headers.get("Content-Length") or 0)
        body = json.loads(handler.rfile.read(length) or b"null") if length else None
        self.requests.append((method, path, dict(handler.headers.items()), body))
        if self.failures:
            self._answer(handler, self.failures.pop(0), {"meta": {"code": 500, "message": "Down"}})
            return
        if handler.headers.get("as-api-key") != API_KEY:
            self._answer(handler, 401, {"meta": {"code": 401, "message": "Invalid API key."}})
            return
        if method == "POST" and path == "/trackings":
            self._create(handler, body["tracking"])
            return
        match = TRACKING_PATH.match(path)
        tracking = self.trackings.get(match.groups()) if match and method == "GET" else None
        if tracking is None:
            self._answer(handler, 404, {"meta": {"code": 4004, "message": "Tracking not found."}})
            return
        self._answer(handler, 200, {"meta": {"code": 200}, "data": {"tracking": tracking}})

    def _create(self, handler: BaseHTTPRequestHandler, asked: dict[str, Any]) -> None:
        key = (asked["slug"], asked["tracking_number"])
        if key in self.trackings:
            existing = self.trackings[key]
            known = {name: existing[name] for name in ("id", "slug", "tracking_number")}
            self._answer(
                handler,
                400,
                {
                    "meta": {"code": 4003, "message": "Tracking already exists."},
                    "data": {"tracking": known},
                },
            )
            return
        tracking = {
            "id": f"trk{len(self.trackings) + 1:05d}",
            "slug": asked["slug"],
            "tracking_number": asked["tracking_number"],
            "order_id": asked.get("order_id", ""),
            "tag": "Pending",
            "expected_delivery": "2026-12-24",
            "checkpoints": [],
        }
        self.trackings[key] = tracking
        self._answer(handler, 201, {"meta": {"code": 201}, "data": {"tracking": tracking}})

    def _answer(self, handler: BaseHTTPRequestHandler, status: int, payload: Any) -> None:
        raw = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
