"""The tracking aggregator adapter: an AfterShip-style API that tracks parcels of hundreds of
carriers by their tracking number, for carriers we have no direct integration with.

The seller gets the tracking number from the carrier (a label made at the post office counter)
and enters it when shipping; ``book`` registers it with the aggregator (``POST /trackings``,
our booking key as the idempotency key; "already exists" is the same registration), ``track``
reads its checkpoints (``GET /trackings/<slug>/<number>``) and the aggregator's webhooks
(``tracking_update``, signed with a base64 HMAC-SHA256 of the body in
``aftership-hmac-sha256``) report new ones. ``slug`` is our carrier's code.

Checkpoints carry no id, so an event's id is a digest of its time, tag, message and place: the
same checkpoint read by a poll and pushed by a webhook is one tracking event.
Settings: ``LOGISTICS_TRACKER_API_URL``, ``_API_KEY``, ``_WEBHOOK_SECRET``, ``_TIMEOUT_SECONDS``.
"""

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime
from http.client import HTTPException
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from ..errors import BadSignature, CarrierError
from ..models import ShipmentStatus
from .base import Booking, CarrierNotice, TrackingUpdate

if TYPE_CHECKING:
    from logistics.models import Shipment

CODE = "tracker"
SIGNATURE_HEADER = "Aftership-Hmac-Sha256"
ALREADY_EXISTS = 4003
RETURNED_SUBTAGS = ("Exception_010", "Exception_011")
PICKED_UP_SUBTAGS = ("InTransit_002",)
TAG_STATUS = {
    "InfoReceived": ShipmentStatus.LABEL_CREATED,
    "InTransit": ShipmentStatus.IN_TRANSIT,
    "OutForDelivery": ShipmentStatus.OUT_FOR_DELIVERY,
    "AvailableForPickup": ShipmentStatus.OUT_FOR_DELIVERY,
    "AttemptFail": ShipmentStatus.EXCEPTION,
    "Exception": ShipmentStatus.EXCEPTION,
    "Delivered": ShipmentStatus.DELIVERED,
}


class TrackerAdapter:
    code = CODE
    books = False

    def book(self, *, shipment: "Shipment", tracking_number: str, now: datetime) -> Booking:
        if not tracking_number:
            raise CarrierError(
                _("Enter the tracking number the carrier gave you."), code="tracking_required"
            )
        body = {
            "tracking": {
                "slug": shipment.carrier.code,
                "tracking_number": tracking_number,
                "order_id": shipment.order.number,
                "title": shipment.order.number,
                "custom_fields": {"shipment_key": str(shipment.booking_key)},
            }
        }
        status, answer = _call(
            "POST", "/trackings", body=body, idempotency_key=str(shipment.booking_key)
        )
        meta_code = _meta_code(answer)
        if status >= 400 and meta_code != ALREADY_EXISTS:
            raise _refusal(status, answer)
        tracking = _tracking(answer)
        return Booking(
            tracking_number=str(tracking.get("tracking_number") or tracking_number),
            carrier_reference=str(tracking.get("id") or ""),
            estimated_delivery=_date(tracking.get("expected_delivery")),
        )

    def track(self, *, shipment: "Shipment", now: datetime) -> list[TrackingUpdate]:
        path = "/trackings/{}/{}".format(
            urllib.parse.quote(shipment.carrier.code, safe=""),
            urllib.parse.quote(shipment.tracking_number, safe=""),
        )
        status, answer = _call("GET", path)
        if status >= 400:
            raise _refusal(status, answer)
        return checkpoints_to_updates(_tracking(answer).get("checkpoints") or [])

    def verify_webhook(self, *, body: bytes, headers: dict[str, str]) -> CarrierNotice:
        verify_signature(
            body=body, headers=headers, secret=settings.LOGISTICS_TRACKER_WEBHOOK_SECRET
        )
        try:
            payload = json.loads(body)
            tracking = payload["msg"]
            return CarrierNotice(
                event_id=str(payload["event_id"]),
                tracking_number=str(tracking["tracking_number"]),
                payload=payload,
            )
        except (ValueError, KeyError, TypeError) as error:
            raise BadSignature(_("The event could not be read."), code="malformed") from error

    def updates_of(self, *, payload: dict[str, Any]) -> tuple[str, list[TrackingUpdate]]:
        tracking = payload.get("msg")
        if payload.get("event") != "tracking_update" or not isinstance(tracking, dict):
            return "", []
        number = str(tracking.get("tracking_number") or "")
        return number, checkpoints_to_updates(tracking.get("checkpoints") or [])


# --- Signatures ----------------------------------------------------------------------------


def sign(*, body: bytes, secret: str) -> str:
    """The aggregator's signature of a webhook body: base64 of its HMAC-SHA256."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_signature(*, body: bytes, headers: dict[str, str], secret: str) -> None:
    """Raise ``BadSignature`` unless the header signs ``body`` with ``secret``."""
    given = {key.lower(): value for key, value in headers.items()}.get(SIGNATURE_HEADER.lower())
    if not secret or not given:
        raise BadSignature(_("The event is not signed."), code="unsigned")
    if not hmac.compare_digest(sign(body=body, secret=secret), given.strip()):
        raise BadSignature(_("The event's signature does not match."), code="mismatch")


# --- Checkpoints -----------------------------------------------------------------------------


def checkpoints_to_updates(checkpoints: list[dict[str, Any]]) -> list[TrackingUpdate]:
    """Our tracking events for the aggregator's checkpoints; ones we cannot read are skipped."""
    updates = []
    for checkpoint in checkpoints:
        if not isinstance(checkpoint, dict):
            continue
        status = _status(str(checkpoint.get("tag", "")), str(checkpoint.get("subtag", "")))
        occurred_at = _moment(checkpoint.get("checkpoint_time"))
        if status is None or occurred_at is None:
            continue
        location = str(checkpoint.get("location") or checkpoint.get("city") or "")
        message = str(checkpoint.get("message") or "")
        key = "|".join(
            (
                str(checkpoint.get("checkpoint_time")),
                str(checkpoint.get("tag")),
                str(checkpoint.get("subtag", "")),
                message,
                location,
            )
        )
        updates.append(
            TrackingUpdate(
                external_id=hashlib.sha256(key.encode()).hexdigest()[:40],
                status=status,
                occurred_at=occurred_at,
                location=location[:200],
                description=message[:500],
            )
        )
    return updates


def _status(tag: str, subtag: str) -> str | None:
    if subtag in RETURNED_SUBTAGS:
        return ShipmentStatus.RETURNED
    if subtag in PICKED_UP_SUBTAGS:
        return ShipmentStatus.PICKED_UP
    return TAG_STATUS.get(tag)


def _moment(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


# --- HTTP ------------------------------------------------------------------------------------


def _call(
    method: str, path: str, *, body: dict[str, Any] | None = None, idempotency_key: str = ""
) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON answer); a network failure or a server error is a retryable
    ``CarrierError``."""
    headers = {
        "as-api-key": settings.LOGISTICS_TRACKER_API_KEY,
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 - the URL comes from settings
        settings.LOGISTICS_TRACKER_API_URL + path, data=data, headers=headers, method=method
    )
    timeout = settings.LOGISTICS_TRACKER_TIMEOUT_SECONDS
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except (urllib.error.URLError, TimeoutError, HTTPException, OSError) as error:
        raise CarrierError(
            _("The tracking service could not be reached; try again in a moment."),
            code="unreachable",
            retryable=True,
        ) from error
    if status >= 500:
        raise CarrierError(
            _("The tracking service is having trouble; try again in a moment."),
            code="carrier_down",
            retryable=True,
        )
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as error:
        raise CarrierError(
            _("The tracking service answered nonsense."), code="bad_answer"
        ) from error
    return status, answer if isinstance(answer, dict) else {}


def _meta_code(answer: dict[str, Any]) -> int | None:
    meta = answer.get("meta")
    code = meta.get("code") if isinstance(meta, dict) else None
    return code if isinstance(code, int) else None


def _tracking(answer: dict[str, Any]) -> dict[str, Any]:
    data = answer.get("data")
    tracking = data.get("tracking") if isinstance(data, dict) else None
    return tracking if isinstance(tracking, dict) else {}


def _refusal(status: int, answer: dict[str, Any]) -> CarrierError:
    meta = answer.get("meta") if isinstance(answer.get("meta"), dict) else {}
    message = str(meta.get("message") or "") if isinstance(meta, dict) else ""
    return CarrierError(
        _("The tracking service refused: %(reason)s")
        % {"reason": message or _("error %(status)s") % {"status": status}},
        code="carrier_refused",
        retryable=status == 429,
    )
