"""Factories of logistics: one call builds a valid object."""

from decimal import Decimal

import factory

from logistics.models import (
    DutyRate,
    PricingBasis,
    ServiceLevel,
    ShippingRegion,
    ShippingTemplate,
)
from tests.sellers.factories import ShopFactory


class ShippingTemplateFactory(factory.django.DjangoModelFactory):
    """A shop's default template priced by weight (add regions with ShippingRegionFactory)."""

    class Meta:
        model = ShippingTemplate

    shop = factory.SubFactory(ShopFactory)
    name = factory.Sequence(lambda n: f"Template {n}")
    basis = PricingBasis.WEIGHT
    is_default = True


class ShippingRegionFactory(factory.django.DjangoModelFactory):
    """Standard delivery everywhere: 60 for the first kilogram, 20 per 500 g more."""

    class Meta:
        model = ShippingRegion

    template = factory.SubFactory(ShippingTemplateFactory)
    level = ServiceLevel.STANDARD
    countries = factory.LazyFunction(list)
    provinces = factory.LazyFunction(list)
    first_units = 1000
    first_price = Decimal("60.00")
    additional_units = 500
    additional_price = Decimal("20.00")


class DutyRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DutyRate
        django_get_or_create = ("country",)

    country = "JP"
    duty_percent = Decimal("5.00")
    tax_percent = Decimal("10.00")
    de_minimis = Decimal("100.00")
