"""Orders factories: promotions, coupons, flash sales, and placed orders for life-cycle tests.

``placed_order()`` writes a group, an order and its lines directly (taking the stock through the
inventory ledger as checkout does) for tests of what happens after placing; tests of placing
itself go through ``orders.services.checkout``.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from catalog.services.inventory import take_stock
from orders.models import (
    Coupon,
    CouponKind,
    FlashSale,
    Order,
    OrderGroup,
    OrderLine,
    OrderStatus,
    Promotion,
    PromotionKind,
    PromotionTier,
)
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory


def _window_start():
    return timezone.now() - timedelta(days=1)


def _window_end():
    return timezone.now() + timedelta(days=7)


class PromotionFactory(factory.django.DjangoModelFactory):
    """A running 10 % off promotion of a shop (pass ``shop=None`` for the platform)."""

    class Meta:
        model = Promotion

    shop = factory.SubFactory("tests.sellers.factories.ShopFactory")
    name = factory.Sequence(lambda n: f"Promotion {n}")
    kind = PromotionKind.PERCENT_OFF
    percent = Decimal("10")
    starts_at = factory.LazyFunction(_window_start)
    ends_at = factory.LazyFunction(_window_end)


def spend_threshold_promotion(*, shop, tiers=((300, 30),), is_repeating=False, **kwargs):
    """滿減: ``tiers`` as (spend at least, get off) pairs."""
    promotion = PromotionFactory(
        shop=shop,
        kind=PromotionKind.SPEND_THRESHOLD,
        percent=None,
        is_repeating=is_repeating,
        **kwargs,
    )
    for threshold, discount in tiers:
        PromotionTier.objects.create(
            promotion=promotion, threshold=Decimal(threshold), discount=Decimal(discount)
        )
    return promotion


class CouponFactory(factory.django.DjangoModelFactory):
    """A public, running 5.00-off shop coupon (pass ``shop=None`` for a platform coupon)."""

    class Meta:
        model = Coupon

    shop = factory.SubFactory("tests.sellers.factories.ShopFactory")
    name = factory.Sequence(lambda n: f"Coupon {n}")
    code = factory.Sequence(lambda n: f"SAVE{n:04d}")
    kind = CouponKind.AMOUNT_OFF
    amount = Decimal("5.00")
    starts_at = factory.LazyFunction(_window_start)
    ends_at = factory.LazyFunction(_window_end)


class FlashSaleFactory(factory.django.DjangoModelFactory):
    """A running flash sale of 10 units of a new variant at 5.00, one per shopper."""

    class Meta:
        model = FlashSale

    variant = factory.SubFactory(VariantFactory, stock=100)
    shop = factory.LazyAttribute(lambda o: o.variant.product.shop)
    price = Decimal("5.00")
    quantity = 10
    quantity_left = factory.LazyAttribute(lambda o: o.quantity)
    per_user_limit = 1
    starts_at = factory.LazyFunction(_window_start)
    ends_at = factory.LazyFunction(_window_end)


_numbers = iter(range(1, 10**9))


def placed_order(
    *,
    buyer=None,
    variant=None,
    quantity: int = 1,
    status: str = OrderStatus.PENDING_PAYMENT,
    **order_fields,
) -> Order:
    """An order of ``quantity`` x ``variant`` (a new one with stock if not given) in ``status``,
    its stock taken as checkout takes it; status timestamps are left to the test."""
    buyer = buyer or UserFactory()
    variant = variant or VariantFactory(stock=quantity + 10)
    shop = variant.product.shop
    n = next(_numbers)
    subtotal = variant.price * quantity
    deadline = timezone.now() + timedelta(minutes=30)
    group = OrderGroup.objects.create(
        number=f"G{timezone.now():%y%m%d}{n:06d}",
        buyer=buyer,
        idempotency_key=uuid.uuid4(),
        currency=variant.product.currency,
        items_total=subtotal,
        total=subtotal,
        payment_deadline=deadline,
        recipient="Test Buyer",
        phone="+886912345678",
        country="TW",
        city="Taipei",
        street="1 Test Road",
    )
    order = Order.objects.create(
        group=group,
        number=f"{group.number}-1",
        shop=shop,
        buyer=buyer,
        status=status,
        currency=group.currency,
        items_subtotal=subtotal,
        total=subtotal,
        payment_deadline=deadline,
        **order_fields,
    )
    OrderLine.objects.create(
        order=order,
        variant=variant,
        product=variant.product,
        title=variant.product.title,
        sku=variant.sku,
        unit_price=variant.price,
        quantity=quantity,
        subtotal=subtotal,
        total=subtotal,
    )
    take_stock(variant=variant, quantity=quantity, reference=order.number)
    return order
