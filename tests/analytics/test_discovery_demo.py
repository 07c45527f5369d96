"""The discovery demo: made-up browsing over the listed products and the demo shopper's history,
written once, with "customers also viewed" computed from it."""

import pytest

from analytics import seed
from analytics.models import ProductAssociation, ProductView
from analytics.selectors import Shopper, recently_viewed_products
from catalog.models import ProductStatus
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_the_demo_browses_listed_products_once_and_computes_associations(shop):
    shopper = UserFactory(email=seed.DEMO_SHOPPER_EMAIL)
    for category in (CategoryFactory(), CategoryFactory()):
        for _ in range(4):
            ProductFactory(shop=shop, category=category)
    hidden = ProductFactory(shop=shop, status=ProductStatus.DRAFT)

    seed.run(options={}, log=lambda line: None)
    views = ProductView.objects.count()
    associations = set(ProductAssociation.objects.values_list("product", "other", "score"))
    seed.run(options={}, log=lambda line: None)

    assert ProductView.objects.count() == views
    assert set(ProductAssociation.objects.values_list("product", "other", "score")) == associations
    assert associations
    assert not ProductView.objects.filter(product=hidden).exists()
    assert recently_viewed_products(shopper=Shopper(user=shopper))


def test_the_demo_does_nothing_without_products(db):
    seed.run(options={}, log=lambda line: None)

    assert not ProductView.objects.exists()
