"""Every write of a product's own data by its merchant: the product with its attribute values, and
its deletion. The variant matrix, bulk variant edits and B2B price tiers are in
``services/variants.py`` (re-exported here, as the shared contract names them).

Each service checks everything first and raises ``ProductError`` before it writes, so a refused
change changes nothing. Going on sale is ``catalog.services.listing``'s job; after a merchant
edits a product that is on sale or waiting for review, ``product_changed`` re-runs the listing
rules. This module never imports orders.
"""

import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.sellers.models import Shop
from marketplace.sellers.services.brands import can_sell_brand
from marketplace.sellers.services.shops import can_manage_shop, clean_rich_text

from .. import search
from ..errors import ProductError
from ..models import (
    Attribute,
    AttributeKind,
    AttributeOption,
    Brand,
    Category,
    Product,
    ProductAttributeValue,
    ProductStatus,
)
from . import images, listing
from .variants import (
    LISTED,
    VariantChange,
    add_variant,
    build_variants,
    bulk_update_variants,
    check_price_tiers,
    check_variant_change,
    is_b2b,
    refresh_price_range,
    set_low_stock_threshold,
    set_price_tiers,
    variant_attributes,
)

# The variant services live in services/variants.py; these names stay importable from here.
__all__ = [
    "VariantChange",
    "add_variant",
    "build_variants",
    "bulk_update_variants",
    "check_price_tiers",
    "check_variant_change",
    "create_product",
    "delete_product",
    "is_b2b",
    "is_leaf",
    "parse_attribute_values",
    "refresh_price_range",
    "set_low_stock_threshold",
    "set_price_tiers",
    "update_product",
    "variant_attributes",
]

# --- Checks ---------------------------------------------------------------------------------


def is_leaf(category: Category) -> bool:
    return category.is_active and not category.children.exists()


def _check_category(category: Category) -> None:
    if not is_leaf(category):
        raise ProductError(
            _("Choose the most specific category (one without sub-categories)."),
            code="category_not_leaf",
        )


def _brand_for(*, shop: Shop, brand_name: str) -> Brand | None:
    """The brand row of that name, created if new; None for no brand. Refuses brands the merchant
    may not list."""
    name = " ".join((brand_name or "").split())
    if not name:
        return None
    if not can_sell_brand(merchant=shop.merchant, brand_name=name):
        raise ProductError(
            _(
                "You may not list the brand “%(brand)s”: you need to own it or hold an "
                "authorisation."
            )
            % {"brand": name},
            code="brand_not_allowed",
        )
    brand = Brand.objects.filter(name__iexact=name).first()
    if brand is None:
        brand = Brand.objects.create(name=name, slug=_unique_slug(Brand, name))
    return brand


def _unique_slug(model: type[Any], text: str, *, length: int = 80) -> str:
    base = slugify(text)[:length].strip("-") or model.__name__.lower()
    slug = base
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def _check_moq(*, shop: Shop, min_order_quantity: int) -> None:
    if min_order_quantity < 1:
        raise ProductError(_("The minimum order quantity is at least 1."), code="moq")
    if min_order_quantity > 1 and not is_b2b(shop):
        raise ProductError(
            _("Only wholesale (B2B) shops can set a minimum order quantity."), code="moq_b2b"
        )


def parse_attribute_values(
    *, category: Category, values: Mapping[str, Any]
) -> list[ProductAttributeValue]:
    """Unsaved value rows for the category's non-variant attributes, from raw values keyed by
    attribute code (an option value, a number or a text); blank values are left out."""
    attributes = {a.code: a for a in category.attributes.filter(is_variant=False)}
    unknown = sorted(set(values) - set(attributes))
    if unknown:
        raise ProductError(
            _("Unknown attribute for this category: %(codes)s.") % {"codes": ", ".join(unknown)},
            code="unknown_attribute",
        )
    rows = []
    for code, raw in values.items():
        attribute = attributes[code]
        text = "" if raw is None else str(raw).strip()
        if not text:
            continue
        rows.append(_value_row(attribute, text))
    return rows


def _value_row(attribute: Attribute, text: str) -> ProductAttributeValue:
    row = ProductAttributeValue(attribute=attribute)
    if attribute.kind == AttributeKind.CHOICE:
        option = attribute.options.filter(value__iexact=text).first()
        if option is None:
            raise ProductError(
                _("“%(value)s” is not a choice of %(attribute)s.")
                % {"value": text, "attribute": attribute.display_name},
                code="unknown_option",
            )
        row.option = option
    elif attribute.kind == AttributeKind.NUMBER:
        unit = attribute.unit
        number_text = text[: -len(unit)].strip() if unit and text.endswith(unit) else text
        try:
            row.number = Decimal(number_text)
        except InvalidOperation:
            raise ProductError(
                _("%(attribute)s must be a number.") % {"attribute": attribute.display_name},
                code="not_a_number",
            ) from None
        if not row.number.is_finite():
            raise ProductError(
                _("%(attribute)s must be a number.") % {"attribute": attribute.display_name},
                code="not_a_number",
            )
    else:
        row.text = text[:200]
    return row


# --- The product ----------------------------------------------------------------------------


def create_product(
    *,
    shop: Shop,
    by: Any,
    title: str,
    category: Category,
    subtitle: str = "",
    brand_name: str = "",
    description: str = "",
    min_order_quantity: int = 1,
    attributes: Mapping[str, Any] | None = None,
    slug: str = "",
) -> Product:
    """A draft product of the shop, with its attribute values; not on sale until published."""
    title = " ".join(title.split())
    if not title:
        raise ProductError(_("Give the product a title."), code="title_required")
    _check_category(category)
    _check_moq(shop=shop, min_order_quantity=min_order_quantity)
    values = parse_attribute_values(category=category, values=attributes or {})
    with transaction.atomic():
        brand = _brand_for(shop=shop, brand_name=brand_name)
        product = Product.objects.create(
            shop=shop,
            title=title[:200],
            subtitle=subtitle.strip()[:200],
            slug=_free_slug(slug) or _unique_slug(Product, title),
            category=category,
            brand=brand,
            description=clean_rich_text(html=description),
            min_order_quantity=min_order_quantity,
            status=ProductStatus.DRAFT,
        )
        _save_values(product, values)
        search.refresh_search_document(product=product)
    return product


def _free_slug(slug: str) -> str:
    slug = slugify(slug)[:200]
    return slug if slug and not Product.objects.filter(slug=slug).exists() else ""


def update_product(
    *,
    product: Product,
    by: Any,
    title: str,
    category: Category,
    subtitle: str = "",
    brand_name: str = "",
    description: str = "",
    min_order_quantity: int = 1,
    attributes: Mapping[str, Any] | None = None,
) -> Product:
    """The product's text, category, brand and attribute values are replaced; a product on sale
    goes through the listing rules again."""
    title = " ".join(title.split())
    if not title:
        raise ProductError(_("Give the product a title."), code="title_required")
    if product.status == ProductStatus.REMOVED:
        raise ProductError(_("Staff removed this product; it cannot be edited."), code="removed")
    _check_category(category)
    _check_moq(shop=product.shop, min_order_quantity=min_order_quantity)
    if category.pk != product.category_id:
        _check_variants_fit(product=product, category=category)
    values = parse_attribute_values(category=category, values=attributes or {})
    with transaction.atomic():
        product.brand = _brand_for(shop=product.shop, brand_name=brand_name)
        product.title = title[:200]
        product.subtitle = subtitle.strip()[:200]
        product.category = category
        product.description = clean_rich_text(html=description)
        product.min_order_quantity = min_order_quantity
        product.save()
        product.attribute_values.all().delete()
        _save_values(product, values)
        search.refresh_search_document(product=product)
        if product.status in LISTED:
            listing.product_changed(product=product, by=by)
    return product


def _save_values(product: Product, values: Iterable[ProductAttributeValue]) -> None:
    rows = []
    for row in values:
        row.product = product
        rows.append(row)
    ProductAttributeValue.objects.bulk_create(rows)


def _check_variants_fit(*, product: Product, category: Category) -> None:
    foreign = AttributeOption.objects.filter(variants__product=product).exclude(
        attribute__category=category
    )
    if foreign.exists():
        raise ProductError(
            _(
                "The variants use options of the old category; the category of a product with "
                "variants cannot change. Create a new product instead."
            ),
            code="category_locked",
        )


def delete_product(*, product: Product, by: Any) -> None:
    """A product that never held stock or sold is gone; others can only be delisted."""
    if not can_manage_shop(shop=product.shop, by=by):
        raise ProductError(
            _("Only the owner or a manager can delete products."), code="not_manager"
        )
    if product.status in LISTED:
        raise ProductError(_("Delist the product before deleting it."), code="listed")
    names = [name for image in product.images.all() for name in images.stored_files(image)]
    try:
        with transaction.atomic():
            product.delete()
            images.delete_files_on_commit(names)
    except ProtectedError:
        raise ProductError(
            _("This product has stock history or orders, so it is kept: delist it instead."),
            code="has_history",
        ) from None
