"""Category, search and shop listings: only listed products, disjunctive facet counts, each
filter, sort orders, pagination and the htmx fragment."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.filters import PAGE_SIZE
from catalog.models import ProductAttributeValue, ProductStatus, SearchLog
from catalog.search import refresh_search_document
from catalog.selectors import open_shops
from marketplace.sellers.models import SellerKind, ShopStatus
from marketplace.sellers.selectors.shops import is_shop_open
from tests.sellers.factories import ShopFactory

from .factories import (
    AttributeFactory,
    AttributeOptionFactory,
    BrandFactory,
    CategoryFactory,
    VariantFactory,
)
from .search_support import search_indexes  # noqa: F401
from .storefront_support import listed, suspend

pytestmark = pytest.mark.django_db


def card_titles(html: str) -> list[str]:
    return re.findall(r'class="product-card-title">([^<]+)<', html)


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def tree():
    top = CategoryFactory(name="Electronics", slug="electronics")
    phones = CategoryFactory(name="Phones", slug="phones", parent=top)
    cases = CategoryFactory(name="Cases", slug="cases", parent=phones)
    audio = CategoryFactory(name="Audio", slug="audio", parent=top)
    return top, phones, cases, audio


def test_a_category_lists_its_descendants_products_only_when_listed(client, tree):
    _top, phones, cases, audio = tree
    listed(title="Phone A", category=phones)
    listed(title="Case B", category=cases)
    listed(title="Speaker C", category=audio)
    listed(title="Elsewhere", category=CategoryFactory())
    listed(title="Delisted", category=cases, status=ProductStatus.DELISTED)
    listed(title="Draft", category=cases, status=ProductStatus.DRAFT)
    suspended = listed(title="Suspended shop", category=cases)
    suspend(suspended.shop)
    closed = listed(title="Closed shop", category=cases)
    closed.shop.status = ShopStatus.CLOSED
    closed.shop.save()
    reopened = listed(title="Suspension over", category=cases)
    suspend(reopened.shop, days=-1)

    assert sorted(card_titles(get(client, "/c/electronics/"))) == [
        "Case B",
        "Phone A",
        "Speaker C",
        "Suspension over",
    ]
    assert sorted(card_titles(get(client, "/c/phones/"))) == [
        "Case B",
        "Phone A",
        "Suspension over",
    ]


def test_an_unknown_or_inactive_category_is_not_found(client):
    CategoryFactory(slug="hidden", is_active=False)
    assert client.get("/c/hidden/").status_code == 404
    assert client.get("/c/nothing/").status_code == 404


def test_subcategory_facet_rolls_up_grandchildren(client, tree):
    _top, phones, cases, audio = tree
    listed(category=phones)
    listed(category=cases)
    listed(category=audio)
    html = get(client, "/c/electronics/")
    assert re.search(r'href="/c/phones/">Phones</a> <span class="facet-count">\(2\)', html)
    assert re.search(r'href="/c/audio/">Audio</a> <span class="facet-count">\(1\)', html)


def test_brand_filter_and_disjunctive_brand_counts(client, tree):
    category = tree[1]
    acme, zeta = BrandFactory(name="Acme", slug="acme"), BrandFactory(name="Zeta", slug="zeta")
    listed(title="Acme 1", brand=acme, category=category)
    listed(title="Acme 2", brand=acme, category=category, stock=0)
    listed(title="Zeta 1", brand=zeta, category=category)

    html = get(client, "/c/phones/", brand="acme")
    assert sorted(card_titles(html)) == ["Acme 1", "Acme 2"]
    # Other brands keep their counts while one is chosen; other facets follow the choice.
    assert re.search(r'value="acme" checked> Acme <span class="facet-count">\(2\)', html)
    assert re.search(r'value="zeta"> Zeta <span class="facet-count">\(1\)', html)
    assert re.search(r'In stock <span class="facet-count">\(1\)', html)

    both = get(client, "/c/phones/", brand=["acme", "zeta"])
    assert len(card_titles(both)) == 3


def test_price_range_filters_on_the_lowest_price(client, tree):
    category = tree[1]
    for price in ("5.00", "15.00", "25.00", "35.00"):
        listed(title=f"At {price}", price=price, category=category)

    html = get(client, "/c/phones/", price_min="10", price_max="30")
    assert sorted(card_titles(html)) == ["At 15.00", "At 25.00"]
    assert card_titles(get(client, "/c/phones/", price_min="abc")) != []  # bad input is ignored


def test_attribute_filter_matches_specifications_and_variant_options(client, tree):
    category = tree[1]
    colour = AttributeFactory(category=category, code="colour", name="Colour", is_filterable=True)
    red = AttributeOptionFactory(attribute=colour, value="Red")
    blue = AttributeOptionFactory(attribute=colour, value="Blue")
    spec_red = listed(title="Red by spec", category=category)
    ProductAttributeValue.objects.create(product=spec_red, attribute=colour, option=red)
    variant_red = listed(title="Red variant", category=category)
    VariantFactory(product=variant_red, price=Decimal("11.00")).options.add(red)
    blue_one = listed(title="Blue", category=category)
    ProductAttributeValue.objects.create(product=blue_one, attribute=colour, option=blue)

    html = get(client, "/c/phones/", attr_colour=str(red.pk))
    assert sorted(card_titles(html)) == ["Red by spec", "Red variant"]
    assert re.search(rf'value="{red.pk}" checked> Red <span class="facet-count">\(2\)', html)
    assert re.search(rf'value="{blue.pk}"> Blue <span class="facet-count">\(1\)', html)


def test_rating_stock_kind_and_ships_from_filters(client, tree):
    category = tree[1]
    b2b = ShopFactory(kind=SellerKind.WHOLESALER, ships_from="Taipei")
    listed(title="Good", category=category, rating_average=Decimal("4.5"), rating_count=3)
    listed(title="Poor", category=category, rating_average=Decimal("2.1"), rating_count=3)
    listed(title="Wholesale", category=category, shop=b2b, stock=0)

    assert card_titles(get(client, "/c/phones/", rating="4")) == ["Good"]
    assert "Wholesale" not in card_titles(get(client, "/c/phones/", in_stock="on"))
    assert card_titles(get(client, "/c/phones/", kind="b2b")) == ["Wholesale"]
    assert card_titles(get(client, "/c/phones/", ships_from="Taipei")) == ["Wholesale"]
    html = get(client, "/c/phones/")
    assert re.search(r'value="b2b"> [^<]+<span class="facet-count">\(1\)', html)
    assert re.search(r'value="b2c"> [^<]+<span class="facet-count">\(2\)', html)
    assert re.search(r'value="4"> 4★ &amp; up <span class="facet-count">\(1\)', html)


def test_sort_orders(client, tree):
    category = tree[1]
    now = timezone.now()
    listed(
        title="Cheap",
        price="5.00",
        category=category,
        sales_count=1,
        rating_average=Decimal("3"),
        published_at=now - timedelta(days=3),
    )
    listed(
        title="Dear",
        price="50.00",
        category=category,
        sales_count=9,
        rating_average=Decimal("5"),
        published_at=now - timedelta(days=2),
    )
    listed(
        title="Middle",
        price="20.00",
        category=category,
        sales_count=5,
        rating_average=Decimal("4"),
        published_at=now - timedelta(days=1),
    )

    def order(sort):
        return card_titles(get(client, "/c/phones/", sort=sort))

    assert order("price_asc") == ["Cheap", "Middle", "Dear"]
    assert order("price_desc") == ["Dear", "Middle", "Cheap"]
    assert order("sales") == ["Dear", "Middle", "Cheap"]
    assert order("newest") == ["Middle", "Dear", "Cheap"]
    assert order("rating") == ["Dear", "Middle", "Cheap"]
    assert order("relevance") == order("sales")  # relevance is for searches only


def test_pagination_keeps_the_filters(client, tree):
    category = tree[1]
    for n in range(PAGE_SIZE + 3):
        listed(title=f"Item {n:02d}", category=category, sales_count=100 - n)

    first = get(client, "/c/phones/", sort="sales")
    second = get(client, "/c/phones/", sort="sales", page="2")
    assert len(card_titles(first)) == PAGE_SIZE
    assert card_titles(second) == ["Item 24", "Item 25", "Item 26"]
    assert f"{PAGE_SIZE + 3} products" in first
    assert 'href="?sort=sales&amp;page=2"' in first
    assert len(card_titles(get(client, "/c/phones/", page="99"))) == 3  # past the end: last page


def test_htmx_gets_only_the_results_fragment(client, tree):
    listed(title="Phone", category=tree[1])
    full = get(client, "/c/phones/")
    fragment = client.get("/c/phones/", {"sort": "newest"}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "<html" in full and "<html" not in html
    assert html.lstrip().startswith('<div class="listing" id="listing"')
    assert 'hx-push-url="true"' in html
    assert card_titles(html) == ["Phone"]
    assert "HX-Request" in fragment["Vary"]


def test_search_pages_go_on_in_ranking_order(client, tree):
    """Search pages are cut by a ranked subquery of ids; the page's rows keep that order."""
    for n in range(PAGE_SIZE + 3):
        product = listed(title=f"Teapot {n:02d}", category=tree[2], sales_count=500 - 10 * n)
        refresh_search_document(product=product)
    sold_out = listed(title="Teapot sold out", category=tree[2], sales_count=9999, stock=0)
    refresh_search_document(product=sold_out)

    first = card_titles(get(client, "/search/", q="teapot"))
    second = card_titles(get(client, "/search/", q="teapot", page="2"))

    assert first == [f"Teapot {n:02d}" for n in range(PAGE_SIZE)]
    assert second == ["Teapot 24", "Teapot 25", "Teapot 26", "Teapot sold out"]


def test_search_lists_matching_products_with_facets_and_logs(client, tree):
    acme = BrandFactory(name="Acme", slug="acme")
    for title in ("手機殼 red", "手機殼 blue", "Speaker"):
        refresh_search_document(product=listed(title=title, category=tree[2], brand=acme))
    hidden = listed(title="手機殼 suspended", category=tree[2])
    refresh_search_document(product=hidden)
    suspend(hidden.shop)

    html = get(client, "/search/", q="手机壳")
    assert sorted(card_titles(html)) == ["手機殼 blue", "手機殼 red"]
    assert re.search(r'value="acme"> Acme <span class="facet-count">\(2\)', html)
    assert re.search(r'value="cases"> Cases <span class="facet-count">\(2\)', html)
    assert '<option value="relevance" selected>' in html
    assert SearchLog.objects.get().results == 2


def test_an_empty_search_asks_for_words(client):
    html = get(client, "/search/")
    assert "Type what you are looking for" in html


def test_shop_products_page_lists_one_shop_with_facets(client):
    shop = ShopFactory()
    listed(title="Mine", shop=shop)
    listed(title="Theirs")
    html = get(client, f"/s/{shop.slug}/products/")
    assert card_titles(html) == ["Mine"]
    assert 'id="facet-form"' in html
    suspend(shop)
    html = get(client, f"/s/{shop.slug}/products/")
    assert card_titles(html) == [] and 'id="shop-unavailable"' in html


def test_the_shop_storefront_shows_its_products(client):
    shop = ShopFactory()
    listed(title="Storefront item", shop=shop)
    html = get(client, f"/s/{shop.slug}/")
    assert card_titles(html) == ["Storefront item"]
    assert f'href="/s/{shop.slug}/products/"' in html


@pytest.mark.parametrize(
    ("status", "days"),
    [
        (ShopStatus.OPEN, None),
        (ShopStatus.SUSPENDED, 2),
        (ShopStatus.SUSPENDED, -2),
        (ShopStatus.SUSPENDED, None),
        (ShopStatus.CLOSED, None),
    ],
)
def test_the_sql_open_shop_rule_agrees_with_sellers_is_shop_open(status, days):
    until = timezone.now() + timedelta(days=days) if days is not None else None
    shop = ShopFactory(status=status, suspended_until=until)
    assert open_shops().filter(pk=shop.pk).exists() == is_shop_open(shop=shop)
