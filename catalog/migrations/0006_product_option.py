"""``ProductOption``: which options a product has on at least one variant on sale, so the option
facet and the ``attr_`` filters read one index per option instead of joining every variant's
options to ``catalog_variant`` (docs/performance.md).

The table is filled from the variants on sale in one ``INSERT ... SELECT DISTINCT`` (plain SQL
that PostgreSQL and SQLite both run; a few seconds for 100,000 products). The constraint and the
index are created with the table: adding them after the insert, in the same transaction, fails
on PostgreSQL while the rows' deferred foreign-key checks are pending. On a large database run
``VACUUM ANALYZE catalog_productoption`` afterwards: the counts are index-only scans, which need
the visibility map that VACUUM writes (it cannot run inside the migration's transaction).
"""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
INSERT INTO catalog_productoption (product_id, option_id)
SELECT DISTINCT variant.product_id, link.attributeoption_id
FROM catalog_variant_options link
INNER JOIN catalog_variant variant ON variant.id = link.variant_id
WHERE variant.is_active
"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_listing_indexes")]

    operations = [
        migrations.CreateModel(
            name="ProductOption",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "option",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="catalog.attributeoption",
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="catalog.product",
                    ),
                ),
            ],
            options={
                "verbose_name": "product option",
                "verbose_name_plural": "product options",
                "indexes": [
                    models.Index(fields=["option", "product"], name="catalog_option_product")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("product", "option"), name="catalog_product_option"
                    )
                ],
            },
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
