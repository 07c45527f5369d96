"""The nightly "customers also viewed" rebuild: co-occurrence of views per visitor, top products
per product, idempotent, batch size does not change the result."""

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics import tasks
from analytics.models import AssociationKind, ProductAssociation, ProductView
from analytics.services.discovery import (
    ASSOCIATION_WINDOW,
    ASSOCIATIONS_PER_PRODUCT,
    MAX_PRODUCTS_PER_VISITOR,
    compute_product_associations,
)
from catalog.models import ProductStatus
from tests.accounts.factories import UserFactory
from tests.analytics.factories import ProductViewFactory
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def rows() -> set[tuple[int, int, str, int]]:
    return set(ProductAssociation.objects.values_list("product", "other", "kind", "score"))


def view(visitor, *products, viewed_at=None):
    for product in products:
        ProductViewFactory(
            user=visitor if not isinstance(visitor, str) else None,
            session_key=visitor if isinstance(visitor, str) else "",
            product=product,
            viewed_at=viewed_at or timezone.now(),
        )


@pytest.fixture
def world(shop):
    """Four products; three users and one anonymous visitor looked at some of them."""
    a, b, c, d = (ProductFactory(shop=shop, title=title) for title in "ABCD")
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    view(first, a, b, c)
    view(second, a, b)
    view("anonymous-visitor", a, c, d)
    view(third, b, d)
    return a, b, c, d


def test_products_are_associated_by_the_visitors_who_saw_both(world):
    a, b, c, d = world
    now = timezone.now()

    written = compute_product_associations(now=now)

    viewed = AssociationKind.VIEWED
    assert rows() == {
        (a.pk, b.pk, viewed, 2),
        (a.pk, c.pk, viewed, 2),
        (a.pk, d.pk, viewed, 1),
        (b.pk, a.pk, viewed, 2),
        (b.pk, c.pk, viewed, 1),
        (b.pk, d.pk, viewed, 1),
        (c.pk, a.pk, viewed, 2),
        (c.pk, b.pk, viewed, 1),
        (c.pk, d.pk, viewed, 1),
        (d.pk, a.pk, viewed, 1),
        (d.pk, b.pk, viewed, 1),
        (d.pk, c.pk, viewed, 1),
    }
    assert written == 12
    assert set(ProductAssociation.objects.values_list("computed_at", flat=True)) == {now}


def test_running_twice_gives_the_same_rows(world):
    compute_product_associations(now=timezone.now())
    first = rows()

    compute_product_associations(now=timezone.now())

    assert rows() == first
    assert ProductAssociation.objects.count() == len(first)


def test_the_batch_size_does_not_change_the_result(world):
    compute_product_associations(now=timezone.now(), batch_size=1000)
    whole = rows()

    compute_product_associations(now=timezone.now(), batch_size=1)

    assert rows() == whole


def test_pairs_no_longer_seen_together_are_removed(world):
    d = world[3]
    compute_product_associations(now=timezone.now())

    ProductView.objects.filter(product=d).delete()
    compute_product_associations(now=timezone.now())

    assert not ProductAssociation.objects.filter(product=d).exists()
    assert not ProductAssociation.objects.filter(other=d).exists()


def test_views_before_the_window_do_not_count(shop):
    a, b = ProductFactory(shop=shop), ProductFactory(shop=shop)
    now = timezone.now()
    view(UserFactory(), a, viewed_at=now - ASSOCIATION_WINDOW - timedelta(hours=1))
    view(UserFactory(), b)

    assert compute_product_associations(now=now) == 0


def test_products_not_on_sale_are_not_recommended(shop):
    a = ProductFactory(shop=shop)
    delisted = ProductFactory(shop=shop, status=ProductStatus.DELISTED)
    view(UserFactory(), a, delisted)

    compute_product_associations(now=timezone.now())

    assert rows() == {(delisted.pk, a.pk, AssociationKind.VIEWED, 1)}


def test_each_product_keeps_its_top_twelve(shop):
    anchor = ProductFactory(shop=shop)
    others = [ProductFactory(shop=shop) for _ in range(ASSOCIATIONS_PER_PRODUCT + 2)]
    popular = others[-1]
    view(UserFactory(), anchor, popular)  # seen with the anchor by two visitors
    view(UserFactory(), anchor, *others)

    compute_product_associations(now=timezone.now())

    kept = list(
        ProductAssociation.objects.filter(product=anchor)
        .order_by("-score", "other")
        .values_list("other", flat=True)
    )
    assert kept == [popular.pk] + [other.pk for other in others[: ASSOCIATIONS_PER_PRODUCT - 1]]


def test_a_visitor_who_saw_too_many_products_is_ignored(shop):
    a, b = ProductFactory(shop=shop), ProductFactory(shop=shop)
    crawler = UserFactory()
    view(crawler, a, b)
    ProductView.objects.bulk_create(
        ProductView(user=crawler, product=ProductFactory(shop=shop))
        for _ in range(MAX_PRODUCTS_PER_VISITOR - 1)
    )

    assert compute_product_associations(now=timezone.now()) == 0


def test_the_beat_task_rebuilds_and_is_safe_to_replay(world):
    assert tasks.compute_product_associations() == 12
    first = rows()

    assert tasks.compute_product_associations() == 12
    assert rows() == first
