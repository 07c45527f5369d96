"""The catalogue pages cost a fixed number of queries whatever they show: at most 12 for the
category listing, search and the product page, the same for 5 products (or variants) as for 40."""

from decimal import Decimal

import pytest

from catalog.models import ProductAttributeValue, ProductImage
from catalog.search import refresh_search_document
from marketplace.sellers.models import SellerKind
from tests.sellers.factories import ShopFactory

from .factories import (
    AttributeFactory,
    AttributeOptionFactory,
    BrandFactory,
    CategoryFactory,
    PriceTierFactory,
    ProductFactory,
    VariantFactory,
)
from .search_support import search_indexes  # noqa: F401
from .storefront_support import listed

pytestmark = pytest.mark.django_db

BUDGET = 12


@pytest.fixture
def catalogue():
    """A category tree with a filterable attribute, brands and shops of every kind."""
    top = CategoryFactory(slug="top")
    leaf = CategoryFactory(slug="leaf", parent=top)
    colour = AttributeFactory(category=leaf, code="colour", is_filterable=True)
    options = [AttributeOptionFactory(attribute=colour) for _ in range(3)]
    brands = [BrandFactory() for _ in range(3)]
    shops = [ShopFactory(kind=kind, ships_from=f"City {kind}") for kind in SellerKind.values]

    def add(count: int) -> None:
        for n in range(count):
            product = listed(
                title=f"Teapot {n}",
                category=leaf,
                brand=brands[n % 3],
                shop=shops[n % 3],
                rating_average=Decimal("4.2"),
                rating_count=2,
            )
            ProductAttributeValue.objects.create(
                product=product, attribute=colour, option=options[n % 3]
            )
            ProductImage.objects.create(product=product, original=f"products/originals/{n}.jpg")
            refresh_search_document(product=product)

    return add, colour, options


@pytest.fixture
def queries(client, django_assert_max_num_queries):
    """queries(url, params) -> how many the page took, failing past the budget."""

    def count(url: str, params: dict | None = None) -> int:
        with django_assert_max_num_queries(BUDGET) as captured:
            response = client.get(url, params or {})
        assert response.status_code == 200
        return len(captured)

    return count


PAGES = [
    ("/c/top/", {}),
    ("/c/leaf/", {"brand": "x", "in_stock": "on", "sort": "price_asc"}),
    ("/search/", {"q": "teapot"}),
    ("/search/", {"q": "teapot", "kind": "b2b", "rating": "4", "page": "2"}),
]


@pytest.mark.parametrize(("url", "params"), PAGES)
def test_listing_pages_stay_within_budget_for_5_and_40_products(queries, catalogue, url, params):
    add = catalogue[0]
    add(5)
    small = queries(url, params)
    add(35)
    assert queries(url, params) == small


def test_attribute_filters_stay_within_budget(queries, catalogue):
    add, colour, options = catalogue
    add(40)
    plain = queries("/c/leaf/")
    chosen = {f"attr_{colour.code}": [str(options[0].pk), str(options[1].pk)]}
    assert queries("/c/leaf/", chosen) <= plain + 1  # the chosen attribute's own counts


def test_product_page_stays_within_budget_for_5_and_40_variants(client, queries):
    product = ProductFactory(price_min=Decimal("1"), price_max=Decimal("50"))
    size = AttributeFactory(category=product.category, code="size", is_variant=True)
    material = AttributeFactory(category=product.category, code="material", kind="text")
    ProductAttributeValue.objects.create(product=product, attribute=material, text="Clay")

    def add(count: int) -> None:
        for _ in range(count):
            image = ProductImage.objects.create(
                product=product, original="products/originals/a.jpg"
            )
            variant = VariantFactory(product=product, price=Decimal("9.00"), stock=2, image=image)
            variant.options.add(AttributeOptionFactory(attribute=size))
            PriceTierFactory(variant=variant)

    url = f"/p/{product.slug}/"
    client.get(url)  # the first view of a visit is recorded once (analytics), later ones cost less
    add(5)
    small = queries(url)
    add(35)
    assert queries(url) == small
