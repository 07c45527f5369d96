"""The sandbox carrier: the embedded default, a carrier that lives inside our own site.

It needs no network and no account. Booking is instant: the tracking number derives from the
shipment's booking key (so a retried booking is the same parcel) and the booking time travels in
the carrier reference. Tracking is a pure function of those and the clock: the parcel is picked
up within the hour, leaves the origin facility, reaches the destination hub, goes out for
delivery and is delivered after the service level's usual time - all sped up by
``LOGISTICS_SANDBOX_TIME_SCALE`` so the demo visibly moves. Polling twice gives the same events
with the same ids. Tracking numbers ending in 98 have a failed delivery attempt and arrive a day
late; those ending in 99 fail and go back to the sender. The sandbox sends no webhooks.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from ..errors import BadSignature
from ..models import ServiceLevel, ShipmentStatus
from .base import Booking, CarrierNotice, TrackingUpdate

if TYPE_CHECKING:
    from logistics.models import Shipment

CODE = "sandbox"
PREFIX = "SBX"
REFERENCE_PREFIX = "sbx-"
DELAYED_SUFFIX = "98"
RETURNED_SUFFIX = "99"
# Hours from booking to delivery per service level, as a real carrier would take them.
TRANSIT_HOURS = {ServiceLevel.EXPRESS: 26, ServiceLevel.STANDARD: 60, ServiceLevel.ECONOMY: 130}


@dataclass(frozen=True)
class _Step:
    key: str
    hours: float
    status: str
    description: str
    place: str  # "origin", "hub" or "destination"


class SandboxAdapter:
    code = CODE
    books = True

    def book(self, *, shipment: "Shipment", tracking_number: str, now: datetime) -> Booking:
        return Booking(
            tracking_number=tracking_number_for(shipment.booking_key.int),
            carrier_reference=f"{REFERENCE_PREFIX}{int(now.timestamp())}",
            label_fields={"route": f"{shipment.origin_country}-{shipment.destination_country}"},
        )

    def track(self, *, shipment: "Shipment", now: datetime) -> list[TrackingUpdate]:
        booked_at = booked_at_of(shipment.carrier_reference)
        if booked_at is None or not shipment.tracking_number:
            return []
        scale = float(settings.LOGISTICS_SANDBOX_TIME_SCALE)
        jitter = int(hashlib.sha256(shipment.tracking_number.encode()).hexdigest(), 16) % 40
        places = _places(shipment)
        updates = []
        for step in _steps(shipment):
            hours = step.hours + (jitter / 60 if step.hours else 0)
            occurred_at = booked_at + timedelta(hours=hours / scale)
            if occurred_at > now:
                break
            updates.append(
                TrackingUpdate(
                    external_id=f"{shipment.tracking_number}-{step.key}",
                    status=step.status,
                    occurred_at=occurred_at,
                    location=places[step.place],
                    description=step.description,
                )
            )
        return updates

    def verify_webhook(self, *, body: bytes, headers: dict[str, str]) -> CarrierNotice:
        raise BadSignature(_("The sandbox carrier sends no webhooks."), code="no_webhooks")

    def updates_of(self, *, payload: dict[str, Any]) -> tuple[str, list[TrackingUpdate]]:
        return "", []


def tracking_number_for(key: int) -> str:
    """The sandbox's tracking number for a booking key (the same key, the same number)."""
    return f"{PREFIX}{key % 10**10:010d}"


def booked_at_of(reference: str) -> datetime | None:
    if not reference.startswith(REFERENCE_PREFIX):
        return None
    try:
        return datetime.fromtimestamp(int(reference.removeprefix(REFERENCE_PREFIX)), tz=UTC)
    except ValueError:
        return None


def _places(shipment: "Shipment") -> dict[str, str]:
    city = shipment.order.group.city
    destination = (
        f"{city}, {shipment.destination_country}" if city else shipment.destination_country
    )
    return {
        "origin": shipment.origin_country,
        "hub": _("%(country)s sorting centre") % {"country": shipment.destination_country},
        "destination": destination,
    }


def _steps(shipment: "Shipment") -> list[_Step]:
    """The parcel's journey, in carrier hours after booking."""
    total = TRANSIT_HOURS.get(shipment.service, TRANSIT_HOURS[ServiceLevel.STANDARD])
    steps = [
        _Step(
            "picked-up", 0.75, ShipmentStatus.PICKED_UP, _("Picked up from the sender"), "origin"
        ),
        _Step("departed", 5, ShipmentStatus.IN_TRANSIT, _("Left the origin facility"), "origin"),
        _Step("arrived", total * 0.7, ShipmentStatus.IN_TRANSIT, _("Arrived at the hub"), "hub"),
        _Step(
            "out",
            total - 4,
            ShipmentStatus.OUT_FOR_DELIVERY,
            _("Out for delivery"),
            "destination",
        ),
    ]
    number = shipment.tracking_number
    failed = _Step(
        "attempt",
        total - 1,
        ShipmentStatus.EXCEPTION,
        _("Delivery attempted: nobody was there to receive it"),
        "destination",
    )
    if number.endswith(RETURNED_SUFFIX):
        return [
            *steps,
            failed,
            _Step(
                "returned",
                total + 72,
                ShipmentStatus.RETURNED,
                _("Not collected: returned to the sender"),
                "origin",
            ),
        ]
    if number.endswith(DELAYED_SUFFIX):
        return [
            *steps,
            failed,
            _Step(
                "out-again",
                total + 20,
                ShipmentStatus.OUT_FOR_DELIVERY,
                _("Out for delivery again"),
                "destination",
            ),
            _Step("delivered", total + 24, ShipmentStatus.DELIVERED, _("Delivered"), "destination"),
        ]
    return [
        *steps,
        _Step("delivered", total, ShipmentStatus.DELIVERED, _("Delivered"), "destination"),
    ]
