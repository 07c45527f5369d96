"""Delivery quotes from shipping templates: prices by weight, items or flat, free thresholds,
regions (province beats country beats everywhere else, unserved refused), estimates with handling
time and peak days, eco packaging with CO2, duties with de minimis, the flat-rate fallback, and a
fixed number of queries however many shops."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from logistics.models import (
    Carrier,
    CarrierService,
    PeakPeriod,
    PricingBasis,
    ProductShippingTemplate,
    ServiceLevel,
    ShippingRegion,
    ShopLogistics,
)
from logistics.services.quotes import (
    Destination,
    Parcel,
    delivery_choice,
    matching_region,
    quote_deliveries,
    quote_delivery,
    region_price,
)
from orders.models import ShippingRate
from tests.accounts.factories import AddressFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.sellers.factories import ShopFactory

from .factories import DutyRateFactory, ShippingRegionFactory, ShippingTemplateFactory

pytestmark = pytest.mark.django_db

D = Decimal


def region(**fields) -> ShippingRegion:
    """An unsaved region row (pure pricing needs no database)."""
    defaults = {
        "level": ServiceLevel.STANDARD,
        "first_units": 1000,
        "first_price": D("60.00"),
        "additional_units": 500,
        "additional_price": D("20.00"),
    }
    return ShippingRegion(**{**defaults, **fields})


def parcel(grams=0, items=1, value="10.00") -> Parcel:
    return Parcel(grams=grams, items=items, value=D(value))


def sku(shop, *, grams=500, price="10.00", stock=20):
    return VariantFactory(
        product=ProductFactory(shop=shop), weight_grams=grams, price=D(price), stock=stock
    )


def address(country="TW", region_name="Taipei"):
    return AddressFactory(country=country, region=region_name)


def codes_and_prices(options):
    return [(option.code, option.price) for option in options]


# --- Pricing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grams", "price"),
    [
        (0, "60.00"),  # no weight known: the first step
        (1000, "60.00"),
        (1001, "80.00"),  # a gram over is a whole additional step
        (1500, "80.00"),
        (1501, "100.00"),
        (3000, "140.00"),
    ],
)
def test_by_weight_the_first_weight_then_each_started_additional_weight(grams, price):
    assert region_price(region=region(), basis=PricingBasis.WEIGHT, parcel=parcel(grams)) == D(
        price
    )


@pytest.mark.parametrize(
    ("items", "price"), [(1, "50.00"), (2, "50.00"), (3, "58.00"), (5, "74.00")]
)
def test_by_items_the_first_items_then_each_additional_item(items, price):
    row = region(first_units=2, first_price=D("50"), additional_units=1, additional_price=D("8"))

    assert region_price(region=row, basis=PricingBasis.ITEMS, parcel=parcel(99999, items)) == D(
        price
    )


def test_flat_is_the_first_price_whatever_the_weight_or_items():
    row = region(first_price=D("45.50"))

    assert region_price(region=row, basis=PricingBasis.FLAT, parcel=parcel(50000, 9)) == D("45.50")


def test_no_additional_step_charges_only_the_first_price():
    row = region(additional_units=0)

    assert region_price(region=row, basis=PricingBasis.WEIGHT, parcel=parcel(9000)) == D("60.00")


@pytest.mark.parametrize(
    ("value", "price"), [("99.99", "80.00"), ("100.00", "0.00"), ("250", "0.00")]
)
def test_free_from_an_amount_of_goods(value, price):
    row = region(free_over_amount=D("100.00"))

    assert region_price(
        region=row, basis=PricingBasis.WEIGHT, parcel=parcel(1200, value=value)
    ) == D(price)


@pytest.mark.parametrize(("grams", "price"), [(4999, "140.00"), (5000, "0.00")])
def test_free_from_a_weight(grams, price):
    row = region(free_over_grams=5000, additional_units=1000)

    assert region_price(region=row, basis=PricingBasis.WEIGHT, parcel=parcel(grams)) == D(price)


# --- Regions -----------------------------------------------------------------------------------


def test_a_province_row_beats_its_country_row_which_beats_everywhere_else():
    rows = [
        elsewhere := region(countries=[]),
        taiwan := region(countries=["TW", "HK"]),
        taipei := region(countries=["TW"], provinces=["Taipei City", "New Taipei"]),
    ]

    def match(country, province):
        return matching_region(
            regions=rows,
            level=ServiceLevel.STANDARD,
            destination=Destination(country, province, True),
        )

    assert match("TW", "  taipei   CITY ") is taipei  # case and spacing do not matter
    assert match("TW", "Kaohsiung") is taiwan
    assert match("HK", "") is taiwan
    assert match("JP", "Tokyo") is elsewhere
    assert (
        matching_region(
            regions=rows, level=ServiceLevel.EXPRESS, destination=Destination("TW", "", True)
        )
        is None
    )  # no express row


def test_options_per_level_cheapest_first_with_prices_from_the_cart_weight():
    shop = ShopFactory()
    template = ShippingTemplateFactory(shop=shop)
    ShippingRegionFactory(template=template)
    ShippingRegionFactory(
        template=template,
        level=ServiceLevel.EXPRESS,
        first_price=D("150"),
        additional_price=D("40"),
    )
    ShippingRegionFactory(
        template=template, level=ServiceLevel.ECONOMY, first_price=D("35"), additional_price=D("10")
    )
    mug = sku(shop, grams=700)

    options = quote_delivery(shop=shop, lines=[(mug, 2)], address=address())  # 1,400 g

    assert codes_and_prices(options) == [
        ("economy", D("45.00")),
        ("standard", D("80.00")),
        ("express", D("190.00")),
    ]
    assert [option.label for option in options] == [
        "Economy delivery",
        "Standard delivery",
        "Express delivery",
    ]


def test_an_unserved_region_gets_no_option_and_a_served_one_still_does():
    shop = ShopFactory()
    template = ShippingTemplateFactory(shop=shop)
    ShippingRegionFactory(template=template, countries=["TW"])
    ShippingRegionFactory(
        template=template, countries=["TW"], provinces=["Kinmen"], is_served=False
    )
    ShippingRegionFactory(template=template, countries=["JP"], is_served=False)
    mug = sku(shop)

    assert quote_delivery(shop=shop, lines=[(mug, 1)], address=address("TW", "Kinmen")) == []
    assert quote_delivery(shop=shop, lines=[(mug, 1)], address=address("JP", "Tokyo")) == []
    assert quote_delivery(shop=shop, lines=[(mug, 1)], address=address("US", "CA")) == []  # no row
    assert codes_and_prices(
        quote_delivery(shop=shop, lines=[(mug, 1)], address=address("TW", "Taipei"))
    ) == [("standard", D("60.00"))]


def test_a_level_is_offered_only_when_every_template_of_the_cart_serves_it():
    shop = ShopFactory()
    default = ShippingTemplateFactory(shop=shop)
    ShippingRegionFactory(template=default)
    ShippingRegionFactory(template=default, level=ServiceLevel.EXPRESS, first_price=D("100"))
    bulky = ShippingTemplateFactory(shop=shop, is_default=False, basis=PricingBasis.FLAT)
    ShippingRegionFactory(template=bulky, first_price=D("200"))
    mug, sofa = sku(shop, grams=400), sku(shop, grams=30000)
    ProductShippingTemplate.objects.create(product=sofa.product, template=bulky)

    options = quote_delivery(shop=shop, lines=[(mug, 1), (sofa, 1)], address=address())

    # the mug on the default (60) plus the sofa flat (200); no express for the sofa
    assert codes_and_prices(options) == [("standard", D("260.00"))]


def test_without_an_address_the_shops_own_country_is_quoted():
    shop = ShopFactory()
    ShopLogistics.objects.create(shop=shop, ships_from_country="JP")
    template = ShippingTemplateFactory(shop=shop)
    ShippingRegionFactory(template=template, countries=["JP"], first_price=D("30"))
    ShippingRegionFactory(template=template, first_price=D("90"))

    options = quote_delivery(shop=shop, lines=[(sku(shop), 1)], address=None)

    assert codes_and_prices(options) == [("standard", D("30.00"))]
    assert options[0].note == "" and options[0].duties is None


def test_a_shop_without_templates_keeps_the_flat_rate():
    shop = ShopFactory()
    ShippingRate.objects.create(shop=shop, flat_rate=D("4"), express_rate=D("9"))

    options = quote_delivery(shop=shop, lines=[(sku(shop), 1)], address=address())

    assert codes_and_prices(options) == [("standard", D("4")), ("express", D("9"))]


def test_a_template_in_another_currency_than_the_goods_falls_back_to_the_flat_rate():
    shop = ShopFactory()
    template = ShippingTemplateFactory(shop=shop, currency="JPY")
    ShippingRegionFactory(template=template)
    ShippingRate.objects.create(shop=shop, flat_rate=D("7"))

    options = quote_delivery(shop=shop, lines=[(sku(shop), 1)], address=address())

    assert codes_and_prices(options) == [("standard", D("7"))]


# --- Estimates ---------------------------------------------------------------------------------


def test_the_estimate_adds_the_fastest_carrier_the_handling_time_and_the_peak_days():
    shop = ShopFactory()
    ShopLogistics.objects.create(shop=shop, handling_hours=30)  # two days to dispatch
    ShippingRegionFactory(template=ShippingTemplateFactory(shop=shop))
    slow = Carrier.objects.create(name="Slow", code="slow", adapter="sandbox")
    fast = Carrier.objects.create(name="Fast", code="fast", adapter="sandbox", countries=["TW"])
    elsewhere = Carrier.objects.create(name="JP", code="jp", adapter="sandbox", countries=["JP"])
    CarrierService.objects.create(carrier=slow, level="standard", name="S", days_min=3, days_max=6)
    CarrierService.objects.create(carrier=fast, level="standard", name="F", days_min=1, days_max=3)
    CarrierService.objects.create(
        carrier=elsewhere, level="standard", name="J", days_min=1, days_max=1
    )
    mug = sku(shop)

    assert quote_delivery(shop=shop, lines=[(mug, 1)], address=address())[0].estimate == "3-5 days"
    assert (
        quote_delivery(shop=shop, lines=[(mug, 1)], address=address("US", "CA"))[0].estimate
        == "5-8 days"
    )  # only the carrier serving everywhere goes there

    now = timezone.now()
    PeakPeriod.objects.create(
        name="11.11",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
        extra_days=2,
    )
    assert quote_delivery(shop=shop, lines=[(mug, 1)], address=address())[0].estimate == (
        "5-7 days (includes 2 extra days for 11.11)"
    )


def test_without_a_carrier_for_the_level_the_usual_transit_time_is_used():
    shop = ShopFactory()  # default handling: 48 hours
    template = ShippingTemplateFactory(shop=shop)
    ShippingRegionFactory(template=template, level=ServiceLevel.EXPRESS)

    options = quote_delivery(shop=shop, lines=[(sku(shop), 1)], address=address())

    assert [option.estimate for option in options] == ["3-4 days"]  # 1-2 days + 2 days handling


# --- Eco packaging, CO2 and duties -------------------------------------------------------------


def test_eco_packaging_doubles_each_option_at_the_same_price_with_less_co2():
    shop = ShopFactory()
    ShopLogistics.objects.create(
        shop=shop, ships_from_country="TW", ships_from_region="Taipei", offers_eco_packaging=True
    )
    template = ShippingTemplateFactory(shop=shop)
    ShippingRegionFactory(template=template)
    ShippingRegionFactory(template=template, level=ServiceLevel.EXPRESS, first_price=D("150"))

    options = quote_delivery(shop=shop, lines=[(sku(shop, grams=1000), 2)], address=address())

    assert codes_and_prices(options) == [
        ("standard", D("100.00")),
        ("standard-eco", D("100.00")),
        ("express", D("190.00")),
        ("express-eco", D("190.00")),
    ]
    assert options[1].label == "Standard delivery, eco packaging"
    # 2 kg within Taipei: 180 last mile + 120 box (40 eco) + 2 x 50 km x 0.11 = 11
    assert options[0].note == "About 311 g of CO2e (same province or state, estimate)"
    assert options[1].note == "About 231 g of CO2e (same province or state, estimate)"


def test_the_order_s_delivery_code_reads_back_as_level_and_eco_wish():
    assert delivery_choice("standard-eco") == ("standard", True)
    assert delivery_choice("express") == ("express", False)


def test_the_co2_band_follows_the_distance_to_the_address():
    shop = ShopFactory()
    ShopLogistics.objects.create(shop=shop, ships_from_country="TW", ships_from_region="Taipei")
    ShippingRegionFactory(template=ShippingTemplateFactory(shop=shop))
    lines = [(sku(shop, grams=2000), 1)]

    def note(country, region_name):
        return quote_delivery(shop=shop, lines=lines, address=address(country, region_name))[0].note

    assert note("TW", "Tainan") == "About 388 g of CO2e (same country, estimate)"
    assert note("JP", "Tokyo") == "About 1.8 kg of CO2e (same continent, estimate)"
    assert note("GB", "London") == "About 11.1 kg of CO2e (another continent, estimate)"


def test_duties_for_an_address_abroad_above_the_de_minimis():
    shop = ShopFactory()
    ShippingRegionFactory(template=ShippingTemplateFactory(shop=shop))
    DutyRateFactory(country="JP", duty_percent=D("5"), tax_percent=D("10"), de_minimis=D("100"))
    cheap, dear = sku(shop, price="100.00"), sku(shop, price="333.33")

    under = quote_delivery(shop=shop, lines=[(cheap, 1)], address=address("JP", "Tokyo"))
    over = quote_delivery(shop=shop, lines=[(dear, 1)], address=address("JP", "Tokyo"))
    home = quote_delivery(shop=shop, lines=[(dear, 1)], address=address("TW", "Taipei"))
    unknown = quote_delivery(shop=shop, lines=[(dear, 1)], address=address("FR", "Paris"))

    assert under[0].duties == D("0.00")
    # duty 5 % of 333.33 = 16.67 (half up); tax 10 % of 350.00 = 35.00
    assert over[0].duties == D("51.67")
    assert home[0].duties is None
    assert unknown[0].duties is None  # no rate for France: nothing estimated


def test_the_flat_rate_fallback_gets_eco_co2_and_duties_too():
    shop = ShopFactory()
    ShopLogistics.objects.create(shop=shop, offers_eco_packaging=True)
    DutyRateFactory(country="JP", de_minimis=D("0"))

    options = quote_delivery(shop=shop, lines=[(sku(shop), 1)], address=address("JP", "Osaka"))

    assert [option.code for option in options] == ["standard", "standard-eco"]
    assert all(option.duties == D("1.55") for option in options)  # 0.50 duty + 1.05 tax
    assert options[0].note.startswith("About ")


# --- Queries -----------------------------------------------------------------------------------


def cart_of(shops: int):
    requests = []
    for n in range(shops):
        shop = ShopFactory()
        ShopLogistics.objects.create(shop=shop, offers_eco_packaging=bool(n % 2))
        template = ShippingTemplateFactory(shop=shop)
        ShippingRegionFactory(template=template)
        ShippingRegionFactory(template=template, level=ServiceLevel.EXPRESS)
        other = ShippingTemplateFactory(shop=shop, is_default=False)
        ShippingRegionFactory(template=other, countries=["JP"])
        variants = [sku(shop), sku(shop)]
        ProductShippingTemplate.objects.create(product=variants[1].product, template=other)
        requests.append((shop, [(variant, 1) for variant in variants]))
    Carrier.objects.get_or_create(code="any", defaults={"name": "Any", "adapter": "sandbox"})
    DutyRateFactory(country="JP")
    return requests


def test_quoting_many_shops_costs_the_same_few_queries_as_one():
    destination = address("JP", "Tokyo")
    one, four = cart_of(1), cart_of(4)

    with CaptureQueriesContext(connection) as small:
        quote_deliveries(requests=one, address=destination)
    with CaptureQueriesContext(connection) as large:
        quoted = quote_deliveries(requests=four, address=destination)

    assert len(small) == len(large) <= 7
    # the second template serves only standard delivery: no express for the cart
    assert [option.code for option in quoted[1]] == ["standard", "standard-eco"]
