"""Customers also bought: the nightly job pairs the products bought in one checkout of orders
that were paid and not cancelled, counts the buyers, keeps the rows up to date on every run, and
the product page shows them in its own row without costing another query."""

import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics import seed as analytics_seed
from analytics import tasks
from analytics.models import AssociationKind, ProductAssociation
from analytics.services.discovery import compute_product_associations
from catalog import seed as catalog_seed
from marketplace.accounts import seed as accounts_seed
from marketplace.sellers.demo import onboarding
from orders import seed as orders_seed
from orders.models import OrderGroup, OrderStatus
from orders.services.checkout import place_order
from orders.services.lifecycle import (
    cancel_order,
    confirm_receipt,
    mark_delivered,
    mark_paid,
    ship_order,
)
from tests.accounts.factories import AddressFactory, UserFactory
from tests.analytics.factories import ProductViewFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.orders.lifecycle_support import owner_of
from tests.sellers.conftest import private_files  # noqa: F401 - the fixture, used below
from tests.sellers.factories import ShopFactory

pytestmark = pytest.mark.django_db

BOUGHT = AssociationKind.BOUGHT


def product(title: str, shop=None):
    """A listed product with a SKU in stock (of a new shop unless given one)."""
    item = ProductFactory(shop=shop or ShopFactory(), title=title)
    VariantFactory(product=item, stock=50)
    return item


def checkout(buyer, *products) -> OrderGroup:
    """The buyer places one order group for one unit of each product (one order per shop)."""
    address = AddressFactory(user=buyer)
    pairs = [(item.variants.get().pk, 1) for item in products]
    return place_order(buyer=buyer, pairs=pairs, address=address, idempotency_key=uuid.uuid4())


def buy(buyer, *products, status: str = OrderStatus.PAID) -> OrderGroup:
    """A checkout of the products whose orders are moved to ``status`` as their people would."""
    group = checkout(buyer, *products)
    if status == OrderStatus.PENDING_PAYMENT:
        return group
    if status == OrderStatus.CANCELLED:
        for order in group.orders.all():
            cancel_order(order=order, by=buyer, reason="Changed my mind.", initiator="buyer")
        return group
    mark_paid(group=group, reference="test payment")
    for order in group.orders.all():
        owner = owner_of(order.shop)
        if status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED):
            ship_order(order=order, by=owner, carrier="Test Express", tracking_number="T1")
        if status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED):
            mark_delivered(order=order, by=owner)
        if status == OrderStatus.COMPLETED:
            confirm_receipt(order=order, by=buyer)
    assert set(group.orders.values_list("status", flat=True)) == {status}
    return group


def bought_rows() -> set[tuple[int, int, int]]:
    rows = ProductAssociation.objects.filter(kind=BOUGHT)
    return set(rows.values_list("product", "other", "score"))


@pytest.fixture
def teaware():
    """A teapot and cups of one shop, a tray of another."""
    shop = ShopFactory()
    return product("Teapot", shop), product("Tea cups", shop), product("Tea tray")


def test_products_bought_in_one_checkout_are_associated_both_ways(teaware):
    teapot, cups, tray = teaware
    buy(UserFactory(), teapot, cups)
    buy(UserFactory(), teapot, cups, tray)  # two shops: two orders of one group

    written = compute_product_associations(now=timezone.now())

    assert bought_rows() == {
        (teapot.pk, cups.pk, 2),
        (cups.pk, teapot.pk, 2),
        (teapot.pk, tray.pk, 1),
        (tray.pk, teapot.pk, 1),
        (cups.pk, tray.pk, 1),
        (tray.pk, cups.pk, 1),
    }
    assert written == 6
    assert not ProductAssociation.objects.filter(kind=AssociationKind.VIEWED).exists()


@pytest.mark.parametrize(
    "status",
    [OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED],
)
def test_every_paid_status_counts(teaware, status):
    teapot, _cups, tray = teaware
    buy(UserFactory(), teapot, tray, status=status)

    compute_product_associations(now=timezone.now())

    assert bought_rows() == {(teapot.pk, tray.pk, 1), (tray.pk, teapot.pk, 1)}


def test_unpaid_and_cancelled_orders_are_ignored(teaware):
    teapot, cups, tray = teaware
    buy(UserFactory(), teapot, cups, status=OrderStatus.PENDING_PAYMENT)
    buy(UserFactory(), teapot, tray, status=OrderStatus.CANCELLED)  # before payment
    paid_then_cancelled = buy(UserFactory(), cups, tray)
    for order in paid_then_cancelled.orders.all():
        cancel_order(order=order, by=order.buyer, reason="Too slow.", initiator="buyer")

    assert compute_product_associations(now=timezone.now()) == 0
    assert bought_rows() == set()


def test_an_order_cancelled_in_a_paid_checkout_no_longer_counts(teaware):
    teapot, cups, tray = teaware
    group = buy(UserFactory(), teapot, cups, tray)
    tray_order = group.orders.get(shop=tray.shop)
    cancel_order(order=tray_order, by=group.buyer, reason="Wrong colour.", initiator="buyer")

    compute_product_associations(now=timezone.now())

    assert bought_rows() == {(teapot.pk, cups.pk, 1), (cups.pk, teapot.pk, 1)}


def test_products_bought_in_separate_checkouts_are_not_associated(teaware):
    teapot, cups, _tray = teaware
    buyer = UserFactory()
    buy(buyer, teapot)
    buy(buyer, cups)

    assert compute_product_associations(now=timezone.now()) == 0


def test_a_buyer_counts_once_however_often_they_buy_the_pair(teaware):
    teapot, cups, _tray = teaware
    buyer = UserFactory()
    buy(buyer, teapot, cups)
    buy(buyer, teapot, cups)

    compute_product_associations(now=timezone.now())

    assert bought_rows() == {(teapot.pk, cups.pk, 1), (cups.pk, teapot.pk, 1)}


def test_the_job_is_idempotent_and_keeps_up_with_cancellations(teaware):
    teapot, cups, tray = teaware
    buy(UserFactory(), teapot, cups)
    later = buy(UserFactory(), teapot, tray)
    browser = UserFactory()  # "also viewed" is rebuilt beside, from views only
    ProductViewFactory(user=browser, product=teapot)
    ProductViewFactory(user=browser, product=tray)
    assert tasks.compute_product_associations() == 4 + 2
    first = bought_rows()

    assert tasks.compute_product_associations() == 4 + 2
    assert compute_product_associations(now=timezone.now(), batch_size=1) == 4 + 2
    assert bought_rows() == first
    assert ProductAssociation.objects.count() == 4 + 2

    for order in later.orders.all():
        cancel_order(order=order, by=later.buyer, reason="Changed my mind.", initiator="buyer")
    compute_product_associations(now=timezone.now())

    assert bought_rows() == {(teapot.pk, cups.pk, 1), (cups.pk, teapot.pk, 1)}
    viewed = ProductAssociation.objects.filter(kind=AssociationKind.VIEWED)
    assert set(viewed.values_list("product", "other")) == {
        (teapot.pk, tray.pk),
        (tray.pk, teapot.pk),
    }


# --- The product page ------------------------------------------------------------------------


def section(html: str, name: str) -> str:
    start = html.index(f'id="{name}"')
    return html[start : html.index("</section>", start)]


def test_the_product_page_shows_what_its_buyers_also_bought_never_itself(client, teaware):
    teapot, cups, _tray = teaware
    buy(UserFactory(), teapot, cups)
    compute_product_associations(now=timezone.now())

    html = client.get(f"/p/{teapot.slug}/").content.decode()

    row = section(html, "also-bought")
    assert "Customers who bought this also bought" in row
    assert f'href="/p/{cups.slug}/"' in row
    assert f'href="/p/{teapot.slug}/"' not in row
    assert 'id="also-viewed"' not in html  # nobody looked at both


def test_the_product_page_has_no_also_bought_row_without_purchases(client, teaware):
    teapot, cups, _tray = teaware
    buy(UserFactory(), teapot, cups, status=OrderStatus.PENDING_PAYMENT)
    compute_product_associations(now=timezone.now())

    html = client.get(f"/p/{teapot.slug}/").content.decode()

    assert 'id="also-bought"' not in html
    assert "also bought" not in html


def page_queries(client, item) -> tuple[str, int]:
    client.get(f"/p/{item.slug}/")  # the visit's first view is recorded; count a later one
    with CaptureQueriesContext(connection) as captured:
        html = client.get(f"/p/{item.slug}/").content.decode()
    return html, len(captured)


def test_both_association_rows_share_one_read_on_the_product_page(client, teaware):
    teapot, cups, tray = teaware
    _html, without_rows = page_queries(client, teapot)
    for other in (cups, tray):
        for association in (AssociationKind.VIEWED, BOUGHT):
            ProductAssociation.objects.create(
                product=teapot, other=other, kind=association, score=1, computed_at=timezone.now()
            )

    html, with_rows = page_queries(client, teapot)

    assert f'href="/p/{cups.slug}/"' in section(html, "also-bought")
    assert f'href="/p/{tray.slug}/"' in section(html, "also-viewed")
    assert with_rows == without_rows + 1  # the cards' pictures, read once for both rows


# --- The demo ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("private_files")
def test_the_demo_shoppers_paid_orders_give_also_bought_rows(django_capture_on_commit_callbacks):
    lines: list[str] = []
    with django_capture_on_commit_callbacks(), transaction.atomic():  # as seed_demo runs them
        accounts_seed.run(options={}, log=lines.append)
        onboarding.run(log=lines.append)
        catalog_seed.run(options={"demo_per_leaf": 1}, log=lines.append)
        orders_seed.run(options={}, log=lines.append)
        analytics_seed.run(options={}, log=lines.append)

    def pairs(statuses) -> set[tuple[int, int]]:
        found = set()
        for group in OrderGroup.objects.filter(buyer__email=analytics_seed.DEMO_SHOPPER_EMAIL):
            if set(group.orders.values_list("status", flat=True)) <= set(statuses):
                products = set(group.orders.values_list("lines__product", flat=True))
                found |= {(a, b) for a in products for b in products if a != b}
        return found

    paid = pairs([OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED])
    unpaid = pairs([OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED])
    rows = set(ProductAssociation.objects.filter(kind=BOUGHT).values_list("product", "other"))
    assert paid
    assert rows == paid
    assert not rows & (unpaid - paid)
