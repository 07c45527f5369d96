"""Many buyers at once on real PostgreSQL: a flash sale and a normal SKU never oversell.

200 buyers try to buy one unit each, from a pool of threads with their own connections (the
server allows 100 connections, so the pool is smaller than the crowd; every buyer still races
for the last units with the others). Exactly as many orders as units are placed, no buyer holds
two, and the counters end at zero, never below.
"""

import threading
import uuid
from collections import Counter
from decimal import Decimal

import pytest

from catalog.models import MovementReason, Variant
from orders.errors import CheckoutError
from orders.models import FlashSaleAllocation, Order, OrderLine
from orders.services.checkout import place_order
from orders.services.quotes import quote_lines
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.factories import FlashSaleFactory
from tests.threads import raised, run_together

BUYERS = 200
THREADS = 30

pytestmark = pytest.mark.django_db(transaction=True)


def _crowd(variant: Variant, *, expected_total: Decimal | None = None) -> Counter:
    buyers = [UserFactory() for _ in range(BUYERS)]
    addresses = {buyer.pk: AddressFactory(user=buyer) for buyer in buyers}
    queue = list(buyers)
    lock = threading.Lock()
    outcomes: Counter = Counter()

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                buyer = queue.pop()
            try:
                place_order(
                    buyer=buyer,
                    pairs=[(variant.pk, 1)],
                    address=addresses[buyer.pk],
                    idempotency_key=uuid.uuid4(),
                    expected_total=expected_total,
                )
                outcome = "placed"
            except CheckoutError as error:
                outcome = error.code
            with lock:
                outcomes[outcome] += 1

    assert not raised(run_together(*[worker] * THREADS, timeout=300))
    return outcomes


def test_two_hundred_buyers_fifty_flash_units_exactly_fifty_orders():
    sale = FlashSaleFactory(
        variant=VariantFactory(stock=500, price=Decimal("99.00")),
        price=Decimal("9.90"),
        quantity=50,
        per_user_limit=1,
    )

    # Every buyer reviewed the flash price; once the units are gone the order would cost more,
    # so it is refused rather than placed at the normal price.
    reviewed = quote_lines(pairs=[(sale.variant.pk, 1)], user=UserFactory())
    assert reviewed.lines[0].price.flash_units == 1

    outcomes = _crowd(sale.variant, expected_total=reviewed.quote.total)

    assert outcomes["placed"] == 50
    assert sum(outcomes.values()) == BUYERS
    assert set(outcomes) <= {"placed", "flash_sold_out", "total_changed"}
    flash_lines = OrderLine.objects.filter(flash_sale=sale)
    assert flash_lines.count() == 50 == Order.objects.count()
    assert all(line.unit_price == Decimal("9.90") for line in flash_lines)
    per_buyer = Counter(flash_lines.values_list("order__buyer_id", flat=True))
    assert max(per_buyer.values()) == 1
    sale.refresh_from_db()
    assert sale.quantity_left == 0
    allocated = FlashSaleAllocation.objects.filter(flash_sale=sale).values_list(
        "quantity", flat=True
    )
    assert sum(allocated) == 50 and max(allocated) == 1
    variant = Variant.objects.get(pk=sale.variant.pk)
    assert variant.stock == 450
    assert variant.movements.filter(reason=MovementReason.SALE).count() == 50


def test_two_hundred_buyers_fifty_units_of_stock_exactly_fifty_orders():
    variant = VariantFactory(stock=50)

    outcomes = _crowd(variant)

    assert outcomes["placed"] == 50
    assert outcomes["placed"] + outcomes["out_of_stock"] + outcomes["problems"] == BUYERS
    variant.refresh_from_db()
    assert variant.stock == 0
    assert variant.movements.filter(reason=MovementReason.SALE).count() == 50
    assert Order.objects.filter(lines__variant=variant).count() == 50
    per_buyer = Counter(Order.objects.values_list("buyer_id", flat=True))
    assert max(per_buyer.values()) == 1
