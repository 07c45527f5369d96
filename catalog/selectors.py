"""Reads of the catalogue for shoppers: what is listed (active products of open shops), a
category with its ancestors and descendants, the product page's product with everything it
shows prefetched, the home page's sections and why a product cannot be bought.

Listing querysets prefetch what a product card shows, so a page costs the same number of
queries whatever its size. Nothing here writes.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from marketplace.sellers.models import Shop, ShopStatus
from marketplace.sellers.selectors.shops import is_shop_open

from .models import (
    MAX_CATEGORY_DEPTH,
    Attribute,
    AttributeOption,
    Category,
    PriceTier,
    Product,
    ProductAttributeValue,
    ProductImage,
    ProductStatus,
    Variant,
)

# A product page is public in these states; drafts and products under review are not.
PUBLIC_STATUSES = (ProductStatus.ACTIVE, ProductStatus.DELISTED, ProductStatus.REMOVED)


def open_shop_q(*, prefix: str = "shop__", now: datetime | None = None) -> Q:
    """``sellers.selectors.shops.is_shop_open`` as a SQL condition: open, or suspended with a
    suspension that has already run out. ``prefix`` is the path from the queried model."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status": ShopStatus.OPEN}) | Q(
        **{f"{prefix}status": ShopStatus.SUSPENDED, f"{prefix}suspended_until__lte": now}
    )


def _card_images() -> Prefetch:
    return Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"))


def listed_products(*, now: datetime | None = None) -> QuerySet[Product]:
    """Everything a shopper can find: active products of open shops, ready for product cards."""
    return (
        Product.objects.filter(open_shop_q(now=now), status=ProductStatus.ACTIVE)
        .select_related("shop", "brand")
        .prefetch_related(_card_images())
    )


def open_shops(*, now: datetime | None = None) -> QuerySet[Shop]:
    return Shop.objects.filter(open_shop_q(prefix="", now=now))


# --- Categories -----------------------------------------------------------------------------


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("parent__parent")


def category_for_slug_or_404(*, slug: str) -> Category:
    """An active category with its ancestors loaded (breadcrumbs, inherited attributes)."""
    category = active_categories().filter(slug=slug).first()
    if category is None:
        raise Http404(_("No such category."))
    return category


def ancestors_of(category: Category) -> list[Category]:
    """The category's ancestors, top level first (loaded by ``active_categories``)."""
    chain: list[Category] = []
    node = category.parent
    while node is not None:
        chain.insert(0, node)
        node = node.parent
    return chain


def in_category_q(category: Category, *, prefix: str = "category") -> Q:
    """Products of the category or of any of its descendants (the tree has three levels).

    A leaf is one ``category_id =``; a higher category is ``category_id IN`` its subtree's ids
    (a tiny subquery), so the listing index on the category column serves both, where an OR over
    joined parent categories made PostgreSQL read every product."""
    if category.depth >= MAX_CATEGORY_DEPTH:
        return Q(**{prefix: category.pk})
    subtree = Category.objects.filter(
        Q(pk=category.pk) | Q(parent=category.pk) | Q(parent__parent=category.pk)
    ).values("pk")
    return Q(**{f"{prefix}__in": subtree})


@dataclass(frozen=True)
class MenuEntry:
    category: Category
    children: list[Category]


def category_menu() -> list[MenuEntry]:
    """The top categories and their children for the site menu, in one query."""
    nodes = list(Category.objects.filter(is_active=True, depth__lte=2))
    children: dict[int, list[Category]] = {}
    for node in nodes:
        if node.parent_id:
            children.setdefault(node.parent_id, []).append(node)
    return [MenuEntry(node, children.get(node.pk, [])) for node in nodes if node.depth == 1]


def filterable_attributes(*, category: Category) -> list[Attribute]:
    """Choice attributes shoppers may filter on: the category's own and those it inherits."""
    lineage = [*ancestors_of(category), category]
    return list(
        Attribute.objects.filter(
            category__in=[node.pk for node in lineage], is_filterable=True, kind="choice"
        ).order_by("category__depth", "position", "pk")
    )


# --- Home -----------------------------------------------------------------------------------


def new_arrivals(*, limit: int = 8) -> list[Product]:
    return list(listed_products().order_by("-published_at", "-pk")[:limit])


def best_sellers(*, limit: int = 8) -> list[Product]:
    return list(listed_products().order_by("-sales_count", "-rating_average", "-pk")[:limit])


def banner_shops(*, limit: int = 3) -> list[Shop]:
    """Open shops with a banner, most followed first, for the home page's hero."""
    return list(open_shops().exclude(banner="").order_by("-follower_count", "pk")[:limit])


def products_of_shop_by_ids(*, shop_id: int, ids: list[Any]) -> list[Product]:
    """A shop's featured products in the merchant's order; others' or unlisted ids are skipped."""
    wanted = [int(pk) for pk in ids if str(pk).isdigit()]
    if not wanted:
        return []
    found = {p.pk: p for p in listed_products().filter(shop_id=shop_id, pk__in=wanted)}
    return [found[pk] for pk in wanted if pk in found]


# --- Product page ---------------------------------------------------------------------------


def product_for_slug_or_404(*, slug: str) -> Product:
    """A public product with everything the page shows; delisted and removed products and
    products of closed shops are shown too (the page says why they cannot be bought)."""
    variants = Variant.objects.filter(is_active=True).prefetch_related(
        Prefetch("options", queryset=AttributeOption.objects.select_related("attribute")),
        Prefetch("price_tiers", queryset=PriceTier.objects.order_by("min_quantity")),
    )
    specifications = ProductAttributeValue.objects.select_related("attribute", "option").order_by(
        "attribute__position", "attribute__pk"
    )
    product = (
        Product.objects.filter(slug=slug, status__in=PUBLIC_STATUSES)
        .select_related("shop", "brand", "category__parent__parent")
        .prefetch_related(
            _card_images(),
            Prefetch("variants", queryset=variants),
            Prefetch("attribute_values", queryset=specifications),
        )
        .first()
    )
    if product is None:
        raise Http404(_("No such product."))
    return product


def why_not_for_sale(*, product: Product) -> str:
    """Why a shopper cannot buy this product now, or an empty string when they can."""
    shop = product.shop
    if product.status == ProductStatus.REMOVED:
        reason = _("This product was removed by the marketplace.")
        return f"{reason} {product.status_reason}".strip()
    if product.status != ProductStatus.ACTIVE:
        return _("The seller has taken this product off sale.")
    if not is_shop_open(shop=shop):
        if shop.status == ShopStatus.CLOSED:
            return _("This shop is closed, so its products cannot be bought.")
        if shop.suspended_until:
            until = date_format(timezone.localtime(shop.suspended_until), "DATETIME_FORMAT")
            return _("This shop is suspended until %(until)s; its products cannot be bought.") % {
                "until": until
            }
        return _("This shop is suspended, so its products cannot be bought.")
    variants = list(product.variants.all())
    if not variants:
        return _("This product has no options on sale.")
    if not any(variant.stock > 0 for variant in variants):
        return _("Sold out.")
    return ""
