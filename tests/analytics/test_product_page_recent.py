"""The product page's "recently viewed" row leaves out the product on screen."""

import pytest

from tests.catalog.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def recently_viewed_row(html: str) -> str:
    start = html.index('id="recently-viewed"')
    return html[start : html.index("</section>", start)]


def test_recently_viewed_on_a_product_page_leaves_out_that_product(client):
    first = ProductFactory(title="Walnut cutting board")
    second = ProductFactory(title="Bamboo steamer")
    for product in (first, second):
        VariantFactory(product=product, stock=3)
        client.get(f"/p/{product.slug}/")

    row = recently_viewed_row(client.get(f"/p/{second.slug}/").content.decode())

    assert f"/p/{first.slug}/" in row
    assert f"/p/{second.slug}/" not in row
