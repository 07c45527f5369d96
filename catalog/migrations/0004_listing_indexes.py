"""Indexes for the category listings, their facet counts and sorts (docs/performance.md).

- ``catalog_product_listing``: a category's active products with every column the facet counts
  read, so each count is an index-only scan instead of one heap page per product (a category's
  products are spread over the whole table);
- ``catalog_product_active_newest``: the "newest" sort in index order (``NULLS LAST``, which
  ``catalog_product_newest`` cannot give), so a page stops after its rows instead of sorting all;
- ``catalog_pav_option_product``, ``catalog_varopt_option_variant`` and
  ``catalog_variant_active``: the option facet goes from an option to its products through
  specifications or active variants without reading the tables.

They are PostgreSQL's (covering ``INCLUDE`` columns, ``NULLS LAST`` keys; SQLite, the
development fallback, has neither), so they are SQL here rather than ``Meta.indexes``, and the
model state does not change. Index-only scans need the visibility map, which VACUUM (or
autovacuum) keeps: after loading data in bulk, run ``VACUUM ANALYZE``.

It comes after 0005_search_vector, which was written first and applied to the benchmark database.
"""

from django.db import migrations

INDEXES = {
    "catalog_product_listing": (
        "catalog_product (category_id)"
        " INCLUDE (id, shop_id, brand_id, price_min, stock_total, rating_average)"
        " WHERE status = 'active'"
    ),
    "catalog_product_active_newest": (
        "catalog_product (published_at DESC NULLS LAST, id DESC) WHERE status = 'active'"
    ),
    "catalog_pav_option_product": "catalog_productattributevalue (option_id, product_id)",
    "catalog_varopt_option_variant": "catalog_variant_options (attributeoption_id, variant_id)",
    "catalog_variant_active": "catalog_variant (id) INCLUDE (product_id) WHERE is_active",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_search_vector")]

    operations = [migrations.RunPython(create, drop)]
