"""Arrangements shared by the storefront tests: a listed product with a price and stock, and a
suspended shop."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from catalog.models import Product
from marketplace.sellers.models import Shop, ShopStatus

from .factories import ProductFactory, VariantFactory


def listed(*, price: str = "10.00", stock: int = 5, **fields) -> Product:
    """An active product with one variant at ``price`` (denormalised like the services do)."""
    fields.setdefault("published_at", timezone.now())
    product = ProductFactory(
        price_min=Decimal(price), price_max=Decimal(price), stock_total=0, **fields
    )
    VariantFactory(product=product, price=Decimal(price), stock=stock)
    product.refresh_from_db()
    return product


def suspend(shop: Shop, *, days: int = 3) -> Shop:
    shop.status = ShopStatus.SUSPENDED
    shop.suspended_until = timezone.now() + timedelta(days=days)
    shop.save(update_fields=["status", "suspended_until"])
    return shop
