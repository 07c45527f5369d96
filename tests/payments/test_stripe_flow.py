"""Stripe end to end through our services, against the local fake Stripe API: a buyer starts a
payment, Stripe's signed webhook pays the group (once, whatever the order of events), a bad
signature is refused, and refunds go through Stripe with their idempotency key."""

from decimal import Decimal

import pytest

from orders.models import GroupStatus
from payments.errors import RefundError
from payments.models import PaymentStatus, RefundStatus, WebhookEvent
from payments.services import refunds

from .factories import group_to_pay, started_payment

pytestmark = pytest.mark.django_db
URL = "/payments/webhooks/stripe/"


def _deliver(client, fake_stripe, type_: str, obj: dict, **signing):
    body = fake_stripe.event(type_, obj)
    headers = fake_stripe.signed(body, **signing)
    return client.post(
        URL,
        body,
        content_type="application/json",
        headers={"Stripe-Signature": headers["Stripe-Signature"]},
    )


@pytest.fixture
def stripe_payment(fake_stripe):
    group = group_to_pay(price=Decimal("1299.00"))
    return started_payment(group=group, provider="stripe")


def test_starting_a_stripe_payment_sends_the_buyer_to_stripes_form(stripe_payment, fake_stripe):
    assert stripe_payment.status == PaymentStatus.REQUIRES_ACTION
    assert stripe_payment.provider_reference.startswith("pi_")
    assert stripe_payment.provider_data["redirect_url"] == (
        f"/payments/p/{stripe_payment.number}/stripe/"
    )
    call = fake_stripe.calls_to("POST", "/v1/payment_intents")[0]
    assert call.params["amount"] == "129900"
    assert call.headers["idempotency-key"] == str(stripe_payment.idempotency_key)


def test_stripes_webhook_pays_the_group_and_a_replay_changes_nothing(
    client, stripe_payment, fake_stripe, run_outbox
):
    intent = fake_stripe.pay(stripe_payment.provider_reference, card_country="TW")
    body = fake_stripe.event("payment_intent.succeeded", intent)
    headers = {"Stripe-Signature": fake_stripe.signed(body)["Stripe-Signature"]}
    for _ in range(2):
        response = client.post(URL, body, content_type="application/json", headers=headers)
        assert response.status_code == 200
    assert WebhookEvent.objects.filter(provider="stripe").count() == 1
    run_outbox()
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.SUCCEEDED
    stripe_payment.group.refresh_from_db()
    assert stripe_payment.group.status == GroupStatus.PAID


def test_processing_arriving_after_success_changes_nothing(
    client, stripe_payment, fake_stripe, run_outbox
):
    intent = fake_stripe.pay(stripe_payment.provider_reference, card_country="TW")
    _deliver(client, fake_stripe, "payment_intent.succeeded", intent)
    _deliver(client, fake_stripe, "payment_intent.processing", {**intent, "status": "processing"})
    run_outbox()
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.SUCCEEDED


def test_a_webhook_signed_with_another_secret_is_refused(client, stripe_payment, fake_stripe):
    intent = fake_stripe.pay(stripe_payment.provider_reference)
    response = _deliver(client, fake_stripe, "payment_intent.succeeded", intent, secret="whsec_x")
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_declined_card_fails_the_attempt(client, stripe_payment, fake_stripe, run_outbox):
    intent = fake_stripe.decline(stripe_payment.provider_reference)
    _deliver(client, fake_stripe, "payment_intent.payment_failed", intent)
    run_outbox()
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.FAILED
    assert stripe_payment.failure_message


def test_refunds_go_through_stripe_once_and_never_above_the_payment(
    client, stripe_payment, fake_stripe, run_outbox, staff_user
):
    intent = fake_stripe.pay(stripe_payment.provider_reference, card_country="TW")
    _deliver(client, fake_stripe, "payment_intent.succeeded", intent)
    run_outbox()
    stripe_payment.refresh_from_db()
    refund = refunds.refund_payment(
        payment=stripe_payment, amount=Decimal("100"), by=None, reason="Scratched"
    )
    assert refund.status == RefundStatus.SUCCEEDED
    assert refund.provider_reference.startswith("re_")
    call = fake_stripe.calls_to("POST", "/v1/refunds")[0]
    assert (call.params["amount"], call.headers["idempotency-key"]) == (
        "10000",
        str(refund.idempotency_key),
    )
    with pytest.raises(RefundError):
        refunds.refund_payment(
            payment=stripe_payment, amount=Decimal("1199.01"), by=None, reason="Too much"
        )
    assert len(fake_stripe.calls_to("POST", "/v1/refunds")) == 1


def test_stripe_unreachable_leaves_the_refund_pending_for_a_retry(stripe_payment, fake_stripe):
    from payments.providers.base import Outcome
    from payments.services import paying

    fake_stripe.pay(stripe_payment.provider_reference, card_country="TW")
    paying.record_outcome(
        payment=stripe_payment,
        outcome=Outcome(reference=stripe_payment.provider_reference, status="succeeded"),
    )
    fake_stripe.fail_next(3, status=503)  # the first call and the library's two retries
    refund = refunds.refund_payment(
        payment=stripe_payment, amount=Decimal("10"), by=None, reason="Late"
    )
    assert refund.status == RefundStatus.PENDING
    stripe_payment.refresh_from_db()
    assert stripe_payment.refunded_amount == Decimal("10.00")  # reserved, not lost
    refund = refunds.send_refund(refund=refund)
    assert refund.status == RefundStatus.SUCCEEDED
