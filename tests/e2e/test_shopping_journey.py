"""The main shopping journey: a shopper searches from the header in Simplified Chinese and finds
products titled in Traditional Chinese, narrows the results by brand and price range, opens a
product and picks a variant, whose price, stock and SKU follow the choice."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from catalog.models import Attribute, Brand, Category, Product
from catalog.search import refresh_search_documents
from catalog.services.variants import refresh_price_range
from marketplace.sellers.models import Shop
from tests.catalog.factories import (
    AttributeFactory,
    AttributeOptionFactory,
    BrandFactory,
    CategoryFactory,
    ProductFactory,
    VariantFactory,
)
from tests.catalog.search_support import search_indexes  # noqa: F401 (the fixture, autouse)
from tests.sellers.factories import ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

X2 = "Voltera 藍牙耳機 X2"


def money(amount: str) -> re.Pattern:
    """A formatted price, whatever the currency symbol ("$59.00", "US$59.00")."""
    return re.compile(rf"^\D*{re.escape(amount)}$")


def earphones(
    *,
    title: str,
    brand: Brand,
    shop: Shop,
    category: Category,
    colour: Attribute,
    variants: list[tuple[str, str, str, int]],
) -> Product:
    """An active product with one variant per (colour, SKU, price, stock), its price range and
    stock total denormalised the way the services keep them."""
    product = ProductFactory(
        title=title, brand=brand, shop=shop, category=category, published_at=timezone.now()
    )
    for value, sku, price, stock in variants:
        option, _ = colour.options.get_or_create(value=value)
        variant = VariantFactory(product=product, sku=sku, price=Decimal(price), stock=stock)
        variant.options.add(option)
    refresh_price_range(product=product)
    return product


def test_search_in_chinese_filter_open_a_product_and_pick_a_variant(page: Page, live_server):
    category = CategoryFactory(name="Headphones", slug="headphones")
    colour = AttributeFactory(category=category, code="colour", name="Colour", is_variant=True)
    AttributeOptionFactory(attribute=colour, value="Black")
    AttributeOptionFactory(attribute=colour, value="White")
    voltera = BrandFactory(name="Voltera", slug="voltera")
    pixelcraft = BrandFactory(name="Pixelcraft", slug="pixelcraft")
    shop = ShopFactory(name="Taipei Audio")
    common = {"shop": shop, "category": category, "colour": colour}
    earphones(
        title=X2,
        brand=voltera,
        variants=[("Black", "VT-X2-BLK", "59.00", 8), ("White", "VT-X2-WHT", "69.00", 3)],
        **common,
    )
    earphones(
        title="Voltera 藍牙耳機 Lite",  # the right brand, below the price range
        brand=voltera,
        variants=[("Black", "VT-LITE-BLK", "19.00", 5)],
        **common,
    )
    earphones(
        title="Pixelcraft 藍牙耳機 Pro",  # in the price range, another brand
        brand=pixelcraft,
        variants=[("Black", "PC-PRO-BLK", "79.00", 4)],
        **common,
    )
    earphones(
        title="Voltera 充電線",  # a charging cable: not what the shopper searches for
        brand=voltera,
        variants=[("Black", "VT-CABLE", "9.00", 20)],
        **common,
    )
    refresh_search_documents(Product.objects.all())
    base_url = live_server.url
    cards = page.locator(".product-card-title")

    # 1. From the home page, a search in Simplified Chinese finds the Traditional titles.
    page.goto(f"{base_url}/")
    search = page.get_by_role("search")
    search.get_by_role("combobox", name="Search products").fill("蓝牙耳机")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Results for “蓝牙耳机”", level=1)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="3 products")).to_be_visible()
    expect(cards).to_have_count(3)
    for title in (X2, "Pixelcraft 藍牙耳機 Pro", "Voltera 藍牙耳機 Lite"):
        expect(cards.filter(has_text=title)).to_have_count(1)

    # 2. The brand facet, then a price range, narrow the results to one product; the address
    # carries the filters (shareable) and the search.
    filters = page.get_by_role("form", name="Filter products")
    filters.get_by_label("Voltera (2)").check()
    expect(page).to_have_url(re.compile(r"/search/\?.*brand=voltera"))
    expect(cards).to_have_count(2)
    expect(cards.filter(has_text="Pixelcraft")).to_have_count(0)

    filters.get_by_label("Lowest price").fill("50")
    filters.get_by_label("Highest price").fill("100")
    filters.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"price_min=50.*price_max=100"))
    expect(page.get_by_role("status").filter(has_text="1 product")).to_be_visible()
    expect(cards).to_have_text([X2])
    assert re.search(r"[?&]q=[^&]+", page.url)
    assert "brand=voltera" in page.url
    expect(filters.get_by_label("Voltera (1)")).to_be_checked()  # counts follow the price
    expect(filters.get_by_label("Lowest price")).to_have_value("50")
    expect(filters.get_by_label("Highest price")).to_have_value("100")

    # 3. The product page shows the first variant; choosing White shows its price, stock, SKU.
    page.get_by_role("link", name=X2).click()
    expect(page.get_by_role("heading", name=X2, level=1)).to_be_visible()
    price, stock, sku = (page.locator(f"#variant-{name}") for name in ("price", "stock", "sku"))
    expect(
        page.get_by_text(re.compile(r"59\.00 \u2013 \D*69\.00 depending on the option"))
    ).to_be_visible()
    expect(page.get_by_role("radio", name="Black")).to_be_checked()
    expect(price).to_have_text(money("59.00"))
    expect(stock).to_have_text("8 in stock")
    expect(sku).to_have_text("VT-X2-BLK")

    page.get_by_role("radio", name="White").check()
    expect(price).to_have_text(money("69.00"))
    expect(stock).to_have_text("3 in stock")
    expect(sku).to_have_text("VT-X2-WHT")

    page.get_by_role("radio", name="Black").check()
    expect(price).to_have_text(money("59.00"))
    expect(sku).to_have_text("VT-X2-BLK")
