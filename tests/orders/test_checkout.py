"""Placing an order: one group, one order per shop, all or nothing, once per form."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import MovementReason
from orders.errors import CheckoutError
from orders.events import order_placed
from orders.models import (
    Coupon,
    CouponClaim,
    CouponUse,
    DiscountSource,
    FlashSaleAllocation,
    FundedBy,
    Order,
    OrderDiscount,
    OrderGroup,
    OrderStatus,
)
from orders.services.checkout import place_order
from orders.services.quotes import quote_lines
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.factories import CouponFactory, FlashSaleFactory
from tests.threads import raised, run_together

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return UserFactory()


@pytest.fixture
def address(buyer):
    return AddressFactory(user=buyer)


def place(buyer, address, pairs, **kwargs):
    kwargs.setdefault("idempotency_key", uuid.uuid4())
    return place_order(buyer=buyer, pairs=pairs, address=address, **kwargs)


def test_one_group_and_one_order_per_shop_with_snapshots(
    buyer, address, django_capture_on_commit_callbacks
):
    mug = VariantFactory(stock=5, price=Decimal("12.50"))
    tea = VariantFactory(stock=5, price=Decimal("30.00"))
    received = []
    order_placed.connect(lambda **kw: received.append(kw["order_id"]), weak=False)
    quote = quote_lines(pairs=[(mug.pk, 2), (tea.pk, 1)], user=buyer)

    with django_capture_on_commit_callbacks(execute=True):
        group = place(buyer, address, [(mug.pk, 2), (tea.pk, 1)])

    assert group.status == "pending_payment"
    assert group.total == quote.quote.total
    assert (group.recipient, group.city) == (address.recipient, address.city)
    orders = list(group.orders.order_by("number"))
    assert [o.shop_id for o in orders] == [mug.product.shop_id, tea.product.shop_id]
    assert all(o.status == OrderStatus.PENDING_PAYMENT for o in orders)
    assert sum(o.total for o in orders) == group.total
    line = orders[0].lines.get()
    assert (line.title, line.sku, line.quantity, line.unit_price) == (
        mug.product.title,
        mug.sku,
        2,
        Decimal("12.50"),
    )
    assert line.subtotal == Decimal("25.00")
    mug.refresh_from_db()
    assert mug.stock == 3
    assert mug.movements.filter(reason=MovementReason.SALE, reference=orders[0].number).exists()
    assert sorted(received) == sorted(o.pk for o in orders)
    assert group.payment_deadline == pytest.approx(
        group.created_at + timedelta(minutes=30), abs=timedelta(seconds=5)
    )


def test_the_same_form_twice_places_one_group(buyer, address):
    mug = VariantFactory(stock=5)
    key = uuid.uuid4()

    first = place(buyer, address, [(mug.pk, 1)], idempotency_key=key)
    second = place(buyer, address, [(mug.pk, 1)], idempotency_key=key)

    assert first.pk == second.pk
    assert OrderGroup.objects.count() == 1
    mug.refresh_from_db()
    assert mug.stock == 4


@pytest.mark.django_db(transaction=True)
def test_the_same_form_twice_at_the_same_moment_places_one_group():
    """Both submissions pass the early lookup; the second insert waits on the unique key, then
    returns the first group instead of placing another."""
    buyer = UserFactory()
    address = AddressFactory(user=buyer)
    mug = VariantFactory(stock=5)
    key = uuid.uuid4()

    def submit() -> int:
        return place(buyer, address, [(mug.pk, 1)], idempotency_key=key).pk

    groups = run_together(submit, submit)

    assert not raised(groups) and groups[0] == groups[1]
    assert OrderGroup.objects.count() == 1 and Order.objects.count() == 1
    mug.refresh_from_db()
    assert mug.stock == 4


def test_a_sold_out_line_places_nothing_at_all(buyer, address):
    mug = VariantFactory(stock=5)
    tea = VariantFactory(stock=1)

    with pytest.raises(CheckoutError) as error:
        place(buyer, address, [(mug.pk, 1), (tea.pk, 2)])

    assert error.value.code == "problems"
    assert not OrderGroup.objects.exists() and not Order.objects.exists()
    mug.refresh_from_db()
    assert mug.stock == 5


def test_someone_elses_address_is_refused(buyer):
    mug = VariantFactory(stock=5)

    with pytest.raises(CheckoutError):
        place(buyer, AddressFactory(), [(mug.pk, 1)])

    assert not OrderGroup.objects.exists()


def test_a_changed_total_is_refused_and_nothing_is_placed(buyer, address):
    mug = VariantFactory(stock=5, price=Decimal("10.00"))
    reviewed = quote_lines(pairs=[(mug.pk, 1)], user=buyer).quote.total
    mug.price = Decimal("11.00")
    mug.save(update_fields=["price"])

    with pytest.raises(CheckoutError) as error:
        place(buyer, address, [(mug.pk, 1)], expected_total=reviewed)

    assert error.value.code == "total_changed"
    assert not OrderGroup.objects.exists()


def test_a_coupon_use_is_recorded_once_and_limits_hold(buyer, address):
    mug = VariantFactory(stock=10, price=Decimal("50.00"))
    coupon = CouponFactory(shop=mug.product.shop, amount=Decimal("5.00"), per_user_limit=1)
    CouponClaim.objects.create(coupon=coupon, user=buyer)

    group = place(buyer, address, [(mug.pk, 1)])

    use = CouponUse.objects.get()
    assert (use.coupon_id, use.group_id, use.amount) == (coupon.pk, group.pk, Decimal("5.00"))
    coupon.refresh_from_db()
    assert coupon.used_count == 1
    discount = OrderDiscount.objects.get(source=DiscountSource.COUPON)
    assert discount.amount == discount.shop_funded == Decimal("5.00")
    # Used up for this buyer: the next order is priced without it.
    second = place(buyer, address, [(mug.pk, 1)])
    assert second.total == group.total + Decimal("5.00")
    coupon.refresh_from_db()
    assert coupon.used_count == 1


def test_a_platform_coupon_is_split_across_the_shops_to_the_cent(buyer, address):
    lines = [VariantFactory(stock=5, price=Decimal("100.00")) for _ in range(3)]
    CouponFactory(
        shop=None,
        code="PLAT10",
        amount=Decimal("10.00"),
        funded_by=FundedBy.PLATFORM,
        is_public=False,
    )

    group = place(buyer, address, [(v.pk, 1) for v in lines], coupon_codes=["plat10"])

    shares = sorted(
        OrderDiscount.objects.filter(source=DiscountSource.COUPON).values_list("amount", flat=True)
    )
    assert shares == [Decimal("3.33"), Decimal("3.33"), Decimal("3.34")]
    assert all(
        d.platform_funded == d.amount and d.shop_funded == 0
        for d in OrderDiscount.objects.filter(source=DiscountSource.COUPON)
    )
    assert sum(o.total for o in group.orders.all()) == group.total
    assert Coupon.objects.get(code="PLAT10").used_count == 1


def test_flash_units_come_off_the_sale_and_the_buyers_allowance(buyer, address):
    sale = FlashSaleFactory(price=Decimal("5.00"), quantity=10, per_user_limit=1)

    group = place(buyer, address, [(sale.variant.pk, 2)])

    line = group.orders.get().lines.get()
    assert (line.flash_sale_id, line.flash_units) == (sale.pk, 1)
    assert line.subtotal == Decimal("5.00") + sale.variant.price
    sale.refresh_from_db()
    assert sale.quantity_left == 9
    assert FlashSaleAllocation.objects.get(flash_sale=sale, user=buyer).quantity == 1
    assert group.payment_deadline <= timezone.now() + timedelta(minutes=15)


def test_a_checkout_queues_one_notice_message_for_its_orders_with_them(
    buyer, address, django_capture_on_commit_callbacks, run_outbox
):
    from marketplace.notifications.models import Notification, OutboxMessage
    from tests.orders.lifecycle_support import owner_of

    mug = VariantFactory(stock=50)  # far above the low-stock level: no notice of that kind
    tea = VariantFactory(stock=50)
    owners = [owner_of(variant.product.shop) for variant in (mug, tea)]
    with django_capture_on_commit_callbacks(execute=True):
        group = place(buyer, address, [(mug.pk, 1), (tea.pk, 1)])
    # One row for the group, written in the checkout's own transaction (none can be lost).
    rows = OutboxMessage.objects.filter(task_name="orders.tasks.send_group_notices")
    assert list(rows.values_list("kwargs", flat=True)) == [
        {"group_id": group.pk, "event": "placed"}
    ]
    assert run_outbox() == 1
    assert Notification.objects.filter(user=buyer, kind="order_placed").count() == 1  # per group
    for owner in owners:
        assert Notification.objects.filter(user=owner, kind="order_placed_seller").count() == 1


def test_a_refused_checkout_queues_no_notice(buyer, address):
    from marketplace.notifications.models import OutboxMessage

    sold_out = VariantFactory(stock=0)
    with pytest.raises(CheckoutError):
        place(buyer, address, [(sold_out.pk, 1)])
    assert not OutboxMessage.objects.exists()
