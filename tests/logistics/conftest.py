"""Fixtures of the logistics tests: no cached peak periods across tests (the cache lives in
Redis, which the test database's rollback does not reach), labels written to a temporary private
folder, the local fake tracking aggregator, and a paid order of a shop with the sandbox carrier
ready to ship it."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.storage import storages

from logistics.models import Carrier, ServiceLevel, Shipment
from logistics.services.peak import forget_cached_peaks
from orders.models import Order, OrderStatus
from tests.catalog.factories import VariantFactory
from tests.orders.factories import placed_order
from tests.orders.lifecycle_support import owner_of

from .factories import carrier_with
from .fake_tracker import API_KEY, WEBHOOK_SECRET, FakeTracker


@pytest.fixture(autouse=True)
def private_labels(settings, tmp_path, monkeypatch):
    """Labels land in a temporary private folder (the field resolved its storage at import)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    monkeypatch.setattr(Shipment._meta.get_field("label"), "storage", storages["private"])
    return tmp_path / "private"


@pytest.fixture
def fake_tracker(settings):
    tracker = FakeTracker()
    tracker.start()
    settings.LOGISTICS_TRACKER_API_URL = tracker.url
    settings.LOGISTICS_TRACKER_API_KEY = API_KEY
    settings.LOGISTICS_TRACKER_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.LOGISTICS_TRACKER_TIMEOUT_SECONDS = 2.0
    yield tracker
    tracker.stop()


@dataclass
class ToShip:
    order: Order
    owner: object
    carrier: Carrier


def paid_order(*, quantity: int = 1, price: str = "10.00", **order_fields) -> Order:
    variant = VariantFactory(price=Decimal(price), stock=quantity + 10, weight_grams=400)
    return placed_order(variant=variant, quantity=quantity, status=OrderStatus.PAID, **order_fields)


@pytest.fixture
def sandbox():
    return carrier_with(
        ServiceLevel.EXPRESS,
        ServiceLevel.STANDARD,
        ServiceLevel.ECONOMY,
        name="Demo Express",
        code="demo-express",
    )


@pytest.fixture
def to_ship(db, sandbox) -> ToShip:
    order = paid_order(quantity=3)
    return ToShip(order=order, owner=owner_of(order.shop), carrier=sandbox)


@pytest.fixture(autouse=True)
def fresh_peak_cache():
    forget_cached_peaks()
    yield
    forget_cached_peaks()
