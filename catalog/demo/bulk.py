"""A large catalogue for benchmarks (``seed_demo --products 100000``), written with
``bulk_create`` in batches: products with their search documents and denormalised prices, stock,
sales and ratings; variants with their options, and the derived product options (one
``INSERT ... SELECT`` per batch, as no signal fires for bulk inserts); one receipt movement per
stocked variant, so each variant's stock still equals the sum of its movements; attribute values,
B2B price tiers, and picture rows that share the renditions of the small demo's pictures (no new
files).

Idempotent: the bulk products are numbered (slug ``bulk-000123``), a run only adds the missing
numbers up to N. It never goes through the per-row services, so it is only for demo databases.
"""

import datetime
import random
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

from marketplace.sellers.models import SellerKind, Shop

from ..models import (
    AttributeKind,
    Category,
    MovementReason,
    PriceTier,
    Product,
    ProductAttributeValue,
    ProductImage,
    ProductOption,
    ProductStatus,
    StockMovement,
    Variant,
)
from ..search import normalize
from ..services.product_options import refresh_product_options
from .products import NUMBERS, attributes_by_category, option_combinations, price_of, shop_brands
from .vocabulary import LEAF_WORDS, SHOP_BRANDS, SHOP_LEAVES, product_texts

BATCH = 2000
MAX_VARIANTS = 4
CENT = Decimal("0.01")


def run(*, count: int, log: Callable[[str], None]) -> int:
    """Add bulk products until there are ``count`` of them; returns how many were added."""
    start = Product.objects.filter(slug__startswith="bulk-").count()
    if start >= count:
        log(f"catalogue: {start} bulk products already there")
        return 0
    shops = {shop.name: shop for shop in Shop.objects.filter(name__in=SHOP_LEAVES)}
    categories = {
        c.slug: c for c in Category.objects.filter(depth=3).select_related("parent__parent")
    }
    attributes = attributes_by_category(categories.values())
    pairs = [
        (
            shops[shop_name],
            categories[leaf],
            shop_brands(shop_name) if leaf in SHOP_BRANDS[shop_name][1] else [],
        )
        for shop_name, leaves in SHOP_LEAVES.items()
        if shop_name in shops
        for leaf in leaves
    ]
    if not pairs:
        log("catalogue: no demo shops, no bulk products")
        return 0
    pictures = _template_pictures()
    now = timezone.now()
    began = time.monotonic()
    for first in range(start, count, BATCH):
        numbers = range(first, min(first + BATCH, count))
        _write_batch(numbers, pairs=pairs, attributes=attributes, pictures=pictures, now=now)
        if (numbers.stop // BATCH) % 5 == 0 or numbers.stop == count:
            log(f"catalogue: {numbers.stop} bulk products ({time.monotonic() - began:.0f} s)")
    _analyze()
    return count - start


def _analyze() -> None:
    """Fresh planner statistics: without them PostgreSQL plans the facet counts and searches for
    the empty tables it last saw, and pages take seconds instead of milliseconds."""
    if connection.vendor != "postgresql":
        return
    tables = [
        model._meta.db_table
        for model in (
            Product,
            Variant,
            StockMovement,
            PriceTier,
            ProductAttributeValue,
            ProductImage,
            ProductOption,
        )
    ]
    tables.append(Variant.options.through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def _template_pictures() -> dict[int, ProductImage]:
    """The first demo picture of each leaf category, whose files the bulk products share."""
    found: dict[int, ProductImage] = {}
    for image in (
        ProductImage.objects.exclude(product__slug__startswith="bulk-")
        .select_related("product")
        .order_by("pk")
    ):
        found.setdefault(image.product.category_id, image)
    return found


def _write_batch(numbers, *, pairs, attributes, pictures, now) -> None:
    rng = random.Random(numbers.start)
    products: list[Product] = []
    planned: list[list[tuple[Variant, tuple]]] = []
    values: list[ProductAttributeValue] = []
    product_values: list[list[ProductAttributeValue]] = []
    for number in numbers:
        shop, category, brands = pairs[number % len(pairs)]
        brand = brands[number % len(brands)] if brands else None
        product, variants, attribute_values = _plan(
            number,
            shop=shop,
            category=category,
            brand=brand,
            attributes=attributes[category.pk],
            rng=rng,
            now=now,
        )
        products.append(product)
        planned.append(variants)
        product_values.append(attribute_values)
    Product.objects.bulk_create(products, batch_size=BATCH)
    for product, attribute_values in zip(products, product_values, strict=True):
        for value in attribute_values:
            value.product_id = product.pk
            values.append(value)

    variants: list[Variant] = []
    for product, rows in zip(products, planned, strict=True):
        for variant, _options in rows:
            variant.product_id = product.pk
            variants.append(variant)
    Variant.objects.bulk_create(variants, batch_size=BATCH)

    through = Variant.options.through
    links, movements, tiers = [], [], []
    for product, rows in zip(products, planned, strict=True):
        for variant, options in rows:
            links.extend(through(variant_id=variant.pk, attributeoption_id=o.pk) for o in options)
            if variant.stock:
                movements.append(
                    StockMovement(
                        variant_id=variant.pk,
                        quantity=variant.stock,
                        reason=MovementReason.RECEIPT,
                        stock_after=variant.stock,
                        reference="bulk-seed",
                        note="Opening stock",
                    )
                )
            if product.min_order_quantity > 1:
                tiers.extend(_tiers(variant, moq=product.min_order_quantity))
    through.objects.bulk_create(links, batch_size=BATCH * 2)
    refresh_product_options(product_ids=[product.pk for product in products])
    StockMovement.objects.bulk_create(movements, batch_size=BATCH * 2)
    PriceTier.objects.bulk_create(tiers, batch_size=BATCH * 2)
    ProductAttributeValue.objects.bulk_create(values, batch_size=BATCH * 2)
    ProductImage.objects.bulk_create(
        [
            _picture(product, pictures[product.category_id])
            for product in products
            if product.category_id in pictures
        ],
        batch_size=BATCH * 2,
    )


def _plan(number, *, shop, category, brand, attributes, rng, now) -> tuple[Product, list]:
    leaf = category.slug
    texts = product_texts(leaf, number, brand=brand.name if brand else "", shop=shop.name, rng=rng)
    title = f"{texts.title} #{_code(number)}"
    wholesale = shop.kind == SellerKind.WHOLESALER
    base = price_of(LEAF_WORDS[leaf].base_price, rng)
    variants = []
    for position, options in enumerate(option_combinations(attributes, rng)[:MAX_VARIANTS]):
        price = Decimal(round(base * (1 + Decimal(position) / 20), -1))
        stock = (
            0
            if rng.random() < 0.07
            else rng.randint(100, 3000)
            if wholesale
            else rng.randint(1, 150)
        )
        variant = Variant(
            sku=f"B{number:07d}-{position + 1:02d}",
            price=price,
            compare_at_price=(price * Decimal("1.2")).quantize(Decimal(10))
            if number % 4 == 0
            else None,
            weight_grams=rng.randint(80, 1500),
            stock=stock,
            low_stock_threshold=20 if wholesale else 5,
            position=position,
        )
        variants.append((variant, options))
    prices = [v.price for v, _ in variants]
    rating_count = rng.choice([0, 0, 2, 9, 40, 300])
    values = _values(category, attributes, storage=texts.storage, rng=rng)
    document = _document(title, texts.subtitle, brand, category, values, variants)
    status = ProductStatus.DELISTED if number % 97 == 13 else ProductStatus.ACTIVE
    product = Product(
        shop=shop,
        category=category,
        brand=brand,
        title=title[:200],
        subtitle=texts.subtitle,
        slug=f"bulk-{number:06d}",
        description=texts.description,
        status=status,
        min_order_quantity=rng.choice([5, 10, 20]) if wholesale else 1,
        price_min=min(prices),
        price_max=max(prices),
        stock_total=sum(v.stock for v, _ in variants),
        sales_count=min(int(rng.paretovariate(0.8) * 5) - 5, 50000),
        rating_average=Decimal(f"{rng.uniform(3.0, 5.0):.2f}") if rating_count else Decimal(0),
        rating_count=rating_count,
        search_document=normalize(document),
        published_at=now - datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 700)),
    )
    return product, variants, values


def _document(title, subtitle, brand, category, values, variants) -> str:
    """The same text ``catalog.search.documents.document_for`` builds from saved rows."""
    parts = [title, subtitle]
    if brand is not None:
        parts.append(brand.name)
    node = category
    while node is not None:
        parts.extend((node.name, node.name_zh_hant, node.name_zh_hans))
        node = node.parent
    for value in values:
        parts.append(value.option.value if value.option_id else f"{value.number.normalize():f}")
    for _variant, options in variants:
        parts.extend(o.value for o in sorted(options, key=lambda o: (o.position, o.pk)))
    return normalize(" ".join(part for part in dict.fromkeys(parts) if part))


def _code(number: int) -> str:
    digits = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    code = ""
    while True:
        number, rest = divmod(number, len(digits))
        code = digits[rest] + code
        if not number:
            return code.rjust(4, "0")


def _tiers(variant: Variant, *, moq: int) -> list[PriceTier]:
    return [
        PriceTier(
            variant_id=variant.pk,
            min_quantity=moq * factor,
            unit_price=(variant.price * Decimal(share)).quantize(CENT, ROUND_HALF_UP),
        )
        for factor, share in ((2, "0.92"), (5, "0.85"), (10, "0.78"))
    ]


def _values(category, attributes, *, storage, rng) -> list[ProductAttributeValue]:
    """Values of the non-variant attributes (without the product yet; texts are left out)."""
    values = []
    for attribute in attributes:
        if attribute.is_variant or attribute.kind == AttributeKind.TEXT:
            continue
        value = ProductAttributeValue(attribute=attribute)
        if attribute.kind == AttributeKind.CHOICE:
            value.option = rng.choice(list(attribute.options.all()))
        else:
            choices = NUMBERS.get((category.slug, attribute.code)) or NUMBERS[attribute.code]
            picked = storage if attribute.code == "storage" else None
            value.number = Decimal(picked or rng.choice(choices))
        values.append(value)
    return values


def _picture(product: Product, template: ProductImage) -> ProductImage:
    return ProductImage(
        product_id=product.pk,
        original=template.original.name,
        width=template.width,
        height=template.height,
        renditions=template.renditions,
        alt=product.title[:200],
    )
