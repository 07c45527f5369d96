"""The orders demo: promotions of every kind, coupons of each kind in the shopper's wallet, flash
sales running (with a countdown) and to come, delivery prices, a cart over two shops, and orders
in every state for the demo shopper and at the demo merchant's shop; safe to run twice."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from catalog import seed as catalog_seed
from marketplace.accounts import seed as accounts_seed
from marketplace.accounts.models import User
from marketplace.core.states import history_of
from marketplace.sellers.demo import onboarding
from marketplace.sellers.models import Shop
from orders import seed as orders_seed
from orders.models import (
    Cart,
    CartLine,
    Coupon,
    CouponClaim,
    CouponKind,
    CouponUse,
    DiscountSource,
    FlashSale,
    FundedBy,
    Order,
    OrderGroup,
    OrderStatus,
    Promotion,
    PromotionKind,
    ShippingRate,
)
from orders.services.cart import active_pairs
from orders.services.coupons import USABLE, coupon_wallet, coupons_for_display
from orders.services.flash_sales import running_flash_sales
from orders.services.lifecycle import cancel_order
from orders.services.promotions import RUNNING, SCHEDULED, status_of
from orders.services.quotes import quote_lines
from tests.sellers.conftest import private_files  # noqa: F401 - the fixture, used below

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

EVERY_STATUS = set(OrderStatus.values)


def seed() -> list[str]:
    lines: list[str] = []
    with transaction.atomic():  # as seed_demo runs it
        accounts_seed.run(options={}, log=lines.append)
        onboarding.run(log=lines.append)
        catalog_seed.run(options={"demo_per_leaf": 1}, log=lines.append)
        orders_seed.run(options={}, log=lines.append)
    return lines


@pytest.fixture
def seeded(django_capture_on_commit_callbacks) -> list[str]:
    with django_capture_on_commit_callbacks():
        return seed()


@pytest.fixture
def shopper(seeded) -> User:
    return User.objects.get(email="shopper@example.com")


@pytest.fixture
def outfitters(seeded) -> Shop:
    return Shop.objects.get(merchant__members__user__email="merchant@example.com")


def counts() -> dict[str, int]:
    models = [
        Promotion,
        Coupon,
        CouponClaim,
        CouponUse,
        FlashSale,
        ShippingRate,
        Cart,
        CartLine,
        OrderGroup,
        Order,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_the_demo_runs_promotions_coupons_and_flash_sales_of_every_kind(
    client, shopper, outfitters
):
    shop_promotions = Promotion.objects.filter(shop__isnull=False)
    assert set(shop_promotions.values_list("kind", flat=True)) == set(PromotionKind.values)
    assert all(status_of(promotion) == RUNNING for promotion in Promotion.objects.all())
    tiers = Promotion.objects.get(shop=outfitters, kind=PromotionKind.SPEND_THRESHOLD).tiers
    assert list(tiers.values_list("threshold", "discount")) == [
        (Decimal("300.00"), Decimal("30.00")),
        (Decimal("500.00"), Decimal("60.00")),
    ]
    free = Promotion.objects.get(shop=outfitters, kind=PromotionKind.FREE_SHIPPING)
    assert free.threshold == Decimal("1500.00")
    buy_two = Promotion.objects.get(kind=PromotionKind.BUY_N_GET_M)
    assert (buy_two.buy_quantity, buy_two.free_quantity) == (2, 1)
    assert buy_two.products.filter(shop=outfitters).count() == 1
    platform = Promotion.objects.get(shop__isnull=True)  # 跨店滿減
    assert platform.kind == PromotionKind.SPEND_THRESHOLD
    assert platform.funded_by in (FundedBy.PLATFORM, FundedBy.SHARED)
    assert platform.tiers.count() == 2

    rates = ShippingRate.objects.all()
    assert rates.count() == Shop.objects.count() == 5
    assert rates.get(shop=outfitters).express_rate > rates.get(shop=outfitters).flat_rate
    assert rates.filter(express_rate__isnull=True).exists()

    shop_coupons = Coupon.objects.filter(shop=outfitters)
    assert shop_coupons.filter(kind=CouponKind.AMOUNT_OFF, is_public=True).exists()
    assert shop_coupons.filter(
        kind=CouponKind.PERCENT_OFF, is_public=True, max_discount__isnull=False
    ).exists()
    assert shop_coupons.filter(is_public=False).exists()  # typed by its code only
    welcome = Coupon.objects.get(code="WELCOME10")
    assert welcome.shop is None and welcome.funded_by == FundedBy.PLATFORM
    assert all(status_of(coupon) == RUNNING for coupon in Coupon.objects.all())
    on_shop_page = coupons_for_display(shop=outfitters, user=shopper)
    assert {coupon.shop_id for coupon in on_shop_page} == {outfitters.pk, None}

    now = timezone.now()
    running = running_flash_sales()
    assert running
    assert all(sale.ends_at > now + timedelta(days=6) for sale in running)
    assert all(sale.price < sale.variant.price for sale in running)
    scheduled = [sale for sale in FlashSale.objects.all() if status_of(sale) == SCHEDULED]
    assert len(scheduled) == 1
    page = client.get(running[0].variant.product.get_absolute_url())
    assert page.status_code == 200
    assert 'class="countdown"' in page.content.decode()


def test_the_demo_shopper_has_coupons_a_cart_of_two_shops_and_orders_in_every_state(
    shopper, outfitters
):
    usable = coupon_wallet(user=shopper)[USABLE]
    assert len(usable) == 4
    assert {entry.coupon.shop_id is None for entry in usable} == {True, False}

    pairs = active_pairs(Cart.objects.get(user=shopper))
    quote = quote_lines(pairs=pairs, user=shopper)
    assert len(pairs) == 3
    assert len(quote.shops) == 2
    assert not quote.has_problems
    assert any(line.price.flash_units for line in quote.lines)
    assert quote.quote.discount_total > 0

    mine = Order.objects.filter(buyer=shopper)
    assert set(mine.values_list("status", flat=True)) == EVERY_STATUS
    at_shop = Order.objects.filter(shop=outfitters)
    assert set(at_shop.values_list("status", flat=True)) == EVERY_STATUS
    assert mine.values("group").distinct().count() == 7
    assert mine.exclude(shop=outfitters).exists()  # some groups span two shops
    pending = at_shop.get(status=OrderStatus.PENDING_PAYMENT)
    assert pending.payment_deadline > timezone.now()
    cancelled = list(at_shop.filter(status=OrderStatus.CANCELLED))
    cancellers = {history_of(order).get(to_status=OrderStatus.CANCELLED).by for order in cancelled}
    assert cancellers == {shopper, None}  # by the buyer, and by the payment timeout
    completed = at_shop.get(status=OrderStatus.COMPLETED)
    assert list(history_of(completed).values_list("to_status", flat=True)) == [
        OrderStatus.PAID,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.COMPLETED,
    ]
    assert completed.discounts.filter(source=DiscountSource.COUPON).exists()
    assert at_shop.filter(has_flash_sale=True, status=OrderStatus.PAID).exists()
    assert at_shop.get(status=OrderStatus.SHIPPED).tracking_number


def test_the_seed_runs_again_creating_nothing_until_time_moves_a_demo_order_on(
    shopper, outfitters, django_capture_on_commit_callbacks
):
    first = counts()
    with django_capture_on_commit_callbacks():
        seed()
    assert counts() == first
    assert first["Order"] >= 7

    pending = Order.objects.get(shop=outfitters, status=OrderStatus.PENDING_PAYMENT)
    for order in pending.group.orders.all():
        cancel_order(
            order=order, by=shopper, reason="Changed my mind.", initiator="buyer", durable=False
        )
    with django_capture_on_commit_callbacks():
        seed()

    again = counts()
    assert again.pop("OrderGroup") == first.pop("OrderGroup") + 1
    assert again.pop("Order") == first.pop("Order") + 2
    # The new order uses the coupons the shopper has claimed, as any checkout would.
    assert again.pop("CouponUse") >= first.pop("CouponUse")
    assert again == first
    assert Order.objects.filter(shop=outfitters, status=OrderStatus.PENDING_PAYMENT).count() == 1
