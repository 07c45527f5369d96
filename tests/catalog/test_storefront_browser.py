"""In a real browser: ticking a facet swaps the results without reloading and puts the filter
in the address; choosing a variant updates price, stock and SKU."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import browser_context_args, browser_type_launch_args  # noqa: F401

from .factories import (
    AttributeFactory,
    AttributeOptionFactory,
    BrandFactory,
    CategoryFactory,
    ProductFactory,
    VariantFactory,
)
from .storefront_support import listed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ticking_a_brand_swaps_the_results_and_pushes_the_address(page: Page, live_server):
    category = CategoryFactory(name="Teapots", slug="teapots")
    acme, zeta = BrandFactory(name="Acme", slug="acme"), BrandFactory(name="Zeta", slug="zeta")
    listed(title="Acme teapot", brand=acme, category=category)
    listed(title="Zeta teapot", brand=zeta, category=category)

    page.goto(f"{live_server.url}/c/teapots/")
    page.evaluate("window.notReloaded = true")
    expect(page.locator(".product-card")).to_have_count(2)
    page.get_by_label("Acme (1)").check()

    expect(page).to_have_url(f"{live_server.url}/c/teapots/?sort=sales&brand=acme")
    expect(page.locator(".product-card")).to_have_count(1)
    expect(page.locator(".product-card-title")).to_have_text("Acme teapot")
    assert page.evaluate("window.notReloaded") is True


def test_choosing_a_variant_shows_its_price_stock_and_sku(page: Page, live_server):
    category = CategoryFactory()
    colour = AttributeFactory(category=category, code="colour", name="Colour", is_variant=True)
    red = AttributeOptionFactory(attribute=colour, value="Red")
    blue = AttributeOptionFactory(attribute=colour, value="Blue")
    product = ProductFactory(
        title="Enamel teapot",
        category=category,
        price_min=Decimal("10"),
        price_max=Decimal("12"),
    )
    VariantFactory(product=product, sku="TP-RED", price=Decimal("10.00"), stock=3).options.add(red)
    VariantFactory(product=product, sku="TP-BLUE", price=Decimal("12.00"), stock=0).options.add(
        blue
    )

    page.goto(f"{live_server.url}/p/{product.slug}/")
    expect(page.locator("#variant-sku")).to_have_text("TP-RED")
    expect(page.locator("#variant-stock")).to_have_text("3 in stock")
    page.locator(".option-button", has_text="Blue").click()

    expect(page.locator("#variant-sku")).to_have_text("TP-BLUE")
    expect(page.locator("#variant-price")).to_contain_text("12.00")
    expect(page.locator("#variant-stock")).to_have_text("Sold out")
