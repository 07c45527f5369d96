"""The listing pages' caches. Product cards come from a fragment cache keyed by everything they
show: a card is drawn once, read back afterwards, and any change it shows (price, stock, title,
language) is a new card. Facet counts are kept a short while per page scope and selection,
while the products listed are always read afresh."""

import copy
import re
import uuid

import pytest

from catalog.models import Product

from .factories import BrandFactory, CategoryFactory
from .storefront_support import listed

pytestmark = pytest.mark.django_db

CARD = "catalog/storefront/_product_card.html"


@pytest.fixture(autouse=True)
def own_cache_keys(settings):
    """A card's key is its content, so a product of an earlier run with the same pk and title
    would be read back: each test gets a key prefix of its own."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"cards-{uuid.uuid4().hex}"
    settings.CACHES = caches


@pytest.fixture
def phones():
    return CategoryFactory(name="Phones", slug="phones")


def drawn(response) -> int:
    """How many cards the page drew (rather than read from the cache)."""
    return sum(1 for template in response.templates if template.name == CARD)


def cards(response) -> list[str]:
    return re.findall(
        r'<article class="product-card card".*?</article>', response.content.decode(), re.S
    )


def test_a_card_is_drawn_once_and_read_back_unchanged(client, phones):
    for n in range(3):
        listed(title=f"Phone {n}", category=phones)

    first = client.get("/c/phones/")
    second = client.get("/c/phones/")

    assert drawn(first) == 3 and drawn(second) == 0
    assert cards(second) == cards(first) and len(cards(first)) == 3


def test_what_a_card_shows_changes_at_once(client, phones):
    phone = listed(title="Phone", category=phones, price="10.00")
    other = listed(title="Other", category=phones)
    client.get("/c/phones/")

    Product.objects.filter(pk=phone.pk).update(title="Phone Pro", price_min="12.50", stock_total=0)
    response = client.get("/c/phones/")

    html = response.content.decode()
    assert drawn(response) == 1  # the other card is still the cached one
    assert "Phone Pro" in html and "12.50" in html and "Sold out" in html
    assert other.title in html


def test_each_language_has_its_own_card(client, phones):
    listed(title="Phone", category=phones, stock=0)
    Product.objects.update(stock_total=0)
    english = client.get("/c/phones/").content.decode()

    client.post("/account/language/", {"language": "zh-hans", "next": "/"})
    chinese = client.get("/c/phones/").content.decode()

    assert "Sold out" in english and "已售罄" in chinese


def test_without_the_cache_every_card_is_drawn_every_time(client, phones, settings):
    settings.CATALOG_CARD_CACHE_SECONDS = 0
    listed(title="Phone", category=phones)
    client.get("/c/phones/")

    assert drawn(client.get("/c/phones/")) == 1


def facet_count(html: str, label: str) -> str:
    found = re.search(rf"> {label} <span class=\"facet-count\">\((\d+)\)", html)
    return found.group(1) if found else ""


def test_facet_counts_are_kept_a_while_but_the_products_are_fresh(client, phones, settings):
    settings.CATALOG_FACET_CACHE_SECONDS = 60
    acme = BrandFactory(name="Acme", slug="acme")
    listed(title="Phone A", category=phones, brand=acme, sales_count=5)
    first = client.get("/c/phones/").content.decode()

    listed(title="Phone B", category=phones, brand=acme, sales_count=1)
    again = client.get("/c/phones/").content.decode()
    by_brand = client.get("/c/phones/", {"brand": "acme"}).content.decode()

    assert facet_count(first, "Acme") == facet_count(again, "Acme") == "1"  # kept
    assert "Phone A" in again and "Phone B" in again  # the list is read afresh, not cut at 1
    assert facet_count(by_brand, "Acme") == "2"  # another selection is counted anew


def test_without_the_facet_cache_counts_follow_at_once(client, phones, settings):
    settings.CATALOG_FACET_CACHE_SECONDS = 0
    acme = BrandFactory(name="Acme", slug="acme")
    listed(title="Phone A", category=phones, brand=acme)
    client.get("/c/phones/")
    listed(title="Phone B", category=phones, brand=acme)

    assert facet_count(client.get("/c/phones/").content.decode(), "Acme") == "2"


def test_a_shops_page_counts_afresh_even_with_the_facet_cache(client, phones, settings):
    settings.CATALOG_FACET_CACHE_SECONDS = 60
    acme = BrandFactory(name="Acme", slug="acme")
    first = listed(title="Phone A", category=phones, brand=acme)
    url = f"/s/{first.shop.slug}/products/"
    client.get(url)
    listed(title="Phone B", category=phones, brand=acme, shop=first.shop)

    assert facet_count(client.get(url).content.decode(), "Acme") == "2"
