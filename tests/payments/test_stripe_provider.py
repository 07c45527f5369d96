"""The Stripe provider against a local fake of Stripe's API: intents, returns, webhooks with
Stripe's signature scheme, refunds, Connect transfers and Stripe's currency table.

Nothing here reaches the internet: ``fake_stripe`` points ``STRIPE_API_BASE`` at a local server
that speaks Stripe's REST API, and the provider uses the official ``stripe`` library unchanged.
"""

import json
import socket
import time
from decimal import Decimal

import pytest
from django.test import RequestFactory

from payments import providers
from payments.errors import BadSignature, ProviderError
from payments.models import PaymentStatus, ProviderCode, RefundStatus
from payments.providers.stripe import (
    StripeProvider,
    create_transfer,
    from_minor,
    to_minor,
    transferable_amount,
)
from tests.payments.factories import PaymentFactory, RefundFactory

pytestmark = pytest.mark.django_db

stripe_provider = StripeProvider()


def stripe_payment(**fields):
    fields.setdefault("provider", ProviderCode.STRIPE)
    return PaymentFactory(**fields)


def started(payment):
    """The attempt started at Stripe, with what the services record of the answer."""
    answer = stripe_provider.start(payment=payment, request=RequestFactory().get("/"))
    payment.provider_reference = answer.reference
    payment.provider_data = answer.data
    payment.status = answer.status
    payment.save()
    return answer


def paid(fake, payment, *, card_country="US"):
    """A succeeded Stripe payment (the buyer paid on Stripe's form)."""
    started(payment)
    fake.pay(payment.provider_reference, card_country=card_country)
    payment.status = PaymentStatus.SUCCEEDED
    payment.save()
    return payment


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Registry and availability -----------------------------------------------------------------


def test_stripe_is_registered_when_the_platform_offers_it(settings):
    settings.PAYMENT_PROVIDERS = ["sandbox", "stripe"]
    assert isinstance(providers.get("stripe"), StripeProvider)
    assert "stripe" in providers.offered()


def test_stripe_is_available_only_with_both_keys(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_x", "pk_test_x"
    assert stripe_provider.is_available(payment_shops=[], purpose="order")
    settings.STRIPE_PUBLISHABLE_KEY = ""
    assert not stripe_provider.is_available(payment_shops=[], purpose="order")
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "", "pk_test_x"
    assert not stripe_provider.is_available(payment_shops=[], purpose="order")


# --- Starting a payment --------------------------------------------------------------------------


def test_start_creates_a_payment_intent_for_the_amount_in_minor_units(fake_stripe):
    payment = stripe_payment(amount=Decimal("123.45"), currency="USD")

    answer = stripe_provider.start(payment=payment, request=RequestFactory().get("/"))

    [call] = fake_stripe.calls_to("POST", "/v1/payment_intents")
    assert call.params == {
        "amount": "12345",
        "currency": "usd",
        "automatic_payment_methods": {"enabled": "true"},
        "description": f"Order {payment.group.number}",
        "metadata": {"payment": payment.number, "group": payment.group.number, "purpose": "order"},
    }
    assert call.headers["idempotency-key"] == str(payment.idempotency_key)
    assert call.headers["authorization"] == "Bearer sk_test_fake"
    [intent] = fake_stripe.intents.values()
    assert answer.status == PaymentStatus.REQUIRES_ACTION
    assert answer.reference == intent["id"]
    assert answer.data == {"client_secret": intent["client_secret"]}
    assert answer.redirect_url == f"/payments/p/{payment.number}/stripe/"


def test_a_retried_start_gets_the_same_intent(fake_stripe):
    payment = stripe_payment()

    first = stripe_provider.start(payment=payment, request=RequestFactory().get("/"))
    again = stripe_provider.start(payment=payment, request=RequestFactory().get("/"))

    assert again == first
    assert len(fake_stripe.intents) == 1
    assert [call.replayed for call in fake_stripe.calls_to("POST", "/v1/payment_intents")] == [
        False,
        True,
    ]


def test_another_attempt_gets_another_intent(fake_stripe):
    group = PaymentFactory().group
    first = stripe_payment(group=group)
    second = stripe_payment(group=group)

    assert started(first).reference != started(second).reference
    assert len(fake_stripe.intents) == 2


def test_start_charges_yen_in_whole_yen(fake_stripe):
    payment = stripe_payment(amount=Decimal("1500.00"), currency="JPY")

    started(payment)

    intent = fake_stripe.intents[payment.provider_reference]
    assert (intent["amount"], intent["currency"]) == (1500, "jpy")


def test_start_refuses_an_amount_stripe_cannot_charge_exactly_and_calls_nobody(fake_stripe):
    payment = stripe_payment(amount=Decimal("1500.50"), currency="JPY")

    with pytest.raises(ProviderError) as refused:
        stripe_provider.start(payment=payment, request=RequestFactory().get("/"))

    assert refused.value.code == "amount_not_representable" and not refused.value.retryable
    assert fake_stripe.calls == []


def test_a_server_error_is_retried_with_the_same_key_and_makes_one_intent(fake_stripe):
    fake_stripe.fail_next(1, status=500)
    payment = stripe_payment()

    started(payment)

    calls = fake_stripe.calls_to("POST", "/v1/payment_intents")
    assert [call.status for call in calls] == [500, 200]
    assert {call.headers["idempotency-key"] for call in calls} == {str(payment.idempotency_key)}
    assert len(fake_stripe.intents) == 1


def test_stripe_down_is_a_retryable_provider_error(fake_stripe):
    fake_stripe.fail_next(3, status=503)

    with pytest.raises(ProviderError) as failed:
        started(stripe_payment())

    assert failed.value.retryable and failed.value.code == "stripe_unavailable"
    assert fake_stripe.intents == {}


def test_stripe_unreachable_is_a_retryable_provider_error(fake_stripe, settings):
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{unused_port()}"

    with pytest.raises(ProviderError) as failed:
        started(stripe_payment())

    assert failed.value.retryable


def test_a_wrong_secret_key_is_refused_for_good(fake_stripe, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_wrong"

    with pytest.raises(ProviderError) as refused:
        started(stripe_payment())

    assert not refused.value.retryable
    assert "Invalid API Key" in refused.value.message
    assert fake_stripe.intents == {}


# --- The buyer comes back ------------------------------------------------------------------------


def test_return_after_paying_by_card_reports_success_amount_and_card_country(fake_stripe):
    payment = stripe_payment(amount=Decimal("42.50"), currency="USD")
    started(payment)
    fake_stripe.pay(payment.provider_reference, card_country="jp")

    outcome = stripe_provider.handle_return(
        payment=payment,
        params={"payment_intent": payment.provider_reference, "redirect_status": "succeeded"},
    )

    assert outcome.status == PaymentStatus.SUCCEEDED
    assert (outcome.reference, outcome.amount, outcome.currency) == (
        payment.provider_reference,
        Decimal("42.50"),
        "USD",
    )
    assert outcome.card_country == "JP"
    [call] = fake_stripe.calls_to("GET", f"/v1/payment_intents/{payment.provider_reference}")
    assert call.params == {"expand": ["latest_charge"]}


def test_return_after_a_decline_reports_the_failure_with_stripes_message(fake_stripe):
    payment = stripe_payment()
    started(payment)
    fake_stripe.decline(payment.provider_reference, decline_code="insufficient_funds")

    outcome = stripe_provider.handle_return(
        payment=payment, params={"payment_intent": payment.provider_reference}
    )

    assert outcome.status == PaymentStatus.FAILED
    assert outcome.failure_code == "insufficient_funds"
    assert outcome.failure_message == "Your card was declined."
    assert outcome.card_country == ""


@pytest.mark.parametrize(
    ("stripe_status", "status"),
    [
        ("requires_action", PaymentStatus.REQUIRES_ACTION),
        ("processing", PaymentStatus.PROCESSING),
        ("canceled", PaymentStatus.CANCELLED),
    ],
)
def test_return_translates_the_other_intent_statuses(fake_stripe, stripe_status, status):
    payment = stripe_payment(amount=Decimal("10.00"))
    started(payment)
    fake_stripe.set_status(payment.provider_reference, stripe_status)

    outcome = stripe_provider.handle_return(
        payment=payment, params={"payment_intent": payment.provider_reference}
    )

    assert (outcome.status, outcome.amount, outcome.currency) == (status, Decimal("10.00"), "USD")
    assert bool(outcome.failure_message) == (status == PaymentStatus.CANCELLED)


def test_a_return_for_another_intent_is_refused_without_asking_stripe(fake_stripe):
    payment, other = stripe_payment(), stripe_payment()
    started(payment), started(other)
    fake_stripe.pay(other.provider_reference)
    calls_before = len(fake_stripe.calls)

    with pytest.raises(ProviderError) as refused:
        stripe_provider.handle_return(
            payment=payment, params={"payment_intent": other.provider_reference}
        )

    assert refused.value.code == "reference_mismatch"
    assert len(fake_stripe.calls) == calls_before


def test_a_return_for_an_attempt_never_started_is_refused(fake_stripe):
    with pytest.raises(ProviderError):
        stripe_provider.handle_return(payment=stripe_payment(), params={"payment_intent": "pi_1"})
    assert fake_stripe.calls == []


# --- Webhooks ------------------------------------------------------------------------------------


def succeeded_event(fake, *, amount=Decimal("20.00")):
    payment = stripe_payment(amount=amount)
    started(payment)
    return fake.event("payment_intent.succeeded", fake.pay(payment.provider_reference))


def test_a_webhook_signed_by_stripe_is_accepted(fake_stripe):
    body = succeeded_event(fake_stripe)

    notice = stripe_provider.verify_webhook(body=body, headers=fake_stripe.signed(body))

    assert notice.event_id == json.loads(body)["id"]
    assert notice.kind == "payment_intent.succeeded"
    assert notice.payload == json.loads(body)


def test_the_signature_header_is_found_whatever_its_case(fake_stripe):
    body = succeeded_event(fake_stripe)
    headers = {"stripe-signature": fake_stripe.signed(body)["Stripe-Signature"]}

    assert stripe_provider.verify_webhook(body=body, headers=headers).kind


def test_a_webhook_signed_with_another_secret_is_refused(fake_stripe):
    body = succeeded_event(fake_stripe)

    with pytest.raises(BadSignature):
        stripe_provider.verify_webhook(
            body=body, headers=fake_stripe.signed(body, secret="whsec_someone_else")
        )


def test_a_webhook_without_signature_is_refused(fake_stripe):
    body = succeeded_event(fake_stripe)

    with pytest.raises(BadSignature):
        stripe_provider.verify_webhook(body=body, headers={"Content-Type": "application/json"})


def test_a_webhook_with_a_changed_body_is_refused(fake_stripe):
    body = succeeded_event(fake_stripe)
    headers = fake_stripe.signed(body)
    changed = body.replace(b'"amount": 2000', b'"amount": 1')
    assert changed != body

    with pytest.raises(BadSignature):
        stripe_provider.verify_webhook(body=changed, headers=headers)


def test_a_replayed_old_webhook_is_refused(fake_stripe):
    body = succeeded_event(fake_stripe)
    ten_minutes_ago = int(time.time()) - 600

    with pytest.raises(BadSignature):
        stripe_provider.verify_webhook(
            body=body, headers=fake_stripe.signed(body, timestamp=ten_minutes_ago)
        )


def test_a_recent_webhook_within_stripes_tolerance_is_accepted(fake_stripe):
    body = succeeded_event(fake_stripe)
    two_minutes_ago = int(time.time()) - 120

    assert stripe_provider.verify_webhook(
        body=body, headers=fake_stripe.signed(body, timestamp=two_minutes_ago)
    )


def test_no_webhook_is_accepted_while_no_webhook_secret_is_set(fake_stripe, settings):
    body = succeeded_event(fake_stripe)
    headers = fake_stripe.signed(body)
    settings.STRIPE_WEBHOOK_SECRET = ""

    with pytest.raises(BadSignature):
        stripe_provider.verify_webhook(body=body, headers=headers)


def test_a_signed_body_that_is_not_json_is_refused(fake_stripe):
    body = b"not json"

    with pytest.raises(BadSignature):
        stripe_provider.verify_webhook(body=body, headers=fake_stripe.signed(body))


# --- What events say ----------------------------------------------------------------------------


def outcome_of(fake, type_, obj):
    return stripe_provider.outcome_of(payload=json.loads(fake.event(type_, obj)))


def test_payment_intent_succeeded_says_succeeded_with_the_amount_received(fake_stripe):
    payment = stripe_payment(amount=Decimal("20.00"))
    started(payment)

    outcome = outcome_of(
        fake_stripe, "payment_intent.succeeded", fake_stripe.pay(payment.provider_reference)
    )

    assert outcome.status == PaymentStatus.SUCCEEDED
    assert (outcome.reference, outcome.amount, outcome.currency) == (
        payment.provider_reference,
        Decimal("20.00"),
        "USD",
    )
    assert not outcome.is_refund


def test_payment_intent_payment_failed_says_failed_with_the_reason(fake_stripe):
    payment = stripe_payment()
    started(payment)

    outcome = outcome_of(
        fake_stripe,
        "payment_intent.payment_failed",
        fake_stripe.decline(payment.provider_reference, code="expired_card", decline_code=""),
    )

    assert (outcome.status, outcome.failure_code) == (PaymentStatus.FAILED, "expired_card")
    assert outcome.failure_message == "Your card was declined."


@pytest.mark.parametrize(
    ("event_type", "stripe_status", "status"),
    [
        ("payment_intent.processing", "processing", PaymentStatus.PROCESSING),
        ("payment_intent.canceled", "canceled", PaymentStatus.CANCELLED),
        ("payment_intent.requires_action", "requires_action", PaymentStatus.REQUIRES_ACTION),
    ],
)
def test_other_payment_intent_events(fake_stripe, event_type, stripe_status, status):
    payment = stripe_payment()
    started(payment)

    outcome = outcome_of(
        fake_stripe, event_type, fake_stripe.set_status(payment.provider_reference, stripe_status)
    )

    assert (outcome.status, outcome.reference) == (status, payment.provider_reference)
    assert not outcome.is_refund


def test_refund_updated_says_how_the_refund_ended(fake_stripe):
    refund = RefundFactory(payment=paid(fake_stripe, stripe_payment()), amount=Decimal("3.00"))
    created = stripe_provider.refund(refund=refund)

    failed = outcome_of(fake_stripe, "refund.updated", fake_stripe.fail_refund(created.reference))

    assert failed.is_refund
    assert (failed.reference, failed.status) == (created.reference, RefundStatus.FAILED)
    assert (failed.amount, failed.currency) == (Decimal("3.00"), "USD")
    assert failed.payment_reference == refund.payment.provider_reference
    assert failed.failure_code == "expired_or_canceled_card" and failed.failure_message


def test_charge_refunded_says_which_refund_when_the_charge_lists_them(fake_stripe):
    payment = paid(fake_stripe, stripe_payment())
    outcome = stripe_provider.refund(refund=RefundFactory(payment=payment))
    charge = fake_stripe.charge_of(payment.provider_reference)
    refund = fake_stripe.refunds[outcome.reference]
    # API versions before 2022-11-15 list the charge's refunds, newest first.
    charge["refunds"] = {"object": "list", "data": [refund], "has_more": False}

    listed = outcome_of(fake_stripe, "charge.refunded", charge)

    assert listed.is_refund
    assert (listed.reference, listed.status) == (outcome.reference, RefundStatus.SUCCEEDED)
    assert listed.payment_reference == payment.provider_reference


def test_charge_refunded_without_its_refunds_says_nothing(fake_stripe):
    payment = paid(fake_stripe, stripe_payment())
    stripe_provider.refund(refund=RefundFactory(payment=payment))

    charge = fake_stripe.charge_of(payment.provider_reference)

    assert outcome_of(fake_stripe, "charge.refunded", charge) is None


def test_events_we_do_not_act_on_say_nothing(fake_stripe):
    customer = {"id": "cus_1", "object": "customer"}

    assert outcome_of(fake_stripe, "customer.created", customer) is None


# --- Refunds -------------------------------------------------------------------------------------


def test_a_partial_refund_goes_to_stripe_with_the_refunds_idempotency_key(fake_stripe):
    payment = paid(fake_stripe, stripe_payment(amount=Decimal("50.00")))
    refund = RefundFactory(payment=payment, amount=Decimal("12.34"))

    outcome = stripe_provider.refund(refund=refund)

    [call] = fake_stripe.calls_to("POST", "/v1/refunds")
    assert call.params == {
        "payment_intent": payment.provider_reference,
        "amount": "1234",
        "metadata": {"payment": payment.number},
    }
    assert call.headers["idempotency-key"] == str(refund.idempotency_key)
    assert outcome.is_refund and outcome.status == RefundStatus.SUCCEEDED
    assert outcome.reference in fake_stripe.refunds
    assert (outcome.amount, outcome.currency) == (Decimal("12.34"), "USD")
    assert outcome.payment_reference == payment.provider_reference


def test_a_retried_refund_refunds_once(fake_stripe):
    payment = paid(fake_stripe, stripe_payment(amount=Decimal("50.00")))
    refund = RefundFactory(payment=payment, amount=Decimal("30.00"))

    first = stripe_provider.refund(refund=refund)
    again = stripe_provider.refund(refund=refund)

    assert again == first
    assert len(fake_stripe.refunds) == 1
    assert fake_stripe.charge_of(payment.provider_reference)["amount_refunded"] == 3000


def test_two_refunds_of_one_payment_are_two_refunds(fake_stripe):
    payment = paid(fake_stripe, stripe_payment(amount=Decimal("50.00")))

    stripe_provider.refund(refund=RefundFactory(payment=payment, amount=Decimal("20.00")))
    stripe_provider.refund(refund=RefundFactory(payment=payment, amount=Decimal("30.00")))

    assert fake_stripe.charge_of(payment.provider_reference)["refunded"] is True


def test_a_refund_stripe_refuses_is_not_retryable_and_refunds_nothing(fake_stripe):
    payment = paid(fake_stripe, stripe_payment(amount=Decimal("50.00")))
    refund = RefundFactory(payment=payment, amount=Decimal("50.01"))

    with pytest.raises(ProviderError) as refused:
        stripe_provider.refund(refund=refund)

    assert not refused.value.retryable and refused.value.code == "amount_too_large"
    assert fake_stripe.refunds == {}


def test_a_refund_while_stripe_is_down_is_retryable_and_refunds_nothing(fake_stripe):
    payment = paid(fake_stripe, stripe_payment())
    fake_stripe.fail_next(3, status=500)

    with pytest.raises(ProviderError) as failed:
        stripe_provider.refund(refund=RefundFactory(payment=payment))

    assert failed.value.retryable
    assert fake_stripe.refunds == {}


def test_a_refund_of_an_attempt_without_a_stripe_reference_is_refused(fake_stripe):
    refund = RefundFactory(payment=stripe_payment(status=PaymentStatus.SUCCEEDED))

    with pytest.raises(ProviderError) as refused:
        stripe_provider.refund(refund=refund)

    assert refused.value.code == "no_reference"
    assert fake_stripe.calls == []


# --- Connect transfers ---------------------------------------------------------------------------


def test_a_transfer_goes_to_the_connected_account(fake_stripe):
    account = fake_stripe.add_account()

    transfer_id = create_transfer(
        destination=account,
        amount=Decimal("80.25"),
        currency="USD",
        idempotency_key="payout-1",
        description="Payout P1",
    )

    transfer = fake_stripe.transfers[transfer_id]
    assert (transfer["amount"], transfer["currency"]) == (8025, "usd")
    assert (transfer["destination"], transfer["description"]) == (account, "Payout P1")
    [call] = fake_stripe.calls_to("POST", "/v1/transfers")
    assert call.headers["idempotency-key"] == "payout-1"


def test_a_retried_transfer_transfers_once(fake_stripe):
    account = fake_stripe.add_account()
    send = {
        "destination": account,
        "amount": Decimal("10.00"),
        "currency": "USD",
        "idempotency_key": "payout-2",
        "description": "Payout P2",
    }

    assert create_transfer(**send) == create_transfer(**send)
    assert len(fake_stripe.transfers) == 1


def test_a_transfer_to_an_unknown_account_is_refused_for_good(fake_stripe):
    with pytest.raises(ProviderError) as refused:
        create_transfer(
            destination="acct_unknown",
            amount=Decimal("10.00"),
            currency="USD",
            idempotency_key="payout-3",
            description="Payout P3",
        )

    assert not refused.value.retryable and refused.value.code == "resource_missing"
    assert fake_stripe.transfers == {}


def test_a_transfer_in_taiwan_dollars_must_be_whole_dollars(fake_stripe):
    account = fake_stripe.add_account()
    send = {"destination": account, "currency": "TWD", "description": "Payout P4"}

    with pytest.raises(ProviderError):
        create_transfer(amount=Decimal("1234.56"), idempotency_key="payout-4", **send)
    transfer_id = create_transfer(
        amount=transferable_amount(Decimal("1234.56"), "TWD"), idempotency_key="payout-5", **send
    )

    assert fake_stripe.transfers[transfer_id]["amount"] == 123400
    assert len(fake_stripe.transfers) == 1


# --- Stripe's currency table ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("19.99", "USD", 1999),
        ("0.50", "EUR", 50),
        ("1500.00", "JPY", 1500),
        ("1500", "jpy", 1500),
        ("50000", "KRW", 50000),
        ("1234.56", "TWD", 123456),  # two-decimal for charges
        ("1234.56", "HUF", 123456),
        ("500.00", "ISK", 50000),  # two-decimal form, whole krónur only
        ("1.23", "KWD", 1230),  # three-decimal, last digit 0
    ],
)
def test_amounts_in_stripes_minor_units_and_back(amount, currency, minor):
    assert to_minor(Decimal(amount), currency) == minor
    assert from_minor(minor, currency) == Decimal(amount).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("1500.50", "JPY"), ("0.01", "KRW"), ("500.50", "ISK"), ("0", "USD"), ("-1.00", "USD")],
)
def test_amounts_stripe_cannot_take_exactly_are_refused_not_rounded(amount, currency):
    with pytest.raises(ProviderError):
        to_minor(Decimal(amount), currency)


def test_payouts_in_taiwan_dollars_and_forints_are_whole_units():
    assert to_minor(Decimal("1234.00"), "TWD", payout=True) == 123400
    with pytest.raises(ProviderError):
        to_minor(Decimal("1234.56"), "TWD", payout=True)
    with pytest.raises(ProviderError):
        to_minor(Decimal("99.50"), "HUF", payout=True)
    assert to_minor(Decimal("1234.56"), "USD", payout=True) == 123456


@pytest.mark.parametrize(
    ("amount", "currency", "transferable"),
    [
        ("1234.99", "TWD", "1234.00"),  # rounded down: the rest stays on the balance
        ("1234.99", "HUF", "1234.00"),
        ("1234.99", "USD", "1234.99"),
        ("1234.00", "JPY", "1234.00"),
        ("0.99", "TWD", "0.00"),
    ],
)
def test_the_transferable_part_of_a_balance(amount, currency, transferable):
    assert transferable_amount(Decimal(amount), currency) == Decimal(transferable)


def test_minor_units_of_three_decimal_currencies_are_rounded_half_up_to_cents():
    assert from_minor(1235, "KWD") == Decimal("1.24")
    assert from_minor(1234, "KWD") == Decimal("1.23")
