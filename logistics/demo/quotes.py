"""Demo delivery pricing: shipping templates on the demo shops (by weight with regions per
service level, a province priced apart, free delivery over an amount, a region not served; by
item count; a flat template for small parcels on a few products), the shops' delivery settings
(Demo Outfitters offers eco packaging; Sakura Beauty ships from Japan, so its buyers in Taiwan
see import duties), and duty rates for a handful of countries (rough demo figures, amounts in the
base currency). Island Electronics keeps orders' flat rate, to show the fallback.

Everything goes through ``logistics.services`` as the shop's owner (duty rates as staff).
Idempotent: a template is made only when the shop has none of that name, settings only when the
shop has none, a duty rate only when the country has none, so merchants' and staff's changes stay.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from marketplace.accounts.models import User
from orders.demo.shops import (
    BEAUTY,
    HANDMADE,
    OUTFITTERS,
    STAFF,
    WHOLESALE,
    demo_shops,
    stocked_variants,
)

from ..models import (
    DutyRate,
    PricingBasis,
    ServiceLevel,
    ShippingTemplate,
    ShopLogistics,
)
from ..services.duties import set_duty_rate
from ..services.templates import (
    RegionTerms,
    assign_template,
    save_template,
    update_delivery_settings,
)

D = Decimal
STANDARD, EXPRESS, ECONOMY = ServiceLevel.STANDARD, ServiceLevel.EXPRESS, ServiceLevel.ECONOMY
NEAR_ASIA = ("HK", "MO", "CN", "SG", "MY", "JP", "KR")


@dataclass(frozen=True)
class DemoTemplate:
    owner: str
    name: str
    basis: str
    regions: tuple[RegionTerms, ...]
    products: int = 0  # how many of the shop's demo products use it (0: it is the default)


def by_weight(level, countries=(), provinces=(), first="60", extra="20", **kwargs) -> RegionTerms:
    """First kilogram at ``first``, each further 500 g at ``extra``."""
    return RegionTerms(
        level=level,
        countries=tuple(countries),
        provinces=tuple(provinces),
        first_units=1000,
        first_price=D(first),
        additional_units=500,
        additional_price=D(extra),
        **kwargs,
    )


TEMPLATES = (
    DemoTemplate(
        OUTFITTERS,
        "Parcels by weight",
        PricingBasis.WEIGHT,
        (
            by_weight(ECONOMY, ["TW"], first="45", extra="10"),
            by_weight(STANDARD, ["TW"], free_over_amount=D("1000")),
            by_weight(STANDARD, ["TW"], ["Kinmen", "Lienchiang", "Penghu"], "120", "40"),
            by_weight(STANDARD, NEAR_ASIA, first="180", extra="60"),
            by_weight(STANDARD, ["US", "CA"], first="350", extra="100"),
            by_weight(STANDARD, is_served=False),  # everywhere else: not served
            by_weight(EXPRESS, ["TW"], first="150", extra="30"),
            by_weight(EXPRESS, ["HK", "MO"], first="250", extra="60"),
        ),
    ),
    DemoTemplate(
        HANDMADE,
        "By the piece",
        PricingBasis.ITEMS,
        (
            RegionTerms(
                level=STANDARD,
                countries=("TW",),
                first_units=1,
                first_price=D("80"),
                additional_units=1,
                additional_price=D("20"),
                free_over_amount=D("1500"),
            ),
            RegionTerms(
                level=STANDARD,
                countries=("HK", "MO", "JP", "SG"),
                first_units=1,
                first_price=D("200"),
                additional_units=1,
                additional_price=D("50"),
            ),
            RegionTerms(level=STANDARD, countries=("CN",), is_served=False),
        ),
    ),
    DemoTemplate(
        WHOLESALE,
        "Freight by weight",
        PricingBasis.WEIGHT,
        (
            RegionTerms(
                level=ECONOMY,
                countries=("TW",),
                first_units=10000,
                first_price=D("300"),
                additional_units=5000,
                additional_price=D("50"),
                free_over_grams=100000,
            ),
            RegionTerms(level=ECONOMY, is_served=False),
        ),
    ),
    DemoTemplate(
        WHOLESALE,
        "Small parcels",
        PricingBasis.FLAT,
        (RegionTerms(level=STANDARD, countries=("TW",), first_price=D("80")),),
        products=2,
    ),
    DemoTemplate(
        BEAUTY,
        "Air mail from Japan",
        PricingBasis.WEIGHT,
        (
            by_weight(STANDARD, ["JP"], free_over_amount=D("2000")),
            by_weight(STANDARD, ["TW", "HK", "MO"], first="150", extra="30"),
            by_weight(EXPRESS, ["TW", "HK"], first="300", extra="60"),
        ),
    ),
)

# Owner -> ships from (country, province), handling hours, eco packaging.
SETTINGS = {
    OUTFITTERS: ("TW", "Taipei", 24, True),
    HANDMADE: ("TW", "Tainan", 72, False),
    WHOLESALE: ("TW", "Taoyuan", 48, False),
    BEAUTY: ("JP", "Tokyo", 48, False),
}

# Country -> duty %, import VAT/GST %, duty-free up to (base currency).
DUTY_RATES = {
    "TW": (D("5"), D("5"), D("65")),
    "CN": (D("10"), D("13"), D("7")),
    "JP": (D("5"), D("10"), D("100")),
    "US": (D("5"), D("0"), D("800")),
    "GB": (D("4"), D("20"), D("135")),
    "AU": (D("5"), D("10"), D("1000")),
    "SG": (D("0"), D("9"), D("400")),
}


def run(*, log: Callable[[str], None]) -> None:
    shops = demo_shops()
    made = 0
    for owner, (country, region, hours, eco) in SETTINGS.items():
        demo = shops.get(owner)
        if demo is not None and not ShopLogistics.objects.filter(shop=demo.shop).exists():
            update_delivery_settings(
                shop=demo.shop,
                by=demo.owner,
                ships_from_country=country,
                ships_from_region=region,
                handling_hours=hours,
                offers_eco_packaging=eco,
            )
    for spec in TEMPLATES:
        demo = shops.get(spec.owner)
        if demo is None or ShippingTemplate.objects.filter(shop=demo.shop, name=spec.name).exists():
            continue
        template = save_template(
            shop=demo.shop,
            by=demo.owner,
            name=spec.name,
            basis=spec.basis,
            regions=spec.regions,
        )
        if spec.products:
            variants = stocked_variants(demo.shop, count=spec.products)
            assign_template(
                shop=demo.shop,
                by=demo.owner,
                product_ids=[variant.product_id for variant in variants],
                template=template,
            )
        made += 1
    staff = User.objects.filter(email=STAFF).first()
    if staff is not None:
        known = set(DutyRate.objects.values_list("country", flat=True))
        for country, (duty, tax, de_minimis) in DUTY_RATES.items():
            if country not in known:
                set_duty_rate(
                    country=country,
                    duty_percent=duty,
                    tax_percent=tax,
                    de_minimis=de_minimis,
                    by=staff,
                )
    log(f"demo shipping templates: {made} made")
