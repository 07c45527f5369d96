"""Provider webhooks: signature, stored once, processed by the worker, replays and late events."""

import json
import time
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from orders.models import GroupStatus
from payments.models import PaymentStatus, WebhookEvent
from payments.providers import sandbox
from payments.services import sandbox_delivery, webhooks
from payments.services.webhooks import EventNotApplicable

from .factories import group_to_pay, sandbox_result, started_payment

pytestmark = pytest.mark.django_db
URL = "/payments/webhooks/sandbox/"


def _post(client, event: dict, *, secret: str | None = None, timestamp=None):
    body = json.dumps(event).encode()
    secret = secret or django_settings.SANDBOX_WEBHOOK_SECRET
    signature = sandbox.sign(body=body, secret=secret, timestamp=timestamp)
    return client.post(
        URL, body, content_type="application/json", headers={"Sandbox-Signature": signature}
    )


@pytest.fixture
def waiting_payment():
    return started_payment(group=group_to_pay(price=Decimal("19.90")))


def test_signed_event_is_stored_then_applied_by_the_worker(
    client, waiting_payment, run_outbox, django_capture_on_commit_callbacks
):
    event = sandbox.event_for(sandbox_result(waiting_payment))
    with django_capture_on_commit_callbacks(execute=False):
        response = _post(client, event)
    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert (stored.event_id, stored.kind, stored.processed_at) == (
        event["id"],
        "payment.succeeded",
        None,
    )
    waiting_payment.refresh_from_db()
    assert waiting_payment.status == PaymentStatus.REQUIRES_ACTION  # nothing acted yet

    assert run_outbox() == 1
    stored.refresh_from_db()
    assert stored.processed_at is not None
    waiting_payment.refresh_from_db()
    assert waiting_payment.status == PaymentStatus.SUCCEEDED
    assert waiting_payment.group.status == GroupStatus.PAID


def test_a_replayed_event_is_stored_once_and_changes_nothing(client, waiting_payment, run_outbox):
    event = sandbox.event_for(sandbox_result(waiting_payment))
    assert _post(client, event).status_code == 200
    run_outbox()
    assert _post(client, event).status_code == 200
    assert WebhookEvent.objects.count() == 1
    assert run_outbox() == 0
    assert webhooks.process_webhook_event(event_id=WebhookEvent.objects.get().pk) is False


@pytest.mark.parametrize(
    "secret, age",
    [("wrong-secret", 0), (None, 3600)],
    ids=["bad-signature", "stale-timestamp"],
)
def test_a_bad_or_stale_signature_gets_400_and_stores_nothing(client, waiting_payment, secret, age):
    event = sandbox.event_for(sandbox_result(waiting_payment))
    response = _post(client, event, secret=secret, timestamp=int(time.time()) - age)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    waiting_payment.refresh_from_db()
    assert waiting_payment.status == PaymentStatus.REQUIRES_ACTION


def test_an_unsigned_event_gets_400(client, waiting_payment):
    body = json.dumps(sandbox.event_for(sandbox_result(waiting_payment)))
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_an_unknown_provider_is_not_found(client):
    response = client.post("/payments/webhooks/nopay/", "{}", content_type="application/json")
    assert response.status_code == 404


def test_webhooks_only_accept_post(client):
    assert client.get(URL).status_code == 405


def test_events_arriving_out_of_order_end_in_the_right_state(client, waiting_payment, run_outbox):
    processing = sandbox.event_for(sandbox_result(waiting_payment, sandbox.APPROVE_LATER))
    succeeded = sandbox.event_for(sandbox_result(waiting_payment))
    _post(client, succeeded)
    _post(client, processing)
    run_outbox()
    waiting_payment.refresh_from_db()
    assert waiting_payment.status == PaymentStatus.SUCCEEDED
    assert WebhookEvent.objects.filter(processed_at__isnull=False).count() == 2


def test_confirm_later_goes_processing_then_succeeded(client, waiting_payment, run_outbox):
    _post(client, sandbox.event_for(sandbox_result(waiting_payment, sandbox.APPROVE_LATER)))
    run_outbox()
    waiting_payment.refresh_from_db()
    assert waiting_payment.status == PaymentStatus.PROCESSING
    _post(client, sandbox.event_for(sandbox_result(waiting_payment)))
    run_outbox()
    waiting_payment.refresh_from_db()
    assert waiting_payment.status == PaymentStatus.SUCCEEDED


def test_an_event_with_the_wrong_amount_holds_the_payment(client, waiting_payment, run_outbox):
    result = {**sandbox_result(waiting_payment), "amount": "1.99"}
    _post(client, sandbox.event_for(result))
    run_outbox()
    waiting_payment.refresh_from_db()
    assert waiting_payment.status == PaymentStatus.SUCCEEDED
    assert waiting_payment.needs_review
    assert waiting_payment.group.status == GroupStatus.PENDING_PAYMENT


def test_an_event_for_a_payment_not_known_yet_is_kept_and_retried(client, waiting_payment):
    result = {**sandbox_result(waiting_payment), "reference": "sbx_not_yet_recorded"}
    _post(client, sandbox.event_for(result))
    event = WebhookEvent.objects.get()
    with pytest.raises(EventNotApplicable):
        webhooks.process_webhook_event(event_id=event.pk)
    event.refresh_from_db()
    assert event.processed_at is None
    assert event.attempts == 1
    assert "sbx_not_yet_recorded" in event.last_error

    # Our own commit catches up with the provider; the sweep applies the kept event.
    type(waiting_payment).objects.filter(pk=waiting_payment.pk).update(
        provider_reference="sbx_not_yet_recorded"
    )
    WebhookEvent.objects.filter(pk=event.pk).update(
        received_at=event.received_at.replace(year=2000)
    )
    assert webhooks.retry_unprocessed_events(now=timezone.now()) == 1
    waiting_payment.refresh_from_db()
    assert waiting_payment.status == PaymentStatus.SUCCEEDED


@pytest.mark.django_db(transaction=True)
def test_the_sandbox_posts_its_signed_events_to_the_site(live_server, settings):
    """The sending side, over real HTTP: what the hosted page queues reaches our endpoint."""
    settings.SANDBOX_WEBHOOK_URL = f"{live_server.url}{URL}"
    payment = started_payment(group=group_to_pay())
    body = json.dumps(sandbox.event_for(sandbox_result(payment)))
    assert sandbox_delivery.deliver(body=body) == 200
    assert WebhookEvent.objects.filter(kind="payment.succeeded").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_refused_or_failed_delivery_raises_so_the_outbox_retries(live_server, settings):
    body = json.dumps({"id": "evt_x", "type": "payment.succeeded", "data": {}})
    settings.SANDBOX_WEBHOOK_URL = f"{live_server.url}/payments/webhooks/nopay/"
    with pytest.raises(sandbox_delivery.DeliveryFailed, match="404"):
        sandbox_delivery.deliver(body=body)
    settings.SANDBOX_WEBHOOK_URL = "http://127.0.0.1:9/payments/webhooks/sandbox/"
    with pytest.raises(sandbox_delivery.DeliveryFailed):
        sandbox_delivery.deliver(body=body)
    assert not WebhookEvent.objects.exists()
