"""A shop's delivery setup through the services: templates with their regions (bad rows refused,
nothing changed), exactly one default, products assigned in bulk, delivery settings, duty rates;
clerks, other shops and shoppers are refused."""

from decimal import Decimal

import pytest

from logistics.errors import DeliverySettingsError, LogisticsError, ShippingTemplateError
from logistics.models import (
    DutyRate,
    PricingBasis,
    ProductShippingTemplate,
    ServiceLevel,
    ShippingRegion,
    ShippingTemplate,
    ShopLogistics,
)
from logistics.services.duties import set_duty_rate
from logistics.services.templates import (
    RegionTerms,
    assign_template,
    delete_template,
    save_template,
    set_default_template,
    update_delivery_settings,
)
from marketplace.sellers.models import MemberRole
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.orders.promotions_support import member_of, new_owner, shop_of

pytestmark = pytest.mark.django_db

D = Decimal
TAIWAN = RegionTerms(level=ServiceLevel.STANDARD, countries=("TW",), first_price=D("60"))


@pytest.fixture
def owner():
    return new_owner()


@pytest.fixture
def shop(owner):
    return shop_of(owner)


def make(shop, owner, name="Parcels", regions=(TAIWAN,), basis=PricingBasis.WEIGHT, **kwargs):
    return save_template(shop=shop, by=owner, name=name, basis=basis, regions=regions, **kwargs)


def test_a_template_is_saved_with_its_regions_and_the_first_one_is_the_default(shop, owner):
    first = make(
        shop,
        owner,
        name="  Parcels   by weight ",
        regions=(
            TAIWAN,
            RegionTerms(
                level=ServiceLevel.STANDARD,
                countries=("TW",),
                provinces=("Kinmen", " Penghu "),
                first_price=D("120"),
                additional_units=500,
                additional_price=D("40"),
                free_over_amount=D("1000"),
            ),
            RegionTerms(level=ServiceLevel.EXPRESS, is_served=False),
        ),
    )
    second = make(shop, owner, name="Bulky", basis=PricingBasis.FLAT)

    assert first.name == "Parcels by weight"
    assert first.currency == "USD"
    assert (first.is_default, second.is_default) == (True, False)
    rows = list(first.regions.order_by("position"))
    assert [(r.level, r.countries, r.provinces, r.is_served) for r in rows] == [
        ("standard", ["TW"], [], True),
        ("standard", ["TW"], ["Kinmen", "Penghu"], True),
        ("express", [], [], False),
    ]
    assert (rows[1].first_price, rows[1].additional_units, rows[1].free_over_amount) == (
        D("120"),
        500,
        D("1000"),
    )


def test_saving_again_replaces_the_regions(shop, owner):
    template = make(shop, owner)
    express = RegionTerms(level=ServiceLevel.EXPRESS, countries=("HK",), first_price=D("99"))

    make(shop, owner, name="Renamed", regions=(express,), template=template, basis="items")

    template.refresh_from_db()
    assert (template.name, template.basis) == ("Renamed", "items")
    assert list(template.regions.values_list("level", "countries")) == [("express", ["HK"])]


@pytest.mark.parametrize(
    ("regions", "message"),
    [
        ((), "Add at least one region."),
        (
            (TAIWAN, RegionTerms(level="standard", countries=("HK", "TW"))),
            "TW appears twice for standard delivery.",
        ),
        (
            (RegionTerms(level="standard"), RegionTerms(level="standard", is_served=False)),
            "Everywhere else appears twice for standard delivery.",
        ),
        (
            (
                RegionTerms(level="standard", countries=("TW",), provinces=("Kinmen",)),
                RegionTerms(level="standard", countries=("TW",), provinces=(" KINMEN",)),
            ),
            "TW / kinmen appears twice for standard delivery.",
        ),
        (
            (RegionTerms(level="standard", countries=("TW", "HK"), provinces=("Kinmen",)),),
            "Provinces or states need exactly one country in their row.",
        ),
        ((RegionTerms(level="standard", countries=("XX",)),), "Unknown country codes: XX."),
        ((RegionTerms(level="overnight"),), "Choose a service level."),
        ((RegionTerms(level="standard", first_price=D("-1")),), "Prices cannot be negative."),
        (
            (RegionTerms(level="standard", first_units=0),),
            "The first weight or items is at least 1; the additional ones at least 0.",
        ),
        (
            (RegionTerms(level="standard", free_over_grams=0),),
            "A free-delivery threshold is a positive amount or weight.",
        ),
    ],
)
def test_bad_regions_are_refused_and_nothing_changes(shop, owner, regions, message):
    template = make(shop, owner)

    with pytest.raises(ShippingTemplateError) as refused:
        make(shop, owner, name="Changed", regions=regions, template=template)

    assert refused.value.message == message
    template.refresh_from_db()
    assert template.name == "Parcels"
    assert list(template.regions.values_list("countries", flat=True)) == [["TW"]]


def test_a_second_template_with_the_same_name_is_refused(shop, owner):
    make(shop, owner)

    with pytest.raises(ShippingTemplateError, match="already has a template named Parcels"):
        make(shop, owner)

    assert ShippingTemplate.objects.filter(shop=shop).count() == 1
    assert ShippingRegion.objects.filter(template__shop=shop).count() == 1


def test_the_default_moves_and_a_deleted_default_hands_over_to_the_oldest(shop, owner):
    first, second, third = make(shop, owner, "A"), make(shop, owner, "B"), make(shop, owner, "C")

    set_default_template(template=third, by=owner)
    assert list(ShippingTemplate.objects.filter(is_default=True)) == [third]

    delete_template(template=third, by=owner)
    assert list(ShippingTemplate.objects.filter(is_default=True)) == [first]
    delete_template(template=second, by=owner)
    assert list(ShippingTemplate.objects.filter(is_default=True)) == [first]


def test_products_are_assigned_in_bulk_and_back_to_the_default(shop, owner):
    default, bulky = make(shop, owner, "Default"), make(shop, owner, "Bulky")
    sofa, table, mug = (ProductFactory(shop=shop) for _ in range(3))

    assert (
        assign_template(shop=shop, by=owner, product_ids=[sofa.pk, table.pk], template=bulky) == 2
    )
    assign_template(shop=shop, by=owner, product_ids=[table.pk, mug.pk], template=default)
    assert dict(ProductShippingTemplate.objects.values_list("product_id", "template_id")) == {
        sofa.pk: bulky.pk,
        table.pk: default.pk,
        mug.pk: default.pk,
    }

    assign_template(shop=shop, by=owner, product_ids=[table.pk, mug.pk], template=None)
    assert list(ProductShippingTemplate.objects.values_list("product_id", flat=True)) == [sofa.pk]

    delete_template(template=bulky, by=owner)  # its products use the default again
    assert not ProductShippingTemplate.objects.exists()


def test_another_shops_products_or_template_are_refused_and_nothing_changes(shop, owner):
    template = make(shop, owner)
    other_owner = new_owner()
    other_shop = shop_of(other_owner)
    theirs = make(other_shop, other_owner)
    mine, not_mine = ProductFactory(shop=shop), ProductFactory(shop=other_shop)

    with pytest.raises(ShippingTemplateError, match="not your shop's"):
        assign_template(shop=shop, by=owner, product_ids=[mine.pk, not_mine.pk], template=template)
    with pytest.raises(ShippingTemplateError, match="not your shop's"):
        assign_template(shop=shop, by=owner, product_ids=[mine.pk], template=theirs)
    with pytest.raises(ShippingTemplateError, match="not your shop's"):
        make(shop, owner, name="Stolen", template=theirs)
    with pytest.raises(ShippingTemplateError):
        delete_template(template=theirs, by=owner)

    assert not ProductShippingTemplate.objects.exists()
    theirs.refresh_from_db()
    assert theirs.name == "Parcels" and ShippingTemplate.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("who", ["clerk", "shopper"])
def test_clerks_and_shoppers_cannot_change_the_delivery_setup(shop, owner, who):
    template = make(shop, owner)
    person = member_of(shop, MemberRole.CLERK) if who == "clerk" else UserFactory()
    product = ProductFactory(shop=shop)

    with pytest.raises(ShippingTemplateError, match="owner or a manager"):
        make(shop, person, name="Mine")
    with pytest.raises(ShippingTemplateError):
        set_default_template(template=template, by=person)
    with pytest.raises(ShippingTemplateError):
        delete_template(template=template, by=person)
    with pytest.raises(ShippingTemplateError):
        assign_template(shop=shop, by=person, product_ids=[product.pk], template=template)
    with pytest.raises(DeliverySettingsError):
        update_delivery_settings(
            shop=shop,
            by=person,
            ships_from_country="JP",
            handling_hours=5,
            offers_eco_packaging=True,
        )

    assert list(ShippingTemplate.objects.values_list("name", flat=True)) == ["Parcels"]
    assert not ProductShippingTemplate.objects.exists()
    assert not ShopLogistics.objects.exists()


def test_a_manager_sets_the_delivery_settings(shop):
    manager = member_of(shop, MemberRole.MANAGER)

    update_delivery_settings(
        shop=shop,
        by=manager,
        ships_from_country="jp",
        ships_from_region="  Tokyo   to ",
        handling_hours=24,
        offers_eco_packaging=True,
    )

    row = ShopLogistics.objects.get(shop=shop)
    assert (row.ships_from_country, row.ships_from_region, row.handling_hours) == (
        "JP",
        "Tokyo to",
        24,
    )
    assert row.offers_eco_packaging is True


@pytest.mark.parametrize(
    ("country", "hours", "message"),
    [("XX", 24, "Choose a country from the list."), ("TW", 0, "between 1 and 720 hours")],
)
def test_bad_delivery_settings_are_refused(shop, owner, country, hours, message):
    with pytest.raises(DeliverySettingsError, match=message):
        update_delivery_settings(
            shop=shop,
            by=owner,
            ships_from_country=country,
            handling_hours=hours,
            offers_eco_packaging=False,
        )

    assert not ShopLogistics.objects.exists()


def test_staff_set_duty_rates_and_nobody_else(staff_user, owner):
    set_duty_rate(
        country="jp", duty_percent=D("5"), tax_percent=D("10"), de_minimis=D("100"), by=staff_user
    )
    set_duty_rate(
        country="JP", duty_percent=D("3"), tax_percent=D("10"), de_minimis=D("100"), by=staff_user
    )

    assert list(DutyRate.objects.values_list("country", "duty_percent")) == [("JP", D("3.00"))]
    with pytest.raises(LogisticsError, match="Only logistics staff"):
        set_duty_rate(
            country="JP", duty_percent=D("0"), tax_percent=D("0"), de_minimis=D("0"), by=owner
        )
    with pytest.raises(LogisticsError, match="between 0 and 100"):
        set_duty_rate(
            country="JP",
            duty_percent=D("101"),
            tax_percent=D("0"),
            de_minimis=D("0"),
            by=staff_user,
        )
    assert DutyRate.objects.get().duty_percent == D("3.00")
