"""Building ``Product.search_document``: the normalised words a search matches a product by.

The document holds the title, subtitle, brand, the names of the category and its ancestors in the
three languages, attribute values and variant options, all through ``text.normalize``. Call
``refresh_search_document`` after any change to those texts; ``refresh_search_documents`` does a
whole queryset in batches (seed data, imports, ``manage.py rebuild_search``). Whatever writes the
document (these functions, ``bulk_create`` in catalog/demo/bulk.py, a plain ``update()``),
PostgreSQL recomputes ``Product.search_vector`` from it: a generated column, never written here.
"""

from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from ..models import Brand, Category, Product, ProductAttributeValue, Variant
from .text import normalize

BATCH_SIZE = 500


def _category_names(category: Category | None) -> Iterable[str]:
    while category is not None:
        yield from (category.name, category.name_zh_hant, category.name_zh_hans)
        category = category.parent


def document_for(product: Product) -> str:
    """The normalised search text of ``product`` (uses prefetched relations when present)."""
    parts: list[str] = [product.title, product.subtitle]
    if product.brand_id:
        parts.append(product.brand.name)
    parts.extend(_category_names(product.category))
    for value in product.attribute_values.all():
        if value.option_id:
            parts.append(value.option.value)
        elif value.number is not None:
            parts.append(f"{value.number.normalize():f}")
        else:
            parts.append(value.text)
    for variant in product.variants.all():
        parts.extend(option.value for option in variant.options.all())
    return normalize(" ".join(part for part in dict.fromkeys(parts) if part))


def _with_search_relations(queryset: QuerySet[Product]) -> QuerySet[Product]:
    return queryset.select_related("brand", "category__parent__parent").prefetch_related(
        Prefetch(
            "attribute_values",
            queryset=ProductAttributeValue.objects.select_related("option"),
        ),
        Prefetch(
            "variants",
            queryset=Variant.objects.only("product_id").prefetch_related("options"),
        ),
    )


def refresh_search_document(*, product: Product) -> Product:
    """The product's search document reflects its current texts."""
    fresh = _with_search_relations(Product.objects.filter(pk=product.pk)).get()
    product.search_document = document_for(fresh)
    product.save(update_fields=["search_document"])
    return product


def refresh_search_documents(queryset: QuerySet[Product], *, batch_size: int = BATCH_SIZE) -> int:
    """Every product of ``queryset`` has a current search document; returns how many were done.

    Works in primary-key batches so memory stays flat on a catalogue of any size.
    """
    done = 0
    last_pk = 0
    base = queryset.order_by("pk")
    while True:
        batch = list(_with_search_relations(base.filter(pk__gt=last_pk))[:batch_size])
        if not batch:
            return done
        changed = []
        for product in batch:
            document = document_for(product)
            if document != product.search_document:
                product.search_document = document
                changed.append(product)
        Product.objects.bulk_update(changed, ["search_document"], batch_size=batch_size)
        done += len(batch)
        last_pk = batch[-1].pk


def refresh_search_documents_for_brand(*, brand: Brand) -> int:
    """After a brand is renamed: its products' documents carry the new name."""
    return refresh_search_documents(Product.objects.filter(brand=brand))


def refresh_search_documents_for_category(*, category: Category) -> int:
    """After a category is renamed: the documents of its products and of its sub-categories'."""
    in_tree = (
        Q(category=category) | Q(category__parent=category) | Q(category__parent__parent=category)
    )
    return refresh_search_documents(Product.objects.filter(in_tree))
