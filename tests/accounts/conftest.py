"""Fixtures for the accounts tests.

allauth's login rate limits count failures per client IP and per e-mail address in the shared
Redis cache. Tests that log in therefore come from their own IP address and, when they fail on
purpose, use an e-mail address no other test (or earlier run) has used.
"""

import secrets
import uuid

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory


@pytest.fixture
def client_ip() -> str:
    """A random private IPv4 address (allauth groups IPv6 clients by /64, so not those)."""
    return "10." + ".".join(str(secrets.randbelow(256)) for _ in range(3))


@pytest.fixture
def web_client(client_ip: str) -> Client:
    """An anonymous browser with its own IP address."""
    return Client(REMOTE_ADDR=client_ip)


@pytest.fixture
def lone_user(db):
    """A user with an e-mail address that is new to the rate-limit counters."""
    return UserFactory(email=f"{uuid.uuid4().hex}@example.com")
