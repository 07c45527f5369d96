"""What every carrier adapter offers the services, and what it answers with.

An adapter talks to a carrier (or, for the sandbox, pretends to) and translates: it never writes
to the database. Services call it outside transactions and record what it says. Times cross this
boundary as aware datetimes, statuses as ``ShipmentStatus`` values.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from logistics.models import Shipment


@dataclass(frozen=True)
class Booking:
    """The carrier took the parcel on: its number, the carrier's own id, what the label prints."""

    tracking_number: str
    carrier_reference: str = ""
    estimated_delivery: date | None = None
    label_fields: dict[str, str] = field(default_factory=dict)  # e.g. a routing code


@dataclass(frozen=True)
class TrackingUpdate:
    """One thing that happened to a parcel, with the carrier's id for it (stable across calls)."""

    external_id: str
    status: str
    occurred_at: datetime
    location: str = ""
    description: str = ""


@dataclass(frozen=True)
class CarrierNotice:
    """A verified webhook: its id (unique per carrier), the parcel and what happened to it."""

    event_id: str
    tracking_number: str
    payload: dict[str, Any]


class Adapter(Protocol):
    code: str
    # True when the adapter books parcels (and makes the tracking number); False when it only
    # tracks a number the seller got from the carrier (an aggregator).
    books: bool

    def book(self, *, shipment: "Shipment", tracking_number: str, now: datetime) -> Booking:
        """Book the parcel with ``shipment.booking_key`` as the idempotency key: a retried
        booking is the same parcel (network I/O allowed, no database writes)."""
        ...

    def track(self, *, shipment: "Shipment", now: datetime) -> list[TrackingUpdate]:
        """Every event the carrier knows of for the parcel, in any order."""
        ...

    def verify_webhook(self, *, body: bytes, headers: dict[str, str]) -> CarrierNotice:
        """Check the signature (raise ``BadSignature``) and parse the event."""
        ...

    def updates_of(self, *, payload: dict[str, Any]) -> tuple[str, list[TrackingUpdate]]:
        """The tracking number and the tracking events a stored webhook payload reports."""
        ...
