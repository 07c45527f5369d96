"""Shared arrangements for the search tests: the search indexes of migration 0002 (the suite runs
with --nomigrations while models are in flux) and a product whose search document is current."""

import importlib

import pytest
from django.db import connection

from catalog.models import Product
from catalog.search import refresh_search_document

from .factories import ProductFactory

search_migration = importlib.import_module("catalog.migrations.0002_search")


@pytest.fixture(scope="module", autouse=True)
def search_indexes(django_db_setup, django_db_blocker):
    """The statements of migration 0002 (idempotent), as ``migrate`` would have run them."""
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        search_migration._run(search_migration.FORWARD)(None, editor)


def product(title: str, **fields) -> Product:
    """An active product in stock with its search document built."""
    fields.setdefault("stock_total", 10)
    made = ProductFactory(title=title, **fields)
    return refresh_search_document(product=made)
