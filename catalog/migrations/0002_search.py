"""Search indexes on PostgreSQL; nothing on SQLite (search there falls back to substring matching).

- pg_trgm (a trusted extension: the database owner may create it);
- GIN on ``to_tsvector('simple', search_document)``, the exact expression catalog.search.matching
  queries with, so the planner uses it;
- trigram GIN on product titles and brand names (typos, "did you mean") and on logged queries
  (closest successful query).

Model state is untouched: these are expression/opclass indexes Django does not track.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS catalog_product_search_gin ON catalog_product "
    "USING gin (to_tsvector('simple'::regconfig, search_document))",
    "CREATE INDEX IF NOT EXISTS catalog_product_title_trgm ON catalog_product "
    "USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS catalog_brand_name_trgm ON catalog_brand "
    "USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS catalog_searchlog_query_trgm ON catalog_searchlog "
    "USING gin (query gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_searchlog_query_trgm",
    "DROP INDEX IF EXISTS catalog_brand_name_trgm",
    "DROP INDEX IF EXISTS catalog_product_title_trgm",
    "DROP INDEX IF EXISTS catalog_product_search_gin",
]


def _run(statements: list[str]):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
