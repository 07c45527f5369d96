"""Stripe: PaymentIntents with automatic payment methods, refunds, webhooks and Connect transfers.

The buyer pays on our page with Stripe's Payment Element (Stripe.js talks to Stripe directly, so
no card number ever reaches our server); webhooks confirm the payment. Every call that moves
money carries our idempotency key, so a retried call is one charge, one refund, one transfer.

This module owns Stripe's currency table: integer minor units exist only here. It never writes
to the database and never runs inside a transaction (services call it before or after theirs).
"""

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from payments.errors import BadSignature, ProviderError
from payments.models import PaymentStatus, RefundStatus

from .base import Notice, Outcome, Started

if TYPE_CHECKING:
    from django.http import HttpRequest

    from payments.models import Payment, Refund

CENT = Decimal("0.01")
WHOLE = Decimal("1")
# The library retries connection errors, 409s and 5xx with our idempotency key, so a retry is safe.
NETWORK_RETRIES = 2
TIMEOUT_SECONDS = 20

# Stripe's currency table (docs.stripe.com/currencies). Amounts go to the API as integers in the
# currency's smallest unit: cents for most, whole units for zero-decimal currencies, thousandths
# (with a last digit of 0) for three-decimal ones.
ZERO_DECIMAL = frozenset(
    {
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
        "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    }
)  # fmt: skip
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
# Sent as two-decimal amounts, but only whole units are accepted ("5 ISK" is 500).
TWO_DECIMAL_WHOLE_UNITS = frozenset({"ISK"})
# Two-decimal for charges; payouts must be whole units (amounts divisible by 100), so what we
# transfer on to a merchant's connected account is kept to whole units too.
WHOLE_UNIT_PAYOUTS = frozenset({"HUF", "TWD"})

# A PaymentIntent's status in our payment life cycle.
STATUSES = {
    "requires_payment_method": PaymentStatus.FAILED,  # after a confirm: the method was refused
    "requires_confirmation": PaymentStatus.REQUIRES_ACTION,
    "requires_action": PaymentStatus.REQUIRES_ACTION,  # 3-D Secure, Alipay or WeChat Pay QR code
    "processing": PaymentStatus.PROCESSING,
    "requires_capture": PaymentStatus.PROCESSING,
    "succeeded": PaymentStatus.SUCCEEDED,
    "canceled": PaymentStatus.CANCELLED,
}
REFUND_STATUSES = {
    "pending": RefundStatus.PENDING,
    "requires_action": RefundStatus.PENDING,
    "succeeded": RefundStatus.SUCCEEDED,
    "failed": RefundStatus.FAILED,
    "canceled": RefundStatus.FAILED,
}
# Webhook events we act on; everything else is stored and ignored.
INTENT_EVENTS = frozenset(
    {
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
        "payment_intent.processing",
        "payment_intent.canceled",
        "payment_intent.requires_action",
    }
)
REFUND_EVENTS = frozenset({"refund.created", "refund.updated", "refund.failed"})


# --- Amounts ---------------------------------------------------------------------------------


def _exponent(currency: str) -> int:
    if currency in ZERO_DECIMAL:
        return 0
    return 3 if currency in THREE_DECIMAL else 2


def _smallest_amount(currency: str, *, payout: bool = False) -> Decimal:
    """The smallest step of an amount Stripe accepts in this currency (for a charge or a payout)."""
    if currency in ZERO_DECIMAL or currency in TWO_DECIMAL_WHOLE_UNITS:
        return WHOLE
    if payout and currency in WHOLE_UNIT_PAYOUTS:
        return WHOLE
    return CENT


def to_minor(amount: Decimal, currency: str, *, payout: bool = False) -> int:
    """``amount`` in Stripe's integer minor units. An amount Stripe cannot take exactly (1500.50
    JPY) is refused rather than rounded: charging another amount than the one due is a bug."""
    currency = currency.upper()
    if amount <= 0 or amount % _smallest_amount(currency, payout=payout):
        raise ProviderError(
            _("Stripe cannot take %(amount)s %(currency)s: the currency has fewer decimals.")
            % {"amount": amount, "currency": currency},
            code="amount_not_representable",
        )
    return int(amount.scaleb(_exponent(currency)))


def from_minor(value: int, currency: str) -> Decimal:
    """Stripe's integer minor units back to a stored amount (two decimals, rounded half up)."""
    amount = Decimal(value).scaleb(-_exponent(currency.upper()))
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def transferable_amount(amount: Decimal, currency: str) -> Decimal:
    """The part of ``amount`` Stripe can transfer and pay out (rounded down to whole units in
    HUF and TWD); the payouts code transfers this and leaves the rest on the balance."""
    step = _smallest_amount(currency.upper(), payout=True)
    return max(amount.quantize(step, rounding=ROUND_DOWN), Decimal("0")).quantize(CENT)


# --- Talking to Stripe -----------------------------------------------------------------------


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
    )


@contextmanager
def _stripe_call() -> Iterator[None]:
    """Stripe's exceptions as ``ProviderError``: retryable when Stripe was unreachable or busy."""
    try:
        yield
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
        raise ProviderError(
            _("Stripe could not be reached. Please try again in a moment."),
            code="stripe_unavailable",
            retryable=True,
        ) from error
    except stripe.StripeError as error:
        raise ProviderError(
            _("Stripe refused: %(reason)s") % {"reason": error.user_message or error},
            code=error.code or "stripe_refused",
        ) from error


def _intent_outcome(intent: Mapping[str, Any]) -> Outcome:
    status = STATUSES.get(intent["status"], PaymentStatus.REQUIRES_ACTION)
    currency = intent["currency"].upper()
    minor = intent.get("amount_received") if status == PaymentStatus.SUCCEEDED else None
    error = intent.get("last_payment_error") or {}
    failure_code, failure_message = "", ""
    if status == PaymentStatus.FAILED:
        failure_code = error.get("decline_code") or error.get("code") or "payment_failed"
        failure_message = error.get("message") or _("The payment method was refused.")
    elif status == PaymentStatus.CANCELLED:
        failure_code = intent.get("cancellation_reason") or "canceled"
        failure_message = _("The payment was cancelled at Stripe.")
    # The charge is there only when the intent was retrieved with expand=latest_charge.
    charge = intent.get("latest_charge")
    details = charge.get("payment_method_details") if isinstance(charge, Mapping) else None
    card = (details or {}).get("card") or {}
    return Outcome(
        reference=intent["id"],
        status=status,
        amount=from_minor(minor or intent["amount"], currency),
        currency=currency,
        failure_code=failure_code,
        failure_message=failure_message[:300],
        card_country=(card.get("country") or "").upper(),
    )


def _refund_outcome(refund: Mapping[str, Any]) -> Outcome:
    status = REFUND_STATUSES.get(refund["status"], RefundStatus.PENDING)
    failure = refund.get("failure_reason") or ""
    return Outcome(
        reference=refund["id"],
        status=status,
        amount=from_minor(refund["amount"], refund["currency"]),
        currency=refund["currency"].upper(),
        failure_code=failure if status == RefundStatus.FAILED else "",
        failure_message=_("The bank refused the refund (%(reason)s).") % {"reason": failure}
        if status == RefundStatus.FAILED
        else "",
        is_refund=True,
        payment_reference=refund.get("payment_intent") or "",
    )


def create_transfer(
    *, destination: str, amount: Decimal, currency: str, idempotency_key: str, description: str
) -> str:
    """Money sent to a merchant's connected account (Stripe Connect); answers the transfer's id.
    Only whole units in HUF and TWD (see ``transferable_amount``)."""
    params = {
        "amount": to_minor(amount, currency, payout=True),
        "currency": currency.lower(),
        "destination": destination,
        "description": description,
    }
    with _stripe_call():
        transfer = _client().v1.transfers.create(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": idempotency_key},
        )
    return transfer.id


# --- The provider ----------------------------------------------------------------------------


class StripeProvider:
    code = "stripe"

    def is_available(self, *, payment_shops: list[Any], purpose: str) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)

    def start(self, *, payment: "Payment", request: "HttpRequest") -> Started:
        """A PaymentIntent for the attempt; the buyer pays on our page with the Payment Element."""
        params = {
            "amount": to_minor(payment.amount, payment.currency),
            "currency": payment.currency.lower(),
            "automatic_payment_methods": {"enabled": True},
            # Not translated: a retry must send the very same parameters with the same key.
            "description": f"Order {payment.group.number}"
            if payment.group
            else f"Store credit top-up {payment.number}",
            "metadata": {
                "payment": payment.number,
                "group": payment.group.number if payment.group else "",
                "purpose": payment.purpose,
            },
        }
        with _stripe_call():
            intent = _client().v1.payment_intents.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": str(payment.idempotency_key)},
            )
        return Started(
            status=PaymentStatus.REQUIRES_ACTION,
            reference=intent.id,
            redirect_url=reverse("payments:stripe-pay", kwargs={"number": payment.number}),
            data={"client_secret": intent.client_secret},
        )

    def handle_return(self, *, payment: "Payment", params: dict[str, str]) -> Outcome | None:
        """Stripe sent the buyer back (``?payment_intent=pi_...``): the intent's state now."""
        returned = params.get("payment_intent", payment.provider_reference)
        if not payment.provider_reference or returned != payment.provider_reference:
            raise ProviderError(
                _("This return from Stripe does not belong to this payment."),
                code="reference_mismatch",
            )
        with _stripe_call():
            intent = _client().v1.payment_intents.retrieve(
                payment.provider_reference, params={"expand": ["latest_charge"]}
            )
        return _intent_outcome(intent.to_dict())

    def verify_webhook(self, *, body: bytes, headers: dict[str, str]) -> Notice:
        signature = next(
            (value for key, value in headers.items() if key.lower() == "stripe-signature"), None
        )
        try:
            stripe.Webhook.construct_event(body, signature, settings.STRIPE_WEBHOOK_SECRET)
            payload = json.loads(body)
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise BadSignature(
                _("This notification is not signed by Stripe."), code="bad_signature"
            ) from error
        return Notice(event_id=payload["id"], kind=payload["type"], payload=payload)

    def outcome_of(self, *, payload: dict[str, Any]) -> Outcome | None:
        kind, obj = payload.get("type", ""), payload.get("data", {}).get("object", {})
        if kind in INTENT_EVENTS:
            return _intent_outcome(obj)
        if kind in REFUND_EVENTS:
            return _refund_outcome(obj)
        # Charges list their refunds (newest first) only with API versions before 2022-11-15.
        refunds = (obj.get("refunds") or {}).get("data") if kind == "charge.refunded" else None
        return _refund_outcome(refunds[0]) if refunds else None

    def refund(self, *, refund: "Refund") -> Outcome:
        """The refund sent to Stripe against the payment's intent, once per idempotency key."""
        if not refund.payment.provider_reference:
            raise ProviderError(
                _("This payment has no Stripe reference to refund."), code="no_reference"
            )
        params = {
            "payment_intent": refund.payment.provider_reference,
            "amount": to_minor(refund.amount, refund.currency),
            "metadata": {"payment": refund.payment.number},
        }
        with _stripe_call():
            created = _client().v1.refunds.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": str(refund.idempotency_key)},
            )
        return _refund_outcome(created.to_dict())
