"""Fixtures shared by every app's tests. Factories live in tests/<app>/factories.py."""

import pytest
from django.test import Client
from django.utils import translation

from tests.accounts.factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def english_by_default():
    """Every test starts in English, whatever language an earlier request left active on the
    worker's thread (Django's LocaleMiddleware activates the request's language)."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def client_as(db):
    """client_as(user) -> a test client logged in as that user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def run_outbox(db):
    """run_outbox() -> how many waiting outbox tasks ran, here and now, as a worker would run
    them (the real task code through ``outbox.process_message``), oldest first."""
    from marketplace.notifications import outbox
    from marketplace.notifications.models import OutboxMessage

    def run() -> int:
        waiting = OutboxMessage.objects.filter(processed_at__isnull=True).order_by("created_at")
        return sum(
            outbox.process_message(message_id=message_id)
            for message_id in list(waiting.values_list("pk", flat=True))
        )

    return run
