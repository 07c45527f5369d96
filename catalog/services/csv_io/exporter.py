"""Writing a CSV export: every product of the shop, one row per variant, in the import's columns,
so the file imports back unchanged. Every cell goes through ``escape_cell``, so merchant text that
looks like a formula is not run by the spreadsheet that opens the file."""

import csv
import io
import uuid
from collections.abc import Iterator

from django.core.files.base import ContentFile

from marketplace.core.csv import escape_cell
from marketplace.sellers.models import Shop

from ...models import Product, ProductAttributeValue, ProductJob
from .columns import COLUMNS


def export_rows(*, shop: Shop) -> Iterator[dict[str, str]]:
    qs = (
        Product.objects.filter(shop=shop)
        .select_related("category", "brand")
        .prefetch_related(
            "attribute_values__attribute",
            "attribute_values__option",
            "variants__options__attribute",
            "variants__price_tiers",
        )
        .order_by("pk")
    )
    for product in qs:
        attributes = "; ".join(
            f"{v.attribute.code}={_value_text(v)}" for v in product.attribute_values.all()
        )
        for variant in product.variants.all():
            yield {
                "handle": product.slug,
                "title": product.title,
                "subtitle": product.subtitle,
                "category": product.category.slug,
                "brand": product.brand.name if product.brand else "",
                "description": product.description,
                "min_order_quantity": str(product.min_order_quantity),
                "attributes": attributes,
                "options": "; ".join(
                    f"{o.attribute.code}={o.value}" for o in variant.options.all()
                ),
                "sku": variant.sku,
                "price": str(variant.price),
                "compare_at_price": ""
                if variant.compare_at_price is None
                else str(variant.compare_at_price),
                "stock": str(variant.stock),
                "low_stock_threshold": str(variant.low_stock_threshold),
                "weight_grams": str(variant.weight_grams),
                "barcode": variant.barcode,
                "active": "yes" if variant.is_active else "no",
                "price_tiers": "; ".join(
                    f"{t.min_quantity}:{t.unit_price}" for t in variant.price_tiers.all()
                ),
            }


def _value_text(value: ProductAttributeValue) -> str:
    if value.option_id:
        return value.option.value
    if value.number is not None:
        return format(value.number.normalize(), "f")
    return value.text


def export_products(*, job: ProductJob) -> ProductJob:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in export_rows(shop=job.shop):
        writer.writerow({column: escape_cell(value) for column, value in row.items()})
        job.processed_rows += 1
    job.total_rows = job.processed_rows
    job.result.save(
        f"{uuid.uuid4().hex}.csv", ContentFile(out.getvalue().encode("utf-8-sig")), save=False
    )
    return job
