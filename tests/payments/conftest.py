"""Fixtures of the payments tests."""

import pytest

from tests.payments.fake_stripe import FakeStripe


@pytest.fixture
def fake_stripe(settings):
    """A local fake Stripe API with the settings pointing at it (keys, address, webhook secret)."""
    fake = FakeStripe().start()
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_SECRET_KEY = fake.secret_key
    settings.STRIPE_PUBLISHABLE_KEY = fake.publishable_key
    settings.STRIPE_WEBHOOK_SECRET = fake.webhook_secret
    settings.PAYMENT_PROVIDERS = [*settings.PAYMENT_PROVIDERS, "stripe"]
    yield fake
    fake.stop()
