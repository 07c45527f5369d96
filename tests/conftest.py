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
