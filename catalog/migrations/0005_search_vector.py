"""``Product.search_vector``: ``to_tsvector('simple', search_document)`` stored by PostgreSQL as a
generated column, so search ranks with ``ts_rank(search_vector, query)`` instead of parsing the
document of every match again (catalog.search.matching). Matching still goes through the GIN
expression index of 0002, which indexes the same expression.

PostgreSQL fills the column for existing rows while adding it (a table rewrite under an exclusive
lock: a few seconds for 100,000 products) and keeps it current on every insert and update, bulk or
not. SQLite stores NULL (search there matches substrings).
"""

import django.contrib.postgres.search
from django.db import migrations, models

import catalog.models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_product_job_private_files")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=catalog.models.SearchDocumentVector(),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
    ]
