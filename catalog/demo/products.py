"""Demo data: about 300 products spread over the demo shops and every leaf category, with titles
in English, Traditional and Simplified Chinese, attribute values, variants from the colour/size
options, compare-at prices, B2B price tiers and minimum order quantities, stock received through
the inventory ledger, Pillow-drawn pictures uploaded through ``add_image`` and search documents.

Idempotent: a product is found by its slug and left alone once it exists. Runs inside
``seed_demo``'s transaction, so it only calls the non-durable helpers of the services.
"""

import datetime
import itertools
import random
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from marketplace.sellers.models import SellerKind, Shop

from ..models import (
    Attribute,
    AttributeKind,
    Brand,
    Category,
    PriceTier,
    Product,
    ProductAttributeValue,
    ProductStatus,
    Variant,
)
from ..search import refresh_search_documents
from ..services.images import add_image
from ..services.inventory import receive_stock
from ..services.product_options import refreshing_options
from ..services.products import refresh_price_range
from .pictures import SHAPES, initials, picture_file
from .taxonomy import brand_named
from .vocabulary import LEAF_WORDS, SHOP_BRANDS, SHOP_LEAVES, product_texts

CENT = Decimal("0.01")
# Number attributes: code -> values to pick from (leaf-specific ones first).
NUMBERS = {
    ("cookware", "capacity"): [1500, 2500, 4000],
    ("face-cream", "capacity"): [30, 50],
    ("serums", "capacity"): [15, 30, 50],
    "capacity": [250, 300, 350, 450],
    "storage": [64, 128, 256, 512],
    "battery": [8, 24, 30, 40, 60],
    "weight": [120, 240, 360, 480],
}
CARE = "Machine wash cold, hang to dry. 冷水機洗，自然晾乾。"


def run(*, log: Callable[[str], None], per_leaf: int | None = None) -> int:
    """Create the missing demo products (at most ``per_leaf`` per shop and leaf); returns how
    many were created."""
    shops = {shop.name: shop for shop in Shop.objects.filter(name__in=SHOP_LEAVES)}
    slugs = {leaf for leaves in SHOP_LEAVES.values() for leaf in leaves}
    categories = {
        c.slug: c for c in Category.objects.filter(slug__in=slugs).select_related("parent__parent")
    }
    attributes = attributes_by_category(categories.values())
    existing = set(Product.objects.filter(shop__in=shops.values()).values_list("slug", flat=True))
    created: list[int] = []
    for shop_name, leaves in SHOP_LEAVES.items():
        shop = shops.get(shop_name)
        if shop is None:
            log(f"catalogue: no shop {shop_name!r}, no demo products for it")
            continue
        brands = shop_brands(shop_name)
        for leaf, count in leaves.items():
            for index in range(min(count, per_leaf or count)):
                slug = f"{shop.slug}-{leaf}-{index + 1:03d}"
                if slug in existing:
                    continue
                product = _create_product(
                    slug=slug,
                    shop=shop,
                    category=categories[leaf],
                    attributes=attributes[categories[leaf].pk],
                    brand=brands[index % len(brands)]
                    if brands and leaf in SHOP_BRANDS[shop_name][1]
                    else None,
                    index=index,
                )
                created.append(product.pk)
    refresh_search_documents(Product.objects.filter(pk__in=created))
    log(f"catalogue: {len(created)} demo products added")
    return len(created)


def top_slug(category: Category) -> str:
    while category.parent_id:
        category = category.parent
    return category.slug


def attributes_by_category(categories) -> dict[int, list[Attribute]]:
    found: dict[int, list[Attribute]] = {c.pk: [] for c in categories}
    rows = Attribute.objects.filter(category__in=found).prefetch_related("options")
    for attribute in rows:
        found[attribute.category_id].append(attribute)
    return found


def shop_brands(shop_name: str) -> list[Brand]:
    return [brand_named(name) for name in SHOP_BRANDS[shop_name][0]]


def _status(index: int, category: Category) -> str:
    if index % 17 == 5:
        return ProductStatus.DRAFT
    if index % 19 == 7:
        return ProductStatus.DELISTED
    if category.requires_review and index % 11 == 3:
        return ProductStatus.PENDING_REVIEW
    return ProductStatus.ACTIVE


def _create_product(*, slug, shop, category, attributes, brand, index) -> Product:
    rng = random.Random(slug)
    leaf = category.slug
    texts = product_texts(leaf, index, brand=brand.name if brand else "", shop=shop.name, rng=rng)
    status = _status(index, category)
    on_sale_once = status in (ProductStatus.ACTIVE, ProductStatus.DELISTED)
    rating_count = rng.choice([0, 0, 3, 12, 48, 260]) if on_sale_once else 0
    product = Product.objects.create(
        shop=shop,
        title=texts.title,
        subtitle=texts.subtitle,
        slug=slug,
        category=category,
        brand=brand,
        description=texts.description,
        status=status,
        min_order_quantity=rng.choice([5, 10, 20, 50]) if shop.kind == SellerKind.WHOLESALER else 1,
        sales_count=min(int(rng.paretovariate(0.8) * 10) - 10, 25000) if on_sale_once else 0,
        rating_average=Decimal(f"{rng.uniform(3.4, 5.0):.2f}") if rating_count else Decimal(0),
        rating_count=rating_count,
        published_at=timezone.now() - datetime.timedelta(days=rng.randint(0, 400))
        if on_sale_once
        else None,
    )
    _set_attribute_values(product, attributes, texts=texts, rng=rng)
    with refreshing_options():  # the product's options once, not once per variant
        variants = _create_variants(product, attributes, index=index, rng=rng)
    _add_pictures(product, variants, index=index, rng=rng)
    return product


def _set_attribute_values(product, attributes, *, texts, rng) -> None:
    leaf = product.category.slug
    for attribute in attributes:
        if attribute.is_variant:
            continue
        value = ProductAttributeValue(product=product, attribute=attribute)
        if attribute.kind == AttributeKind.CHOICE:
            value.option = rng.choice(list(attribute.options.all()))
        elif attribute.kind == AttributeKind.NUMBER:
            choices = NUMBERS.get((leaf, attribute.code)) or NUMBERS[attribute.code]
            picked = texts.storage if attribute.code == "storage" else None
            value.number = Decimal(picked or rng.choice(choices))
        else:
            value.text = CARE
        value.save()


def option_combinations(attributes, rng: random.Random) -> list[tuple]:
    """A few colours times a run of neighbouring sizes (or one combination without options)."""
    groups = []
    for attribute in attributes:
        if not attribute.is_variant:
            continue
        options = list(attribute.options.all())
        if attribute.code == "size":
            width = min(len(options), rng.randint(2, 4))
            start = rng.randint(0, len(options) - width)
            groups.append(options[start : start + width])
        else:
            groups.append(rng.sample(options, min(len(options), rng.randint(1, 3))))
    return list(itertools.product(*groups))


def price_of(base: int, rng: random.Random) -> Decimal:
    return Decimal(max(10, round(base * rng.uniform(0.6, 1.8), -1)))


def _create_variants(product, attributes, *, index, rng) -> list[Variant]:
    words = LEAF_WORDS[product.category.slug]
    base = price_of(words.base_price, rng)
    wholesale = product.min_order_quantity > 1
    variants = []
    for position, combination in enumerate(option_combinations(attributes, rng)):
        step = sum(option.position for option in combination if option.attribute.code == "size")
        price = Decimal(round(base * (1 + Decimal(step) / 10), -1))
        code = "-".join(option.value.split()[0][:3].upper() for option in combination)
        variant = Variant.objects.create(
            product=product,
            sku=f"{product.slug[:40].upper()}-{position + 1:02d}{'-' + code if code else ''}",
            price=price,
            compare_at_price=(price * Decimal("1.25")).quantize(Decimal(10))
            if index % 3 == 0
            else None,
            weight_grams=rng.randint(80, 1500),
            length_mm=rng.randint(50, 400),
            width_mm=rng.randint(50, 300),
            height_mm=rng.randint(10, 200),
            barcode=f"471{rng.randint(0, 10**9):09d}{position % 10}",
            low_stock_threshold=20 if wholesale else 5,
            position=position,
        )
        variant.options.set(combination)
        stock = (
            0
            if rng.random() < 0.08
            else rng.randint(200, 3000)
            if wholesale
            else rng.randint(3, 120)
        )
        if stock:
            receive_stock(variant=variant, quantity=stock, reference="demo", note="Opening stock")
            if position % 4 == 1:
                receive_stock(
                    variant=variant, quantity=rng.randint(5, 40), reference="demo-restock"
                )
        if wholesale:
            _add_tiers(variant, moq=product.min_order_quantity)
        variants.append(variant)
    refresh_price_range(product=product)
    return variants


def _add_tiers(variant: Variant, *, moq: int) -> None:
    for factor, share in ((2, "0.92"), (5, "0.85"), (10, "0.78")):
        PriceTier.objects.create(
            variant=variant,
            min_quantity=moq * factor,
            unit_price=(variant.price * Decimal(share)).quantize(CENT, ROUND_HALF_UP),
        )


def _add_pictures(product, variants, *, index, rng) -> None:
    """One picture per product; the second product of a leaf gets one per colour instead, shown
    when a shopper picks that colour."""
    shape = SHAPES[top_slug(product.category)]
    label = initials(product.title, product.category.name)
    caption = product.category.name
    colours = {}
    for variant in variants:
        for option in variant.options.all():
            if option.attribute.code == "colour":
                colours.setdefault(option.value, []).append(variant)
    if index == 1 and colours:
        for position, (colour, coloured) in enumerate(colours.items()):
            image = add_image(
                product=product,
                alt=f"{product.title} ({colour})",
                file=picture_file(
                    name=f"{product.slug}-{position}",
                    label=label,
                    caption=colour,
                    colour=colour,
                    shape=shape,
                ),
            )
            Variant.objects.filter(pk__in=[v.pk for v in coloured]).update(image=image)
        return
    colour = next(iter(colours), product.slug)
    add_image(
        product=product,
        alt=product.title,
        file=picture_file(
            name=product.slug, label=label, caption=caption, colour=colour, shape=shape
        ),
    )
