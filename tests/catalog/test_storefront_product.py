"""The product page (variants, B2B tiers, specifications, why it cannot be bought, the view
signal) and the home page's catalogue sections."""

import json
import re
from decimal import Decimal

import pytest
from django.template import Context, Template

from catalog.models import Product, ProductAttributeValue, ProductStatus
from catalog.signals_storefront import product_viewed
from marketplace.sellers.models import SellerKind, ShopStatus
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
from .storefront_support import listed, suspend

pytestmark = pytest.mark.django_db


def page(client, product: Product) -> str:
    response = client.get(f"/p/{product.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def variant_data(html: str) -> dict:
    found = re.search(r'<script id="variant-data" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1))


def test_variant_picker_data_has_every_variant_with_price_stock_and_options(client):
    category = CategoryFactory()
    colour = AttributeFactory(category=category, code="colour", name="Colour", is_variant=True)
    red = AttributeOptionFactory(attribute=colour, value="Red")
    blue = AttributeOptionFactory(attribute=colour, value="Blue")
    product = ProductFactory(category=category, price_min=Decimal("10"), price_max=Decimal("12"))
    VariantFactory(product=product, sku="R", price=Decimal("10.00"), stock=3).options.add(red)
    VariantFactory(product=product, sku="B", price=Decimal("12.00"), stock=0).options.add(blue)

    html = page(client, product)
    data = variant_data(html)
    assert [(v["sku"], v["stock"], v["options"]) for v in data["variants"]] == [
        ("R", 3, [red.pk]),
        ("B", 0, [blue.pk]),
    ]
    assert data["variants"][1]["price"].endswith("12.00")
    assert data["attributes"] == [
        {
            "id": colour.pk,
            "name": "Colour",
            "options": [{"id": red.pk, "value": "Red"}, {"id": blue.pk, "value": "Blue"}],
        }
    ]
    assert f'name="option-{colour.pk}" value="{red.pk}" checked' in html
    assert "catalog/product.js" in html
    assert 'id="variant-sku">R<' in html


def test_b2b_product_shows_its_tiers_and_minimum_order(client):
    shop = ShopFactory(kind=SellerKind.WHOLESALER)
    product = listed(shop=shop, price="10.00", min_order_quantity=50)
    variant = product.variants.get()
    PriceTierFactory(variant=variant, min_quantity=100, unit_price=Decimal("8.00"))
    PriceTierFactory(variant=variant, min_quantity=500, unit_price=Decimal("7.00"))

    html = page(client, product)
    assert "Minimum order: 50 units" in html
    tiers = re.search(r'<table class="table tier-table" id="tier-table">(.*?)</table>', html, re.S)
    assert tiers and "≥ 100" in tiers.group(1) and "≥ 500" in tiers.group(1)
    assert variant_data(html)["variants"][0]["tiers"][0][0] == 100


def test_specifications_brand_and_sanitised_description(client):
    product = listed(
        brand=BrandFactory(name="Acme"),
        description='<p>Good <script>alert(1)</script><a href="javascript:x()">x</a></p>',
    )
    material = AttributeFactory(category=product.category, name="Material", kind="text")
    ProductAttributeValue.objects.create(product=product, attribute=material, text="Steel")

    html = page(client, product)
    assert re.search(r"<dt>Material</dt><dd>Steel</dd>", html)
    assert "<strong>Acme</strong>" in html
    assert "<script>alert(1)" not in html and "javascript:x()" not in html
    assert "<p>Good" in html


def test_an_on_sale_product_has_an_add_to_cart_form(client):
    html = page(client, listed())
    assert 'id="not-for-sale"' not in html
    assert re.search(r'<form class="buy-form cluster" id="add-to-cart" method="post"', html)


def test_suspended_shop_product_is_shown_but_says_why_it_cannot_be_bought(client):
    product = listed(title="Paused")
    suspend(product.shop)

    html = page(client, product)
    assert re.search(r'id="not-for-sale">This shop is suspended until [^<]+cannot be bought', html)
    assert re.search(r'<button class="btn btn-primary" type="button" disabled', html)
    assert "Paused" not in client.get(f"/c/{product.category.slug}/").content.decode()


def test_closed_shop_removed_and_delisted_products_say_why(client):
    closed = listed()
    closed.shop.status = ShopStatus.CLOSED
    closed.shop.save()
    removed = listed(status=ProductStatus.REMOVED, status_reason="Counterfeit goods.")
    delisted = listed(status=ProductStatus.DELISTED)
    sold_out = listed(stock=0)

    assert "This shop is closed" in page(client, closed)
    assert "removed by the marketplace. Counterfeit goods." in page(client, removed)
    assert "taken this product off sale" in page(client, delisted)
    assert 'id="not-for-sale">Sold out.' in page(client, sold_out)


def test_drafts_and_products_under_review_are_not_found(client):
    for status in (ProductStatus.DRAFT, ProductStatus.PENDING_REVIEW):
        assert client.get(f"/p/{listed(status=status).slug}/").status_code == 404
    assert client.get("/p/no-such-thing/").status_code == 404


def test_viewing_a_product_sends_product_viewed(client, user, client_as):
    product = listed()
    seen = []

    def receiver(sender, product, request, **kwargs):
        seen.append((product.pk, request.user.is_authenticated))

    product_viewed.connect(receiver)
    try:
        page(client, product)
        page(client_as(user), product)
    finally:
        product_viewed.disconnect(receiver)
    assert seen == [(product.pk, False), (product.pk, True)]


def test_breadcrumbs_follow_the_category_tree(client):
    top = CategoryFactory(name="Home & Living", slug="home-living")
    leaf = CategoryFactory(name="Mugs", slug="mugs", parent=top)
    html = page(client, listed(title="Blue mug", category=leaf))
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert re.findall(r">([^<>]+)</(?:a|li)>", crumbs) == [
        "Home",
        "Home &amp; Living",
        "Mugs",
        "Blue mug",
    ]


def test_home_shows_categories_new_arrivals_and_best_sellers(client):
    top = CategoryFactory(name="Toys", slug="toys")
    CategoryFactory(name="Puzzles", slug="puzzles", parent=top)
    listed(title="Bestseller", sales_count=99)
    hidden = listed(title="Hidden")
    suspend(hidden.shop)

    html = client.get("/").content.decode()
    assert 'id="home-new"' in html and 'id="home-best"' in html
    assert "Bestseller" in html and "Hidden" not in html
    assert 'href="/c/toys/"' in html and 'href="/c/puzzles/"' in html
    # the header menu lists the categories on every page
    menu = re.search(r'<ul class="plain-list category-menu">.*?</ul>\s*</li>', html, re.S)
    assert menu and "Toys" in menu.group(0)


def test_home_without_products_says_so(client):
    assert "No products are on sale yet" in client.get("/").content.decode()


def test_discovery_slot_is_empty_without_the_discovery_library(rf):
    html = Template('{% load catalog_tags %}[{% discovery_slot "no_such_tag" request %}]').render(
        Context({"request": rf.get("/")})
    )
    assert html == "[]"


def test_featured_products_block_shows_only_the_shops_listed_products(client):
    shop = ShopFactory()
    mine = listed(title="Featured", shop=shop)
    other = listed(title="Not mine")
    html = Template("{% load catalog_tags %}{% featured_products block ids %}").render(
        Context({"block": type("Block", (), {"shop_id": shop.pk})(), "ids": [other.pk, mine.pk]})
    )
    assert "Featured" in html and "Not mine" not in html


def test_home_banners_come_from_open_shops(client):
    ShopFactory(name="Bright Banners", banner="shops/banners/bright.jpg")
    suspend(ShopFactory(name="Paused Banners", banner="shops/banners/paused.jpg"))
    html = client.get("/").content.decode()
    assert 'src="/media/shops/banners/bright.jpg" alt="Bright Banners"' in html
    assert "paused.jpg" not in html
