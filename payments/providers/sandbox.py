"""The sandbox provider: the embedded default, a payment service that lives on our own site.

It needs no network and no account. The buyer lands on its hosted page (``views.sandbox``),
approves, declines, answers a "3-D Secure" challenge, or approves a payment that confirms
later; the page then sends a signed webhook to ``/payments/webhooks/sandbox/`` (through the
outbox, like a real provider's retrying sender) and returns the buyer with a signed result.
Both paths meet in the same services as Stripe's, so the whole asynchronous flow runs locally.
Signatures use Stripe's scheme (``t=<unix time>,v1=<HMAC-SHA256 of "t.body">``) with
``SANDBOX_WEBHOOK_SECRET``.
"""

import hashlib
import hmac
import json
import secrets
import time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from ..errors import BadSignature
from ..models import Payment, PaymentStatus, Refund, RefundStatus
from .base import Notice, Outcome, Started

CODE = "sandbox"
SIGNATURE_HEADER = "Sandbox-Signature"
TOLERANCE_SECONDS = 300
RESULT_SALT = "payments.sandbox.result"
CHALLENGE_CODE = "123456"

# What the hosted page lets the buyer do, and what each choice reports.
APPROVE, DECLINE, CHALLENGE, APPROVE_LATER = "approve", "decline", "challenge", "approve_later"
EVENT_STATUS = {
    "payment.succeeded": PaymentStatus.SUCCEEDED,
    "payment.failed": PaymentStatus.FAILED,
    "payment.processing": PaymentStatus.PROCESSING,
}


class SandboxProvider:
    code = CODE

    def is_available(self, *, payment_shops: list[Any], purpose: str) -> bool:
        return True

    def start(self, *, payment: Payment, request: HttpRequest) -> Started:
        reference = f"sbx_{secrets.token_hex(12)}"
        return Started(
            status=PaymentStatus.REQUIRES_ACTION,
            reference=reference,
            redirect_url=reverse("payments:sandbox", args=[reference]),
        )

    def handle_return(self, *, payment: Payment, params: dict[str, str]) -> Outcome | None:
        try:
            result = signing.loads(params.get("result", ""), salt=RESULT_SALT, max_age=3600)
        except signing.BadSignature:
            return None
        if result.get("reference") != payment.provider_reference:
            return None
        return _outcome(result)

    def verify_webhook(self, *, body: bytes, headers: dict[str, str]) -> Notice:
        verify_signature(
            body=body,
            header=headers.get(SIGNATURE_HEADER, ""),
            secret=settings.SANDBOX_WEBHOOK_SECRET,
        )
        try:
            payload = json.loads(body)
            return Notice(event_id=str(payload["id"]), kind=str(payload["type"]), payload=payload)
        except (ValueError, KeyError, TypeError) as error:
            raise BadSignature(_("The event could not be read."), code="malformed") from error

    def outcome_of(self, *, payload: dict[str, Any]) -> Outcome | None:
        kind = payload.get("type", "")
        if kind == "refund.succeeded":
            data = payload.get("data", {})
            return Outcome(
                reference=str(data.get("refund", "")),
                status=RefundStatus.SUCCEEDED,
                amount=_decimal(data.get("amount")),
                currency=str(data.get("currency", "")),
                is_refund=True,
                payment_reference=str(data.get("reference", "")),
            )
        if kind not in EVENT_STATUS:
            return None
        return _outcome({**payload.get("data", {}), "status": EVENT_STATUS[kind]})

    def refund(self, *, refund: Refund) -> Outcome:
        return Outcome(
            reference=f"sbr_{refund.idempotency_key.hex[:24]}",
            status=RefundStatus.SUCCEEDED,
            amount=refund.amount,
            currency=refund.currency,
            is_refund=True,
            payment_reference=refund.payment.provider_reference,
        )


# --- The hosted page's side: results and events ---------------------------------------------


def decide(*, payment: Payment, choice: str, card_country: str = "") -> dict[str, Any]:
    """What the sandbox says after the buyer's ``choice`` on its page."""
    result: dict[str, Any] = {
        "reference": payment.provider_reference,
        "amount": str(payment.amount),
        "currency": payment.currency,
        "card_country": card_country[:2].upper(),
    }
    if choice == APPROVE:
        return {**result, "status": PaymentStatus.SUCCEEDED}
    if choice == APPROVE_LATER:
        return {**result, "status": PaymentStatus.PROCESSING}
    message = (
        _("3-D Secure authentication failed.")
        if choice == CHALLENGE
        else _("The card was declined (sandbox).")
    )
    return {
        **result,
        "status": PaymentStatus.FAILED,
        "failure_code": "card_declined",
        "failure_message": message,
    }


def signed_result(result: dict[str, Any]) -> str:
    return signing.dumps(result, salt=RESULT_SALT)


def event_for(result: dict[str, Any]) -> dict[str, Any]:
    """The webhook event the sandbox sends for a result."""
    kind = {
        PaymentStatus.SUCCEEDED: "payment.succeeded",
        PaymentStatus.FAILED: "payment.failed",
        PaymentStatus.PROCESSING: "payment.processing",
    }[result["status"]]
    data = {key: value for key, value in result.items() if key != "status"}
    return {
        "id": f"evt_{secrets.token_hex(12)}",
        "type": kind,
        "created": int(time.time()),
        "data": data,
    }


def sign(*, body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The signature header for ``body``: ``t=<unix time>,v1=<hex HMAC-SHA256>``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify_signature(*, body: bytes, header: str, secret: str, now: float | None = None) -> None:
    """Raise ``BadSignature`` unless ``header`` signs ``body`` with ``secret``, recently."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _sep, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError) as error:
        raise BadSignature(_("The event is not signed."), code="unsigned") from error
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise BadSignature(_("The event's signature is too old."), code="stale")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    if not any(hmac.compare_digest(expected.hexdigest(), given) for given in parts.get("v1", [])):
        raise BadSignature(_("The event's signature does not match."), code="mismatch")


def _outcome(data: dict[str, Any]) -> Outcome:
    return Outcome(
        reference=str(data.get("reference", "")),
        status=str(data.get("status", "")),
        amount=_decimal(data.get("amount")),
        currency=str(data.get("currency", "")),
        failure_code=str(data.get("failure_code", "")),
        failure_message=str(data.get("failure_message", "")),
        card_country=str(data.get("card_country", "")),
    )


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None
