"""The sandbox's sending side: after the buyer decides on the hosted page, the sandbox posts a
signed event to our webhook endpoint, as a real provider would - through the outbox, so a site
that is briefly down receives it later. A "confirm later" approval sends "processing" now and
"succeeded" after ``SANDBOX_CONFIRM_LATER_SECONDS``.
"""

import json
import urllib.error
import urllib.request
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction

from marketplace.notifications import outbox

from ..models import PaymentStatus
from ..providers import sandbox

DELIVERY_TASK = "payments.tasks.deliver_sandbox_webhook"
TIMEOUT_SECONDS = 10


class DeliveryFailed(Exception):
    """Our endpoint did not answer 2xx; the outbox tries again with backoff."""


def send_events_for(*, result: dict[str, Any]) -> None:
    """The webhook(s) for the hosted page's result will be posted once the caller commits."""
    with transaction.atomic():
        outbox.enqueue(task=DELIVERY_TASK, body=json.dumps(sandbox.event_for(result)))
    if result["status"] == PaymentStatus.PROCESSING:
        later = json.dumps(sandbox.event_for({**result, "status": PaymentStatus.SUCCEEDED}))
        transaction.on_commit(
            lambda: current_app.send_task(
                DELIVERY_TASK,
                kwargs={"body": later},
                countdown=settings.SANDBOX_CONFIRM_LATER_SECONDS,
            ),
            robust=True,
        )


def deliver(*, body: str) -> int:
    """The event is posted, signed, to the sandbox webhook URL; returns the HTTP status."""
    data = body.encode()
    url = settings.SANDBOX_WEBHOOK_URL
    if not url.startswith(("http://", "https://")):
        raise DeliveryFailed(f"SANDBOX_WEBHOOK_URL must be an http(s) address, not {url!r}")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json",
            sandbox.SIGNATURE_HEADER: sandbox.sign(
                body=data, secret=settings.SANDBOX_WEBHOOK_SECRET
            ),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(f"{settings.SANDBOX_WEBHOOK_URL} answered {error.code}") from error
    except (urllib.error.URLError, TimeoutError) as error:
        raise DeliveryFailed(f"{settings.SANDBOX_WEBHOOK_URL}: {error}") from error
