"""Logistics factories: carriers (with service levels), shipments written directly (the shipping
services have tests of their own), tracking events, paid orders of a shop, shipping templates
with regions, duty rates."""

import uuid
from datetime import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from logistics.models import (
    Carrier,
    CarrierService,
    DutyRate,
    PricingBasis,
    ServiceLevel,
    Shipment,
    ShipmentStatus,
    ShippingRegion,
    ShippingTemplate,
    TrackingEvent,
)
from orders.models import Order, OrderStatus
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.orders.factories import placed_order
from tests.sellers.factories import ShopFactory


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Carrier {n}")
    code = factory.Sequence(lambda n: f"carrier-{n}")
    adapter = "sandbox"
    tracking_url_template = "https://track.example/{number}"


def carrier_with(*levels: str, **kwargs) -> Carrier:
    """A carrier offering these service levels (standard only if none given)."""
    carrier = CarrierFactory(**kwargs)
    days = {
        ServiceLevel.EXPRESS: (1, 2),
        ServiceLevel.STANDARD: (2, 4),
        ServiceLevel.ECONOMY: (5, 9),
    }
    for level in levels or (ServiceLevel.STANDARD,):
        low, high = days[level]
        CarrierService.objects.create(
            carrier=carrier, level=level, name=str(level).title(), days_min=low, days_max=high
        )
    return carrier


def paid_order(
    *, shop=None, paid_at: datetime | None = None, status: str = OrderStatus.PAID, **order_fields
) -> Order:
    """An order paid at ``paid_at`` (now) of a new shop unless ``shop`` is given, in ``status``
    (still waiting to ship unless told)."""
    variant = VariantFactory(product=ProductFactory(shop=shop), stock=20) if shop else None
    order = placed_order(variant=variant, status=status, **order_fields)
    Order.objects.filter(pk=order.pk).update(paid_at=paid_at or timezone.now())
    order.refresh_from_db()
    return order


def shipment(
    *,
    order: Order | None = None,
    carrier: Carrier | None = None,
    created_at: datetime | None = None,
    status: str = ShipmentStatus.IN_TRANSIT,
    **fields,
) -> Shipment:
    """A shipment of ``order`` (a new paid one) created at ``created_at`` (now)."""
    order = order or paid_order()
    row = Shipment.objects.create(
        order=order,
        shop=order.shop,
        carrier=carrier or CarrierFactory(),
        service="standard",
        status=status,
        destination_country="TW",
        booking_key=uuid.uuid4(),
        **fields,
    )
    if created_at is not None:
        Shipment.objects.filter(pk=row.pk).update(created_at=created_at)
        row.refresh_from_db()
    return row


def tracking_event(*, shipment: Shipment, status: str, occurred_at: datetime) -> TrackingEvent:
    return TrackingEvent.objects.create(
        shipment=shipment,
        external_id=uuid.uuid4().hex,
        status=status,
        occurred_at=occurred_at,
    )


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
