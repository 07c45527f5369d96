"""A local fake of the parts of Stripe's REST API the platform uses, for tests without internet.

It speaks what the official ``stripe`` library sends and expects: form-encoded POSTs with
bracketed keys (``metadata[payment]=...``), bearer authentication with the secret key, JSON
objects with Stripe's ``object`` field, Stripe's error shape (``{"error": {"type", "code",
"message", ...}}`` with 400/401/402/404/500 statuses) and idempotency (the same
``Idempotency-Key`` answers the first response again, with ``Idempotent-Replayed: true``; the same
key with other parameters is an ``idempotency_error``).

Endpoints: ``POST /v1/payment_intents``, ``GET /v1/payment_intents/{id}`` (with
``expand[]=latest_charge``), ``POST /v1/refunds``, ``POST /v1/transfers``.

Test controls (plain method calls, as Stripe's dashboard or the buyer's browser would act):
``pay(intent_id, card_country=...)``, ``decline(intent_id)``, ``set_status(intent_id, status)``,
``add_account(...)`` for Connect destinations, ``fail_next(n, status=500)`` for outages, and
``event(...)`` / ``signed(...)`` to build webhook deliveries signed with Stripe's scheme
(``Stripe-Signature: t=<unix time>,v1=<HMAC-SHA256(secret, f"{t}.{body}")>``).
"""

import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API_VERSION = "2026-10-28.endive"


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding back to nested values: ``a[b][0]=x`` -> ``{"a": {"b": ["x"]}}``."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = [key.split("[", 1)[0], *re.findall(r"\[([^\]]*)\]", key)]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    converted = {key: _lists(item) for key, item in value.items()}
    if converted and all(key.isdigit() or key == "" for key in converted):
        return [converted[key] for key in sorted(converted, key=lambda k: int(k or 0))]
    return converted


class StripeFailure(Exception):
    """An API error answered in Stripe's shape."""

    def __init__(self, status: int, type_: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type_, "message": message, **extra}}


@dataclass
class Call:
    """One request the fake received, for assertions."""

    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int = 0
    replayed: bool = False


@dataclass
class FakeStripe:
    secret_key: str = "sk_test_fake"
    publishable_key: str = "pk_test_fake"
    webhook_secret: str = "whsec_fake"
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    charges: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    transfers: dict[str, dict[str, Any]] = field(default_factory=dict)
    accounts: set[str] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._idempotent: dict[str, tuple[str, dict[str, Any], int, dict[str, Any]]] = {}
        self._failures: list[int] = []
        self._server: ThreadingHTTPServer | None = None

    # --- Running ---------------------------------------------------------------------------

    def start(self) -> "FakeStripe":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def calls_to(self, method: str, path: str) -> list[Call]:
        return [call for call in self.calls if call.method == method and call.path == path]

    # --- Test controls ---------------------------------------------------------------------

    def fail_next(self, count: int = 1, *, status: int = 500) -> None:
        """The next ``count`` requests get a server error (Stripe is having a bad moment)."""
        with self._lock:
            self._failures.extend([status] * count)

    def add_account(self, account_id: str = "") -> str:
        """A Connect account that transfers may be sent to."""
        account_id = account_id or self._id("acct")
        self.accounts.add(account_id)
        return account_id

    def pay(self, intent_id: str, *, card_country: str = "US") -> dict[str, Any]:
        """The buyer paid by card: the intent succeeded with a charge."""
        with self._lock:
            intent = self.intents[intent_id]
            charge = self._charge(intent, card_country=card_country)
            intent.update(
                status="succeeded",
                amount_received=intent["amount"],
                latest_charge=charge["id"],
                last_payment_error=None,
            )
            return dict(intent)

    def decline(
        self, intent_id: str, *, code: str = "card_declined", decline_code: str = "generic_decline"
    ) -> dict[str, Any]:
        """The buyer's card was declined: the intent wants another payment method."""
        with self._lock:
            intent = self.intents[intent_id]
            intent.update(
                status="requires_payment_method",
                last_payment_error={
                    "type": "card_error",
                    "code": code,
                    "decline_code": decline_code,
                    "message": "Your card was declined.",
                },
            )
            return dict(intent)

    def set_status(self, intent_id: str, status: str) -> dict[str, Any]:
        """Any other status (requires_action for 3-D Secure, processing, canceled)."""
        with self._lock:
            intent = self.intents[intent_id]
            intent["status"] = status
            if status == "canceled":
                intent.update(canceled_at=int(time.time()), cancellation_reason="abandoned")
            if status == "requires_action":
                intent["next_action"] = {"type": "redirect_to_url"}
            return dict(intent)

    def fail_refund(self, refund_id: str, *, reason: str = "expired_or_canceled_card") -> dict:
        """A pending refund that the bank later refused (Stripe sends refund.updated/failed)."""
        with self._lock:
            refund = self.refunds[refund_id]
            refund.update(status="failed", failure_reason=reason)
            intent = self.intents[refund["payment_intent"]]
            intent["_refunded"] -= refund["amount"]
            return dict(refund)

    def charge_of(self, intent_id: str) -> dict[str, Any]:
        """The intent's latest charge, as Stripe shows it (with its refunds when asked)."""
        charge = dict(self.charges[self.intents[intent_id]["latest_charge"]])
        charge["amount_refunded"] = self.intents[intent_id]["_refunded"]
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        return charge

    def event(self, type_: str, obj: dict[str, Any], *, event_id: str = "") -> bytes:
        """A webhook body as Stripe sends it (``obj`` is the object at the event's time)."""
        body = {
            "id": event_id or self._id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": {"object": _public(obj)},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type_,
        }
        return json.dumps(body).encode()

    def signed(
        self, body: bytes, *, secret: str = "", timestamp: int | None = None
    ) -> dict[str, str]:
        """The headers Stripe sends with a webhook delivery of ``body``."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        signed_payload = f"{timestamp}.{body.decode()}".encode()
        signature = hmac.new(
            (secret or self.webhook_secret).encode(), signed_payload, hashlib.sha256
        ).hexdigest()
        return {
            "Content-Type": "application/json",
            "Stripe-Signature": f"t={timestamp},v1={signature}",
        }

    # --- HTTP ------------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length).decode() if length else ""
        query = parts.query if request.command == "GET" else body
        params = decode_form(parse_qsl(query, keep_blank_values=True))
        headers = {key.lower(): value for key, value in request.headers.items()}
        call = Call(request.command, parts.path, params, headers)
        with self._lock:
            self.calls.append(call)
            status, payload, extra_headers = self._answer(call)
        call.status = status
        data = json.dumps(payload).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.send_header("Request-Id", self._id("req"))
        for key, value in extra_headers.items():
            request.send_header(key, value)
        request.end_headers()
        request.wfile.write(data)

    def _answer(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        if self._failures:
            status = self._failures.pop(0)
            return status, {"error": {"type": "api_error", "message": "Fake outage."}}, {}
        if call.headers.get("authorization") != f"Bearer {self.secret_key}":
            key = call.headers.get("authorization", "").removeprefix("Bearer ")
            return (
                HTTPStatus.UNAUTHORIZED,
                {
                    "error": {
                        "type": "invalid_request_error",
                        "message": f"Invalid API Key provided: {key[:8]}***",
                    }
                },
                {},
            )
        key = call.headers.get("idempotency-key", "")
        if call.method == "POST" and key in self._idempotent:
            path, params, status, payload = self._idempotent[key]
            if (path, params) != (call.path, call.params):
                return (
                    HTTPStatus.BAD_REQUEST,
                    {
                        "error": {
                            "type": "idempotency_error",
                            "message": "Keys for idempotent requests can only be used with the "
                            "same parameters they were first used with.",
                        }
                    },
                    {},
                )
            call.replayed = True
            return status, payload, {"Idempotent-Replayed": "true", "Idempotency-Key": key}
        try:
            status, payload = HTTPStatus.OK, self._route(call)
        except StripeFailure as failure:
            status, payload = failure.status, failure.body
        if call.method == "POST" and key and status != HTTPStatus.INTERNAL_SERVER_ERROR:
            self._idempotent[key] = (call.path, call.params, status, payload)
        return status, payload, {"Idempotency-Key": key} if key else {}

    def _route(self, call: Call) -> dict[str, Any]:
        if call.method == "POST" and call.path == "/v1/payment_intents":
            return self._create_intent(call.params)
        if call.method == "GET" and (
            match := re.fullmatch(r"/v1/payment_intents/(\w+)", call.path)
        ):
            return self._retrieve_intent(match[1], call.params)
        if call.method == "POST" and call.path == "/v1/refunds":
            return self._create_refund(call.params)
        if call.method == "POST" and call.path == "/v1/transfers":
            return self._create_transfer(call.params)
        raise StripeFailure(
            HTTPStatus.NOT_FOUND,
            "invalid_request_error",
            f"Unrecognized request URL ({call.method}: {call.path}).",
        )

    # --- Resources -------------------------------------------------------------------------

    def _create_intent(self, params: dict[str, Any]) -> dict[str, Any]:
        amount = _positive_int(params, "amount")
        currency = _currency(params)
        intent_id = self._id("pi")
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": 0,
            "automatic_payment_methods": _automatic(params.get("automatic_payment_methods")),
            "canceled_at": None,
            "cancellation_reason": None,
            "capture_method": "automatic",
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
            "created": int(time.time()),
            "currency": currency,
            "description": params.get("description"),
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": params.get("metadata") or {},
            "next_action": None,
            "payment_method_types": ["card", "alipay", "wechat_pay"],
            "status": "requires_payment_method",
            "_refunded": 0,
        }
        self.intents[intent_id] = intent
        return _public(intent)

    def _retrieve_intent(self, intent_id: str, params: dict[str, Any]) -> dict[str, Any]:
        intent = self.intents.get(intent_id)
        if intent is None:
            raise StripeFailure(
                HTTPStatus.NOT_FOUND,
                "invalid_request_error",
                f"No such payment_intent: '{intent_id}'",
                code="resource_missing",
                param="intent",
            )
        answer = _public(intent)
        if "latest_charge" in (params.get("expand") or []) and intent["latest_charge"]:
            answer["latest_charge"] = _public(self.charge_of(intent_id))
        return answer

    def _create_refund(self, params: dict[str, Any]) -> dict[str, Any]:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None:
            raise StripeFailure(
                HTTPStatus.BAD_REQUEST,
                "invalid_request_error",
                f"No such payment_intent: '{params.get('payment_intent')}'",
                code="resource_missing",
                param="payment_intent",
            )
        if intent["status"] != "succeeded":
            raise StripeFailure(
                HTTPStatus.BAD_REQUEST,
                "invalid_request_error",
                "This PaymentIntent does not have a successful charge to refund.",
                code="charge_not_refundable",
            )
        left = intent["amount_received"] - intent["_refunded"]
        if left <= 0:
            raise StripeFailure(
                HTTPStatus.BAD_REQUEST,
                "invalid_request_error",
                f"Charge {intent['latest_charge']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = _positive_int(params, "amount") if "amount" in params else left
        if amount > left:
            raise StripeFailure(
                HTTPStatus.BAD_REQUEST,
                "invalid_request_error",
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                code="amount_too_large",
                param="amount",
            )
        intent["_refunded"] += amount
        refund_id = self._id("re")
        refund = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "charge": intent["latest_charge"],
            "created": int(time.time()),
            "currency": intent["currency"],
            "failure_reason": None,
            "metadata": params.get("metadata") or {},
            "payment_intent": intent["id"],
            "reason": params.get("reason"),
            "status": "succeeded",
        }
        self.refunds[refund_id] = refund
        return dict(refund)

    def _create_transfer(self, params: dict[str, Any]) -> dict[str, Any]:
        amount = _positive_int(params, "amount")
        currency = _currency(params)
        destination = params.get("destination", "")
        if destination not in self.accounts:
            raise StripeFailure(
                HTTPStatus.BAD_REQUEST,
                "invalid_request_error",
                f"No such destination: '{destination}'",
                code="resource_missing",
                param="destination",
            )
        transfer_id = self._id("tr")
        transfer = {
            "id": transfer_id,
            "object": "transfer",
            "amount": amount,
            "amount_reversed": 0,
            "created": int(time.time()),
            "currency": currency,
            "description": params.get("description"),
            "destination": destination,
            "livemode": False,
            "metadata": params.get("metadata") or {},
            "reversed": False,
        }
        self.transfers[transfer_id] = transfer
        return dict(transfer)

    def _charge(self, intent: dict[str, Any], *, card_country: str) -> dict[str, Any]:
        charge = {
            "id": self._id("ch"),
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": intent["amount"],
            "currency": intent["currency"],
            "paid": True,
            "payment_intent": intent["id"],
            "payment_method_details": {
                "type": "card",
                "card": {"brand": "visa", "country": card_country, "last4": "4242"},
            },
            "status": "succeeded",
        }
        self.charges[charge["id"]] = charge
        return charge

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):06d}{secrets.token_hex(6)}"


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in obj.items() if not key.startswith("_")}


def _positive_int(params: dict[str, Any], name: str) -> int:
    value = str(params.get(name, ""))
    if not value.isdigit() or int(value) < 1:
        raise StripeFailure(
            HTTPStatus.BAD_REQUEST,
            "invalid_request_error",
            f"Invalid positive integer: {name}",
            code="parameter_invalid_integer",
            param=name,
        )
    return int(value)


def _currency(params: dict[str, Any]) -> str:
    currency = params.get("currency", "")
    if not re.fullmatch(r"[a-z]{3}", currency):
        raise StripeFailure(
            HTTPStatus.BAD_REQUEST,
            "invalid_request_error",
            f"Invalid currency: {currency}. Stripe currently supports these currencies: usd, ...",
            code="parameter_invalid_string",
            param="currency",
        )
    return currency


def _automatic(value: Any) -> dict[str, Any] | None:
    if not value:
        return None
    return {"enabled": value.get("enabled") == "true", "allow_redirects": "always"}
