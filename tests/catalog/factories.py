"""Catalogue factories. Stock is never set directly: ``VariantFactory(stock=5)`` receives it
through the inventory ledger once ``catalog.services.inventory`` exists, so the stock always
equals the sum of the movements."""

from decimal import Decimal

import factory

from catalog.models import (
    Attribute,
    AttributeKind,
    AttributeOption,
    Brand,
    Category,
    PriceTier,
    Product,
    ProductStatus,
    Variant,
)
from tests.sellers.factories import ShopFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    parent = None


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attribute

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Attribute {n}")
    code = factory.Sequence(lambda n: f"attribute-{n}")
    kind = AttributeKind.CHOICE


class AttributeOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttributeOption

    attribute = factory.SubFactory(AttributeFactory)
    value = factory.Sequence(lambda n: f"Option {n}")


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    """An active product of a new shop (no variants: add them with VariantFactory)."""

    class Meta:
        model = Product

    shop = factory.SubFactory(ShopFactory)
    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    status = ProductStatus.ACTIVE


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    price = Decimal("10.00")

    @factory.post_generation
    def stock(obj, create, extracted, **kwargs):
        if create and extracted:
            from catalog.services.inventory import receive_stock

            receive_stock(variant=obj, quantity=extracted, reference="factory")


class PriceTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceTier

    variant = factory.SubFactory(VariantFactory)
    min_quantity = 10
    unit_price = Decimal("8.00")
