"""Reading a CSV import: rows grouped by handle, every row of a product checked before any of it
is written, then each product written in its own transaction (stock set through the inventory
ledger once it has committed). Problems are collected on the job as (row, column, message). The
quote our export puts before formula-like text is taken off again, so an export imports back
unchanged."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.core.csv import unescape_cell
from marketplace.core.errors import DomainError
from marketplace.sellers.models import Shop

from ...models import AttributeOption, Category, JobStatus, Product, ProductJob, Variant
from .. import inventory, products
from .columns import REQUIRED

MAX_ROWS = 10_000
TRUE = {"", "1", "yes", "y", "true", "on"}
FALSE = {"0", "no", "n", "false", "off"}


class RowError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


@dataclass
class ParsedRow:
    number: int
    sku: str
    options: list[AttributeOption]
    change: products.VariantChange
    tiers: list[tuple[int, Decimal]] | None


@dataclass
class ParsedProduct:
    handle: str
    first_row: int
    fields: dict[str, Any]
    rows: list[ParsedRow] = field(default_factory=list)


def import_products(*, job: ProductJob) -> ProductJob:
    """The job's CSV is imported product by product; the caller marks the job finished."""
    job.source.open("rb")
    try:
        text = job.source.read().decode("utf-8-sig")
    finally:
        job.source.close()
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        job.errors = [
            {"row": 1, "column": name, "message": _("This column is missing.")} for name in missing
        ]
        job.status = JobStatus.FAILED
        return job
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            job.errors.append(
                {"row": number, "column": "", "message": _("Too many rows: import at most %(max)s.")
                 % {"max": MAX_ROWS}}
            )  # fmt: skip
            break
        clean = {k: unescape_cell((v or "").strip()) for k, v in row.items() if k}
        if not any(clean.values()):
            continue
        groups.setdefault(clean.get("handle", ""), []).append((number, clean))
    job.total_rows = sum(len(rows) for rows in groups.values())
    job.save(update_fields=["total_rows", "errors"])
    for handle, rows in groups.items():
        _import_group(job, handle, rows)
        job.processed_rows += len(rows)
        ProductJob.objects.filter(pk=job.pk).update(processed_rows=job.processed_rows)
    return job


def _import_group(job: ProductJob, handle: str, rows: list[tuple[int, dict[str, str]]]) -> None:
    errors: list[dict[str, Any]] = []
    if not handle:
        for number, _row in rows:
            errors.append({"row": number, "column": "handle", "message": _("Give a handle.")})
        job.errors.extend(errors)
        return
    parsed = _parse_group(job.shop, handle, rows, errors)
    if errors or parsed is None:
        job.errors.extend(errors)
        return
    try:
        created, stock = _apply(job, parsed)
    except DomainError as error:
        job.errors.append({"row": parsed.first_row, "column": "", "message": error.message})
        return
    for variant, quantity in stock:
        inventory.set_stock(variant=variant, quantity=quantity, by=job.created_by, note="CSV")
    if created:
        job.created_products += 1
    else:
        job.updated_products += 1


def _parse_group(
    shop: Shop, handle: str, rows: list[tuple[int, dict[str, str]]], errors: list[dict[str, Any]]
) -> ParsedProduct | None:
    first_row, first = rows[0]

    def fail(number: int, column: str, message: str) -> None:
        errors.append({"row": number, "column": column, "message": message})

    category = Category.objects.filter(slug=first.get("category", "")).first()
    if category is None:
        fail(
            first_row,
            "category",
            _("Unknown category “%(slug)s”.") % {"slug": first.get("category", "")},
        )
        return None
    if not products.is_leaf(category):
        fail(
            first_row,
            "category",
            _("Choose the most specific category (one without sub-categories)."),
        )
        return None
    fields: dict[str, Any] = {
        "title": first.get("title", ""),
        "subtitle": first.get("subtitle", ""),
        "category": category,
        "brand_name": first.get("brand", ""),
        "description": first.get("description", ""),
    }
    try:
        if not fields["title"]:
            raise RowError("title", _("Give the product a title."))
        fields["min_order_quantity"] = _integer(first, "min_order_quantity", default=1, low=1)
        values = _pairs(first.get("attributes", ""), column="attributes")
        products.parse_attribute_values(category=category, values=values)
        fields["attributes"] = values
    except RowError as error:
        fail(first_row, error.column, error.message)
    except DomainError as error:
        fail(first_row, "attributes", error.message)
    parsed = ParsedProduct(handle=handle, first_row=first_row, fields=fields)
    options_by_code = {
        a.code: {o.value.lower(): o for o in a.options.all()}
        for a in products.variant_attributes(category)
    }
    seen_skus: set[str] = set()
    seen_options: set[frozenset[int]] = set()
    for number, row in rows:
        try:
            parsed.rows.append(
                _parse_row(shop, number, row, options_by_code, seen_skus, seen_options)
            )
        except RowError as error:
            fail(number, error.column, error.message)
    return parsed


def _parse_row(
    shop: Shop,
    number: int,
    row: dict[str, str],
    options_by_code: dict[str, dict[str, AttributeOption]],
    seen_skus: set[str],
    seen_options: set[frozenset[int]],
) -> ParsedRow:
    sku = row.get("sku", "")
    if not sku:
        raise RowError("sku", _("Every variant needs a SKU code."))
    if sku in seen_skus:
        raise RowError("sku", _("This SKU code appears twice for the product."))
    seen_skus.add(sku)
    options = []
    for code, value in _pairs(row.get("options", ""), column="options").items():
        if code not in options_by_code:
            raise RowError(
                "options",
                _("“%(code)s” is not a variant attribute of the category.") % {"code": code},
            )
        option = options_by_code[code].get(value.lower())
        if option is None:
            raise RowError(
                "options",
                _("“%(value)s” is not a choice of %(code)s.") % {"value": value, "code": code},
            )
        options.append(option)
    key = frozenset(o.pk for o in options)
    if key in seen_options and options:
        raise RowError("options", _("Another row has the same options."))
    seen_options.add(key)
    price = _money(row, "price", required=True)
    assert price is not None
    change = products.VariantChange(
        variant_id=0,
        price=price,
        compare_at_price=_money(row, "compare_at_price"),
        stock=_integer(row, "stock", default=None, low=0),
        weight_grams=_integer(row, "weight_grams", default=0, low=0) or 0,
        barcode=row.get("barcode", ""),
        is_active=_boolean(row, "active"),
        low_stock_threshold=_integer(row, "low_stock_threshold", default=None, low=0),
        sku=sku,
    )
    try:
        products.check_variant_change(change, label=sku)
    except DomainError as error:
        column = "compare_at_price" if error.code == "compare_at" else "price"
        raise RowError(column, error.message) from None
    tiers = None
    if "price_tiers" in row:
        tiers = _tiers(row.get("price_tiers", ""))
        try:
            products.check_price_tiers(shop=shop, price=price, label=sku, tiers=tiers)
        except DomainError as error:
            raise RowError("price_tiers", error.message) from None
    return ParsedRow(number=number, sku=sku, options=options, change=change, tiers=tiers)


def _pairs(text: str, *, column: str) -> dict[str, str]:
    pairs = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        code, sep, value = part.partition("=")
        if not sep or not code.strip() or not value.strip():
            raise RowError(column, _("Write “code=value”, separated by “;”."))
        pairs[code.strip()] = value.strip()
    return pairs


def _money(row: dict[str, str], column: str, *, required: bool = False) -> Decimal | None:
    text = row.get(column, "")
    if not text:
        if required:
            raise RowError(column, _("This value is required."))
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowError(column, _("“%(value)s” is not a price.") % {"value": text}) from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise RowError(column, _("“%(value)s” is not a price.") % {"value": text})
    if value >= Decimal("1e12"):
        raise RowError(column, _("The price is too high."))
    return value


def _integer(row: dict[str, str], column: str, *, default: int | None, low: int) -> int | None:
    text = row.get(column, "")
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise RowError(column, _("“%(value)s” is not a whole number.") % {"value": text}) from None
    if value < low or value > 2_000_000_000:
        raise RowError(column, _("The number must be at least %(low)s.") % {"low": low})
    return value


def _boolean(row: dict[str, str], column: str) -> bool:
    text = row.get(column, "").lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise RowError(column, _("Write yes or no."))


def _tiers(text: str) -> list[tuple[int, Decimal]]:
    tiers = []
    for part in text.split(";"):
        if not part.strip():
            continue
        quantity, _sep, price = part.partition(":")
        try:
            tiers.append((int(quantity.strip()), Decimal(price.strip())))
        except (ValueError, InvalidOperation):
            raise RowError(
                "price_tiers", _("Write tiers as “quantity:price”, separated by “;”.")
            ) from None
    return tiers


def _apply(job: ProductJob, parsed: ParsedProduct) -> tuple[bool, list[tuple[Variant, int]]]:
    """The product and its variants are written in one transaction; returns whether the product
    is new and the stock figures to set once it has committed."""
    by, shop = job.created_by, job.shop
    stock: list[tuple[Variant, int]] = []
    with transaction.atomic():
        product = Product.objects.filter(shop=shop, slug=parsed.handle).first()
        created = product is None
        if product is None:
            product = products.create_product(shop=shop, by=by, slug=parsed.handle, **parsed.fields)
        else:
            products.update_product(product=product, by=by, **parsed.fields)
        existing = {v.sku: v for v in product.variants.all()}
        changes = []
        for row in parsed.rows:
            variant = existing.get(row.sku)
            if variant is None:
                variant = products.add_variant(
                    product=product, by=by, sku=row.sku, options=row.options, change=row.change
                )
            else:
                changes.append(_without_stock(row.change, variant.pk))
            if row.tiers is not None:
                products.set_price_tiers(variant=variant, by=by, tiers=row.tiers)
            if row.change.stock is not None:
                stock.append((variant, row.change.stock))
        if changes:
            products.bulk_update_variants(product=product, by=by, changes=changes)
    return created, stock


def _without_stock(change: products.VariantChange, variant_id: int) -> products.VariantChange:
    values = {**change.__dict__, "variant_id": variant_id, "stock": None}
    return products.VariantChange(**values)
