"""What crawlers read: JSON-LD on product pages, canonical addresses, Open Graph tags,
robots.txt and the sitemap."""

import json
import re
from decimal import Decimal

import pytest

from catalog.models import ProductStatus
from tests.sellers.factories import ShopFactory

from .factories import BrandFactory, CategoryFactory, ProductFactory, VariantFactory
from .storefront_support import listed, suspend

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def of_type(html: str, kind: str) -> dict:
    (found,) = [data for data in json_ld(html) if data["@type"] == kind]
    return found


def test_product_json_ld_has_an_offer_for_a_single_variant(client):
    product = listed(title="Kettle", price="25.50", brand=BrandFactory(name="Acme"))
    data = of_type(client.get(f"/p/{product.slug}/").content.decode(), "Product")

    assert data["@context"] == "https://schema.org"
    assert data["name"] == "Kettle"
    assert data["url"] == f"http://testserver/p/{product.slug}/"
    assert data["brand"] == {"@type": "Brand", "name": "Acme"}
    assert data["offers"]["@type"] == "Offer"
    assert data["offers"]["price"] == "25.50"
    assert data["offers"]["priceCurrency"] == product.currency
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert "aggregateRating" not in data  # no ratings yet


def test_several_variants_make_an_aggregate_offer_and_ratings_an_aggregate_rating(client):
    product = ProductFactory(rating_average=Decimal("4.25"), rating_count=12)
    VariantFactory(product=product, price=Decimal("9.00"), stock=1)
    VariantFactory(product=product, price=Decimal("19.00"), stock=0)
    data = of_type(client.get(f"/p/{product.slug}/").content.decode(), "Product")

    assert data["offers"]["@type"] == "AggregateOffer"
    assert (data["offers"]["lowPrice"], data["offers"]["highPrice"]) == ("9.00", "19.00")
    assert data["offers"]["offerCount"] == 2
    assert data["aggregateRating"]["@type"] == "AggregateRating"
    assert data["aggregateRating"]["ratingValue"] == "4.25"
    assert data["aggregateRating"]["reviewCount"] == 12


def test_unbuyable_products_are_not_offered_as_in_stock(client):
    removed = listed(status=ProductStatus.REMOVED)
    paused = listed()
    suspend(paused.shop)
    for product, availability in ((removed, "Discontinued"), (paused, "OutOfStock")):
        data = of_type(client.get(f"/p/{product.slug}/").content.decode(), "Product")
        assert data["offers"]["availability"] == f"https://schema.org/{availability}"


def test_breadcrumb_list_on_product_and_category_pages(client):
    top = CategoryFactory(name="Kitchen", slug="kitchen")
    leaf = CategoryFactory(name="Kettles", slug="kettles", parent=top)
    product = listed(title="Kettle", category=leaf)

    crumbs = of_type(client.get(f"/p/{product.slug}/").content.decode(), "BreadcrumbList")
    assert [(i["position"], i["name"]) for i in crumbs["itemListElement"]] == [
        (1, "Kitchen"),
        (2, "Kettles"),
        (3, "Kettle"),
    ]
    assert crumbs["itemListElement"][2]["item"] == f"http://testserver/p/{product.slug}/"
    category = of_type(client.get("/c/kettles/").content.decode(), "BreadcrumbList")
    assert [i["name"] for i in category["itemListElement"]] == ["Kitchen", "Kettles"]


def test_json_ld_cannot_be_closed_by_a_title(client):
    product = listed(title="</script><script>alert(1)</script>")
    html = client.get(f"/p/{product.slug}/").content.decode()
    assert "<script>alert(1)" not in html
    assert of_type(html, "Product")["name"] == "</script><script>alert(1)</script>"


def test_canonical_drops_facets_and_sort_but_keeps_the_page(client):
    CategoryFactory(slug="tea")
    html = client.get("/c/tea/", {"brand": "x", "sort": "newest", "page": "2"}).content.decode()
    assert '<link rel="canonical" href="http://testserver/c/tea/?page=2">' in html
    assert '<meta name="robots" content="noindex, follow">' in html
    plain = client.get("/c/tea/").content.decode()
    assert '<link rel="canonical" href="http://testserver/c/tea/">' in plain
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/c/tea/">' in plain
    assert "noindex" not in plain


def test_product_page_has_open_graph_and_a_meta_description(client):
    product = listed(title="Teapot", subtitle="Cast iron, 1 litre")
    html = client.get(f"/p/{product.slug}/").content.decode()
    assert '<meta property="og:type" content="product">' in html
    assert '<meta property="og:title" content="Teapot">' in html
    assert f'<meta property="og:url" content="http://testserver/p/{product.slug}/">' in html
    assert '<meta name="description" content="Cast iron, 1 litre">' in html
    assert f'<link rel="canonical" href="http://testserver/p/{product.slug}/">' in html


def test_robots_txt_keeps_crawlers_out_of_private_and_faceted_pages(client):
    response = client.get("/robots.txt")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    for rule in ("/admin/", "/seller/", "/accounts/", "/cart/", "/checkout/", "/*?*sort="):
        assert f"Disallow: {rule}\n" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_sitemap_lists_listed_products_active_categories_and_open_shops(client):
    shown = listed(title="Shown")
    hidden = listed(title="Hidden")
    suspend(hidden.shop)
    draft = listed(status=ProductStatus.DRAFT)
    CategoryFactory(slug="inactive", is_active=False)
    open_shop = ShopFactory()

    index = client.get("/sitemap.xml").content.decode()
    for section in ("products", "categories", "shops"):
        assert f"<loc>http://testserver/sitemap-{section}.xml</loc>" in index
    body = "".join(
        client.get(f"/sitemap-{section}.xml").content.decode()
        for section in ("products", "categories", "shops")
    )
    assert f"<loc>http://testserver/p/{shown.slug}/</loc>" in body
    assert f"/p/{hidden.slug}/" not in body and f"/p/{draft.slug}/" not in body
    assert f"<loc>http://testserver/c/{shown.category.slug}/</loc>" in body
    assert "/c/inactive/" not in body
    assert f"<loc>http://testserver/s/{open_shop.slug}/</loc>" in body
    assert f"/s/{hidden.shop.slug}/" not in body
