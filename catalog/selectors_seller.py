"""Reads of the seller dashboard's product pages, always scoped to the shop that asks: another
shop's product, variant, picture or job id gives a 404, never someone else's data."""

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from marketplace.sellers.models import Shop
from marketplace.sellers.selectors.onboarding import brands_of_merchant
from marketplace.sellers.services.brands import can_sell_brand

from .models import (
    Attribute,
    Category,
    Product,
    ProductImage,
    ProductJob,
    StockMovement,
    Variant,
)

STOCK_FILTERS = ("in_stock", "low", "sold_out")


def _low_variants() -> QuerySet[Variant]:
    return Variant.objects.filter(
        product=OuterRef("pk"), is_active=True, stock__lte=F("low_stock_threshold")
    )


def products_for_shop(
    *, shop: Shop, query: str = "", status: str = "", stock: str = ""
) -> QuerySet[Product]:
    """The shop's products, newest first, searched by title or SKU and filtered by status and
    stock (in stock, low: some variant at or under its alert level, sold out)."""
    qs = Product.objects.filter(shop=shop).select_related("category", "brand")
    query = query.strip()
    if query:
        sku_match = Variant.objects.filter(product=OuterRef("pk"), sku__icontains=query)
        qs = qs.filter(Q(title__icontains=query) | Q(Exists(sku_match)))
    if status:
        qs = qs.filter(status=status)
    if stock == "in_stock":
        qs = qs.filter(stock_total__gt=0)
    elif stock == "low":
        qs = qs.filter(Exists(_low_variants()))
    elif stock == "sold_out":
        qs = qs.filter(stock_total=0)
    return qs.annotate(is_low=Exists(_low_variants())).prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"))
    )


def product_for_shop_or_404(*, shop: Shop, pk: int) -> Product:
    return get_object_or_404(
        Product.objects.select_related("shop__merchant", "category__parent__parent", "brand"),
        shop=shop,
        pk=pk,
    )


def variants_of_product(*, product: Product) -> QuerySet[Variant]:
    return product.variants.prefetch_related("options__attribute", "price_tiers").order_by(
        "position", "pk"
    )


def variant_for_shop_or_404(*, shop: Shop, pk: int) -> Variant:
    return get_object_or_404(
        Variant.objects.select_related("product__shop"), product__shop=shop, pk=pk
    )


def image_of_product_or_404(*, product: Product, pk: int) -> ProductImage:
    return get_object_or_404(ProductImage, product=product, pk=pk)


def images_of_product(*, product: Product) -> QuerySet[ProductImage]:
    return product.images.order_by("position", "pk")


def attributes_of_category(*, category: Category, variant: bool) -> QuerySet[Attribute]:
    return category.attributes.filter(is_variant=variant).prefetch_related("options")


def leaf_categories() -> list[Category]:
    """Active categories without sub-categories, labelled with their path (Home > Kitchen > Pots),
    in tree order."""
    categories = list(Category.objects.filter(is_active=True).select_related("parent__parent"))
    parents = {c.parent_id for c in categories if c.parent_id}
    leaves = [c for c in categories if c.pk not in parents]
    for category in leaves:
        path, node = [], category
        while node is not None:
            path.append(node.display_name)
            node = node.parent
        category.path_label = " \u203a ".join(reversed(path))  # type: ignore[attr-defined]
    return sorted(leaves, key=lambda c: c.path_label)  # type: ignore[attr-defined]


def sellable_brand_names(*, shop: Shop) -> list[str]:
    """The brands the shop's merchant may list today (owned, or authorised and in force)."""
    merchant = shop.merchant
    names = brands_of_merchant(merchant=merchant).values_list("name", flat=True)
    return [
        name for name in dict.fromkeys(names) if can_sell_brand(merchant=merchant, brand_name=name)
    ]


def inventory_for_shop(*, shop: Shop, query: str = "", low_only: bool = False) -> QuerySet[Variant]:
    """The shop's variants with their stock and alert level, for the inventory page."""
    qs = (
        Variant.objects.filter(product__shop=shop)
        .select_related("product")
        .prefetch_related("options")
        .order_by("product__title", "position", "pk")
    )
    query = query.strip()
    if query:
        qs = qs.filter(Q(sku__icontains=query) | Q(product__title__icontains=query))
    if low_only:
        qs = qs.filter(stock__lte=F("low_stock_threshold"))
    return qs


def movements_of_variant(*, variant: Variant) -> QuerySet[StockMovement]:
    return variant.movements.select_related("by").order_by("-at", "-pk")


def jobs_of_shop(*, shop: Shop) -> QuerySet[ProductJob]:
    return ProductJob.objects.filter(shop=shop).select_related("created_by")


def job_for_shop_or_404(*, shop: Shop, pk: int) -> ProductJob:
    job = ProductJob.objects.filter(shop=shop, pk=pk).first()
    if job is None:
        raise Http404
    return job
