"""The logistics demo: two sandbox carriers with their service levels, and the demo shopper's
shipments in every state, one of them abroad with its customs declaration; safe to run twice."""

import pytest
from django.db import transaction

from catalog import seed as catalog_seed
from logistics import seed as logistics_seed
from logistics.models import Carrier, CustomsDeclaration, Shipment, ShipmentStatus
from marketplace.accounts import seed as accounts_seed
from marketplace.sellers.demo import onboarding
from orders import seed as orders_seed
from orders.models import OrderStatus

pytestmark = pytest.mark.django_db


def seed() -> list[str]:
    lines: list[str] = []
    with transaction.atomic():  # as seed_demo runs it
        accounts_seed.run(options={}, log=lines.append)
        onboarding.run(log=lines.append)
        catalog_seed.run(options={"demo_per_leaf": 1}, log=lines.append)
        orders_seed.run(options={}, log=lines.append)
        logistics_seed.run(options={}, log=lines.append)
    return lines


def test_the_demo_has_shipments_in_every_state_and_runs_twice(
    settings, private_labels, django_capture_on_commit_callbacks
):
    settings.LOGISTICS_SANDBOX_TIME_SCALE = 60
    with django_capture_on_commit_callbacks():
        lines = seed()

    assert "logistics: 2 carriers, 8 demo shipments booked" in lines
    carriers = Carrier.objects.order_by("code")
    assert [(c.code, c.services.count()) for c in carriers] == [
        ("demo-express", 3),
        ("harbour-post", 2),
    ]
    assert set(Shipment.objects.values_list("status", flat=True)) == set(ShipmentStatus.values)
    assert all(shipment.label for shipment in Shipment.objects.all())
    delivered = Shipment.objects.get(status=ShipmentStatus.DELIVERED)
    assert delivered.order.status == OrderStatus.DELIVERED
    abroad = Shipment.objects.get(destination_country="JP")
    declaration = CustomsDeclaration.objects.get(shipment=abroad)
    assert declaration.items.get().quantity == 2
    assert declaration.total_value > 0

    with django_capture_on_commit_callbacks():
        again = seed()

    assert "logistics: 2 carriers, 0 demo shipments booked" in again
    assert Shipment.objects.count() == 8
