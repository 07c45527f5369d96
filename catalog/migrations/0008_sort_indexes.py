"""Indexes for sorting a category's products (docs/performance.md).

- ``catalog_product_price`` (status, price_min) is dropped: it ordered every active product by
  price, and for one category PostgreSQL walked it from the cheapest product of the whole
  catalogue, skipping the other categories' products: "phones, price low to high" read 90,944
  rows to find 24 (104 ms on the 100,000-product benchmark catalogue), "fashion" 24,548 (41 ms),
  because the cheapest products are neither phones nor clothes. No page lists the whole
  catalogue by price.
- ``catalog_product_cat_price_asc`` and ``_desc`` give one category its products in price order,
  both ways with ``NULLS LAST`` (products without an active variant have no price) as the sorts
  ask: the phones page by price takes 0.4 ms.
- ``catalog_product_listing`` (0004) also carries ``rating_count``, so the narrow subquery that
  picks a page's ids (``catalog.filters.ListingPaginator``) sorts a whole top-level category by
  rating from the index alone: 64 -> 11 ms for "electronics by rating".

PostgreSQL's, like 0004 (SQLite, the development fallback, has no ``NULLS LAST`` or ``INCLUDE``
index keys).
"""

from django.db import migrations

LISTING = (
    "catalog_product (category_id)"
    " INCLUDE (id, shop_id, brand_id, price_min, stock_total, rating_average{extra})"
    " WHERE status = 'active'"
)
INDEXES = {
    "catalog_product_cat_price_asc": (
        "catalog_product (category_id, price_min ASC NULLS LAST, id) WHERE status = 'active'"
    ),
    "catalog_product_cat_price_desc": (
        "catalog_product (category_id, price_min DESC NULLS LAST, id DESC) WHERE status = 'active'"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")
    _listing(schema_editor, extra=", rating_count")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    _listing(schema_editor, extra="")


def _listing(schema_editor, *, extra):
    schema_editor.execute("DROP INDEX IF EXISTS catalog_product_listing")
    schema_editor.execute(
        f"CREATE INDEX catalog_product_listing ON {LISTING.format(extra=extra)}"
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_product_customs")]

    operations = [
        migrations.RemoveIndex(model_name="product", name="catalog_product_price"),
        migrations.RunPython(create, drop),
    ]
