"""The derived ``ProductOption`` table: which options each product has on a variant on sale.

``refresh_product_options`` rewrites the rows of the given products from their variants (one
``DELETE`` and one ``INSERT ... SELECT``), so it is right however often it runs. It locks the
products' rows first: two transactions refreshing one product would otherwise both delete the
old rows and the second one's insert would hit the unique constraint. The variant
services refresh once per call, inside ``refreshing_options()``; the receivers in
``catalog.receivers`` refresh after any other write of a variant's options or of its ``is_active``
(admin, importer, tests, shell). Writes that bypass signals (``QuerySet.update(is_active=...)``,
``bulk_create`` of variants or of their option links) must call ``refresh_product_options``
themselves, as ``catalog.demo.bulk`` does. Nothing here reads for a page.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction

from ..models import Product, ProductOption, Variant

_pending: ContextVar[set[int] | None] = ContextVar("catalog_pending_option_refresh", default=None)


def refresh_product_options(*, product_ids: Iterable[int]) -> None:
    """These products' rows say exactly which options their active variants have."""
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    links = (
        Variant.options.through.objects.filter(variant__is_active=True, variant__product_id__in=ids)
        .order_by()
        .values_list("variant__product_id", "attributeoption_id")
        .distinct()
    )
    select, params = links.query.sql_with_params()
    table = connection.ops.quote_name(ProductOption._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ("product_id", "option_id"))
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        list(Product.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
        ProductOption.objects.filter(product_id__in=ids).delete()
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)


def options_changed(*, product_ids: Iterable[int]) -> None:
    """A variant's options or activation changed: refresh now, or at the end of the enclosing
    ``refreshing_options()`` block."""
    pending = _pending.get()
    if pending is None:
        refresh_product_options(product_ids=product_ids)
    else:
        pending.update(product_ids)


@contextmanager
def refreshing_options() -> Iterator[None]:
    """Collect the products whose variants change inside the block and refresh each once at its
    end (a service that writes 40 variants refreshes once, not 40 times). Nested blocks join the
    outermost; nothing is refreshed if the block raises."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(set())
    try:
        yield
        product_ids = _pending.get() or set()
    finally:
        _pending.reset(token)
    refresh_product_options(product_ids=product_ids)
