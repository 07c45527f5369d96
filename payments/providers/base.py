"""What every payment provider offers the services, and what it answers with.

A provider talks to the outside world (or, for the sandbox, pretends to) and translates: it never
writes to the database. Services call it outside transactions and record what it says.
Amounts cross this boundary as ``Decimal`` in the payment's currency; a provider converts to its
own minor units inside its module.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django.http import HttpRequest

    from payments.models import Payment, Refund


@dataclass(frozen=True)
class Started:
    """The provider accepted a new attempt."""

    status: str  # a PaymentStatus: requires_action (buyer must act), processing or succeeded
    reference: str = ""  # the provider's id of the attempt (a PaymentIntent id...)
    redirect_url: str = ""  # where to send the buyer, if anywhere
    data: dict[str, Any] = field(default_factory=dict)  # kept on Payment.provider_data


@dataclass(frozen=True)
class Outcome:
    """What the provider says happened to a payment or a refund."""

    reference: str  # the provider's id of the payment (or of the refund)
    status: str  # a PaymentStatus (for refunds a RefundStatus)
    amount: Decimal | None = None
    currency: str = ""
    failure_code: str = ""
    failure_message: str = ""
    card_country: str = ""
    is_refund: bool = False
    payment_reference: str = ""  # for a refund: the payment it belongs to


@dataclass(frozen=True)
class Notice:
    """A verified webhook: its id (unique per provider), its type and the whole payload."""

    event_id: str
    kind: str
    payload: dict[str, Any]


class Provider(Protocol):
    code: str

    def is_available(self, *, payment_shops: list[Any], purpose: str) -> bool:
        """May the buyer use this method for these shops' orders (or a top-up)?"""
        ...

    def start(self, *, payment: "Payment", request: "HttpRequest") -> Started:
        """Begin the attempt with the provider (network I/O allowed, no database writes)."""
        ...

    def handle_return(self, *, payment: "Payment", params: dict[str, str]) -> Outcome | None:
        """The buyer came back from the provider's page: what is the attempt's state now?
        ``None`` when only a webhook can tell."""
        ...

    def verify_webhook(self, *, body: bytes, headers: dict[str, str]) -> Notice:
        """Check the signature (raise ``BadSignature``) and parse the event."""
        ...

    def outcome_of(self, *, payload: dict[str, Any]) -> Outcome | None:
        """What a stored event says; ``None`` for event types we do not act on."""
        ...

    def refund(self, *, refund: "Refund") -> Outcome:
        """Send the refund (with ``refund.idempotency_key``); raise ``ProviderError`` on failure."""
        ...
