"""The demo catalogue: a category tree whose every leaf has products, titles in English and both
Chinese scripts, stock that agrees with the ledger, B2B tiers, pictures with renditions, search
documents; safe to run twice; and the bulk catalogue of ``seed_demo --products N``."""

import pytest
from django.db import transaction
from django.db.models import Count, Min, Q, Sum

from catalog import seed as catalog_seed
from catalog.models import (
    Category,
    PriceTier,
    Product,
    ProductImage,
    ProductStatus,
    ProhibitedWord,
    StockMovement,
    SynonymGroup,
    Variant,
)
from catalog.search import normalize
from catalog.search.documents import document_for
from marketplace.accounts import seed as accounts_seed
from marketplace.sellers.demo import onboarding
from marketplace.sellers.models import SellerKind
from tests.sellers.conftest import private_files  # noqa: F401 - the fixture, used below

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

PER_LEAF = 1  # the full demo has about 300 products; one per shop and leaf keeps tests quick


def seed(**options) -> list[str]:
    lines: list[str] = []
    with transaction.atomic():  # as seed_demo runs it
        accounts_seed.run(options={}, log=lines.append)
        onboarding.run(log=lines.append)
        catalog_seed.run(options={"demo_per_leaf": PER_LEAF, **options}, log=lines.append)
    return lines


def counts() -> dict[str, int]:
    models = [Category, Product, Variant, StockMovement, PriceTier, ProductImage]
    return {
        model.__name__: model.objects.count() for model in [*models, ProhibitedWord, SynonymGroup]
    }


@pytest.fixture
def seeded(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        seed()


def test_the_seed_runs_twice_without_duplicating(seeded, django_capture_on_commit_callbacks):
    before = counts()
    with django_capture_on_commit_callbacks():
        seed()

    assert counts() == before
    assert before["Product"] == 24 * PER_LEAF
    assert SynonymGroup.objects.filter(terms__contains="手機").exists()


@pytest.mark.usefixtures("seeded")
def test_every_leaf_category_has_products_on_sale():
    leaves = Category.objects.filter(depth=3).annotate(
        on_sale=Count("products", filter=Q(products__status=ProductStatus.ACTIVE))
    )

    assert leaves.count() == 24
    assert all(leaf.on_sale > 0 for leaf in leaves), [c.slug for c in leaves if not c.on_sale]
    assert Category.objects.filter(depth=1).exclude(icon="").count() == 6
    reviewed = Category.objects.filter(requires_review=True, depth=3)
    assert set(reviewed.values_list("parent__parent__slug", flat=True)) == {"food-drink", "beauty"}


@pytest.mark.usefixtures("seeded")
def test_stock_equals_the_sum_of_the_movements():
    variants = Variant.objects.annotate(moved=Sum("movements__quantity"))

    assert variants.filter(stock__gt=0).exists()
    assert all(v.stock == (v.moved or 0) for v in variants)
    for product in Product.objects.annotate(total=Sum("variants__stock")):
        assert product.stock_total == product.total
        assert product.price_min is not None and product.price_min <= product.price_max


@pytest.mark.usefixtures("seeded")
def test_the_wholesale_shop_has_price_tiers_and_a_minimum_order():
    wholesale = Product.objects.filter(shop__kind=SellerKind.WHOLESALER)

    assert wholesale.exists()
    assert not wholesale.filter(min_order_quantity__lt=5).exists()
    tiers = PriceTier.objects.filter(variant__product__in=wholesale)
    assert tiers.count() == 3 * Variant.objects.filter(product__in=wholesale).count()
    assert all(t.unit_price < t.variant.price for t in tiers.select_related("variant"))
    assert not PriceTier.objects.exclude(variant__product__in=wholesale).exists()


@pytest.mark.usefixtures("seeded")
def test_titles_are_in_english_traditional_and_simplified_chinese():
    titles = list(Product.objects.values_list("title", flat=True))

    def chinese(title: str) -> bool:
        return any("\u4e00" <= char <= "\u9fff" for char in title)

    def traditional(title: str) -> bool:  # folding to Simplified changes it
        return normalize(title).replace(" ", "") != title.lower().replace(" ", "")

    assert any(not chinese(t) for t in titles)
    assert any(chinese(t) and traditional(t) for t in titles)
    assert any(chinese(t) and not traditional(t) for t in titles)


@pytest.mark.usefixtures("seeded")
def test_every_product_has_a_picture_with_renditions_and_a_search_document():
    for product in Product.objects.prefetch_related("images"):
        images = list(product.images.all())
        assert images, product.slug
        assert {"thumb", "card", "zoom"} <= set(images[0].renditions)
        assert product.search_document
    assert Product.objects.filter(search_document__contains="手机").exists()


def test_the_bulk_catalogue_is_consistent_and_grows_to_n(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        seed(products=40)
        seed(products=40)
    bulk = Product.objects.filter(slug__startswith="bulk-")
    assert bulk.count() == 40

    variants = Variant.objects.filter(product__in=bulk).annotate(moved=Sum("movements__quantity"))
    assert all(v.stock == (v.moved or 0) for v in variants)
    for product in bulk.annotate(total=Sum("variants__stock"), low=Min("variants__price")):
        assert product.stock_total == product.total
        assert product.price_min == product.low
        assert product.images.exists()
        fresh = Product.objects.select_related("brand", "category__parent__parent").get(
            pk=product.pk
        )
        assert set(product.search_document.split()) == set(document_for(fresh).split())

    with django_capture_on_commit_callbacks():
        seed(products=45)
    assert bulk.count() == 45
