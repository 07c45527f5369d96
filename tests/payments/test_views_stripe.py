"""The buyer's Stripe page: only the buyer's own Stripe attempt, Stripe's Payment Element with
the client secret (no card field of ours), and what Stripe says when it sends the buyer back."""

import re
from decimal import Decimal

import pytest
from django.test import RequestFactory

from orders.models import GroupStatus
from payments.models import PaymentStatus, ProviderCode
from payments.providers.stripe import StripeProvider
from tests.payments.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def started_stripe_payment(**fields):
    """A Stripe attempt as the services leave it after ``start``: waiting for the buyer."""
    payment = PaymentFactory(provider=ProviderCode.STRIPE, **fields)
    answer = StripeProvider().start(payment=payment, request=RequestFactory().get("/"))
    payment.provider_reference = answer.reference
    payment.provider_data = answer.data
    payment.status = answer.status
    payment.save()
    return payment


def url_of(payment) -> str:
    return f"/payments/p/{payment.number}/stripe/"


def payment_form(html: str) -> str:
    match = re.search(r'<form id="stripe-payment-form".*?</form>', html, re.S)
    return match[0] if match else ""


def test_the_page_needs_a_login(client, fake_stripe):
    payment = started_stripe_payment()

    response = client.get(url_of(payment))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_buyer_gets_stripes_payment_element_with_the_client_secret(client_as, fake_stripe):
    payment = started_stripe_payment(amount=Decimal("25.00"))

    response = client_as(payment.buyer).get(url_of(payment))

    assert response.status_code == 200
    html = response.content.decode()
    form = payment_form(html)
    assert '<script src="https://js.stripe.com/v3/"' in html
    assert 'data-publishable-key="pk_test_fake"' in form
    assert f'data-client-secret="{payment.provider_data["client_secret"]}"' in form
    assert f'data-return-url="http://testserver/payments/p/{payment.number}/stripe/"' in form
    assert 'id="payment-element"' in form
    # Stripe's frame takes the card: our form has no field that could post one to us.
    assert "<input" not in form and "name=" not in form


def test_another_shopper_gets_a_404_and_stripe_is_not_asked(client_as, other_user, fake_stripe):
    payment = started_stripe_payment()
    calls = len(fake_stripe.calls)

    response = client_as(other_user).get(
        url_of(payment), {"payment_intent": payment.provider_reference}
    )

    assert response.status_code == 404
    assert len(fake_stripe.calls) == calls
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REQUIRES_ACTION


def test_an_attempt_through_another_provider_is_not_found(client_as, fake_stripe):
    payment = PaymentFactory(provider=ProviderCode.SANDBOX)

    assert client_as(payment.buyer).get(url_of(payment)).status_code == 404


def test_back_from_stripe_after_paying_the_payment_is_recorded_and_received(client_as, fake_stripe):
    payment = started_stripe_payment()
    fake_stripe.pay(payment.provider_reference, card_country=payment.group.country)

    response = client_as(payment.buyer).get(
        url_of(payment),
        {"payment_intent": payment.provider_reference, "redirect_status": "succeeded"},
        follow=True,
    )

    assert response.redirect_chain == [(f"/payments/p/{payment.number}/", 302)]
    html = response.content.decode()
    assert "Payment received" in html
    assert payment.provider_data["client_secret"] not in html
    # Recorded as the webhook would record it (the webhook that follows changes nothing).
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    payment.group.refresh_from_db()
    assert payment.group.status == "paid"


def test_back_from_stripe_after_a_decline_the_buyer_sees_why_and_may_try_again(
    client_as, fake_stripe
):
    payment = started_stripe_payment()
    fake_stripe.decline(payment.provider_reference)

    response = client_as(payment.buyer).get(
        url_of(payment), {"payment_intent": payment.provider_reference}
    )

    html = response.content.decode()
    assert "The payment did not go through: Your card was declined." in html
    assert payment_form(html)


def test_back_while_processing_the_buyer_is_told_not_to_pay_again(client_as, fake_stripe):
    payment = started_stripe_payment()
    fake_stripe.set_status(payment.provider_reference, "processing")

    response = client_as(payment.buyer).get(
        url_of(payment), {"payment_intent": payment.provider_reference}
    )

    html = response.content.decode()
    assert "there is no need to pay again" in html
    assert payment_form(html) == ""


def test_a_return_naming_another_intent_shows_an_error(client_as, fake_stripe):
    payment = started_stripe_payment()

    response = client_as(payment.buyer).get(url_of(payment), {"payment_intent": "pi_other"})

    assert "does not belong to this payment" in response.content.decode()
    assert fake_stripe.calls_to("GET", "/v1/payment_intents/pi_other") == []


def test_stripe_unreachable_on_return_shows_an_error(client_as, fake_stripe):
    payment = started_stripe_payment()
    fake_stripe.fail_next(3, status=500)

    response = client_as(payment.buyer).get(
        url_of(payment), {"payment_intent": payment.provider_reference}
    )

    assert response.status_code == 200
    assert "Stripe could not be reached" in response.content.decode()


def test_no_payment_form_once_the_order_is_cancelled(client_as, fake_stripe):
    payment = started_stripe_payment()
    payment.group.status = GroupStatus.CANCELLED
    payment.group.save()

    html = client_as(payment.buyer).get(url_of(payment)).content.decode()

    assert payment_form(html) == ""
    assert "js.stripe.com" not in html


def test_no_payment_form_for_a_succeeded_attempt_and_stripe_is_not_asked(client_as, fake_stripe):
    payment = started_stripe_payment()
    fake_stripe.pay(payment.provider_reference)
    payment.status = PaymentStatus.SUCCEEDED
    payment.save()
    calls = len(fake_stripe.calls)

    html = (
        client_as(payment.buyer)
        .get(url_of(payment), {"payment_intent": payment.provider_reference})
        .content.decode()
    )

    assert "Stripe has received your payment" in html and payment_form(html) == ""
    assert len(fake_stripe.calls) == calls


def test_stripes_form_speaks_the_buyers_language(client_as, fake_stripe):
    payment = started_stripe_payment()

    response = client_as(payment.buyer).get(url_of(payment), HTTP_ACCEPT_LANGUAGE="zh-hant")

    assert 'data-locale="zh-TW"' in payment_form(response.content.decode())
