"""The delivery-pricing demo: templates on the demo shops (by weight with a region not served and
free delivery over an amount, by items, a flat one on a few products), eco packaging at Demo
Outfitters, duty rates; the demo shopper's two addresses quote as the demo promises; safe to run
twice and a merchant's changes stay."""

from decimal import Decimal

import pytest
from django.db import transaction

from catalog import seed as catalog_seed
from logistics import seed as logistics_seed
from logistics.models import (
    DutyRate,
    ProductShippingTemplate,
    ShippingTemplate,
    ShopLogistics,
)
from logistics.services.quotes import quote_delivery
from marketplace.accounts import seed as accounts_seed
from marketplace.accounts.models import User
from marketplace.sellers.demo import onboarding
from orders import seed as orders_seed
from orders.demo.shops import HANDMADE, OUTFITTERS, WHOLESALE, demo_shops, stocked_variants
from tests.sellers.conftest import private_files  # noqa: F401 - the fixture, used below

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


def seed() -> list[str]:
    lines: list[str] = []
    with transaction.atomic():  # as seed_demo runs it
        accounts_seed.run(options={}, log=lines.append)
        onboarding.run(log=lines.append)
        catalog_seed.run(options={"demo_per_leaf": 1}, log=lines.append)
        orders_seed.run(options={}, log=lines.append)
        logistics_seed.run(options={}, log=lines.append)
    return lines


@pytest.fixture
def seeded(django_capture_on_commit_callbacks) -> list[str]:
    with django_capture_on_commit_callbacks():
        return seed()


def test_the_demo_prices_delivery_on_the_demo_shops(seeded):
    shops = demo_shops()
    outfitters = shops[OUTFITTERS].shop
    template = ShippingTemplate.objects.get(shop=outfitters)
    assert template.is_default and template.basis == "weight"
    regions = list(template.regions.all())
    assert any(not region.is_served and not region.countries for region in regions)
    assert any(region.free_over_amount for region in regions)
    assert any(region.provinces for region in regions)
    assert ShopLogistics.objects.get(shop=outfitters).offers_eco_packaging
    assert ShippingTemplate.objects.get(shop=shops[HANDMADE].shop).basis == "items"
    small = ShippingTemplate.objects.get(shop=shops[WHOLESALE].shop, name="Small parcels")
    assert not small.is_default
    assert ProductShippingTemplate.objects.filter(template=small).count() == 2
    assert set(DutyRate.objects.values_list("country", flat=True)) >= {"TW", "CN", "JP", "US"}
    assert "demo shipping templates: 5 made" in seeded


def test_the_demo_shoppers_addresses_quote_as_promised(seeded):
    shopper = User.objects.get(email="shopper@example.com")
    home = shopper.addresses.get(country="TW")
    shanghai = shopper.addresses.get(country="CN")
    shops = demo_shops()
    outfitters, handmade = shops[OUTFITTERS].shop, shops[HANDMADE].shop
    shirt = stocked_variants(outfitters, count=1)[0]
    gift = stocked_variants(handmade, count=1)[0]

    at_home = quote_delivery(shop=outfitters, lines=[(shirt, 1)], address=home)
    to_shanghai = quote_delivery(shop=outfitters, lines=[(shirt, 1)], address=shanghai)

    assert [option.code for option in at_home] == [
        "economy",
        "economy-eco",
        "standard",
        "standard-eco",
        "express",
        "express-eco",
    ]
    assert "same province or state" in at_home[0].note
    assert at_home[0].duties is None
    assert [option.code for option in to_shanghai] == ["standard", "standard-eco"]
    assert to_shanghai[0].duties is not None and to_shanghai[0].duties > Decimal("0")
    assert quote_delivery(shop=handmade, lines=[(gift, 1)], address=shanghai) == []


def test_the_demo_runs_twice_and_keeps_a_merchants_changes(seeded):
    outfitters = demo_shops()[OUTFITTERS].shop
    ShopLogistics.objects.filter(shop=outfitters).update(handling_hours=12)
    counts = (ShippingTemplate.objects.count(), DutyRate.objects.count())

    lines: list[str] = []
    logistics_seed.run(options={}, log=lines.append)

    assert (ShippingTemplate.objects.count(), DutyRate.objects.count()) == counts
    assert ShopLogistics.objects.get(shop=outfitters).handling_hours == 12
    assert "demo shipping templates: 0 made" in lines
