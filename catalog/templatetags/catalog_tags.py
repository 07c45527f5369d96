"""Catalogue pieces for any page: the category menu and navigation, the home page's sections
(banners, new arrivals, best sellers), a shop's products, product pictures, and slots that
higher apps fill with their own template tags.

``{% discovery_slot "guess_you_like" request limit=8 %}`` renders analytics' ``discovery``
tag of that name when the library exists and nothing otherwise, so these pages never import
analytics and still work before (or without) it.
"""

from functools import cache
from typing import Any

from django import template
from django.template import engines
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from marketplace.sellers.models import Shop

from ..models import ProductImage
from ..selectors import (
    banner_shops,
    best_sellers,
    category_menu,
    listed_products,
    new_arrivals,
    products_of_shop_by_ids,
)
from .catalog_images import product_img

register = template.Library()

# The discovery tags a slot may name, with the arguments each one takes.
DISCOVERY_TAGS = {
    "guess_you_like": "request",
    "recently_viewed": "request",
    "also_viewed": "product",
    "also_bought": "product",
}


@register.inclusion_tag("catalog/storefront/_category_menu.html", name="category_menu")
def category_menu_tag() -> dict[str, Any]:
    """The header's "All categories" menu: top categories and their children."""
    return {"entries": category_menu()}


@register.inclusion_tag("catalog/storefront/_category_nav.html")
def category_nav() -> dict[str, Any]:
    """The home page's category tiles (top level, with their first children)."""
    return {"entries": category_menu()}


@register.inclusion_tag("catalog/storefront/_banners.html")
def home_banners() -> dict[str, Any]:
    return {"shops": banner_shops()}


@register.inclusion_tag("catalog/storefront/_product_section.html")
def new_arrivals_section(limit: int = 8) -> dict[str, Any]:
    return {"products": new_arrivals(limit=limit), "title": _("New arrivals"), "key": "new"}


@register.inclusion_tag("catalog/storefront/_product_section.html")
def best_sellers_section(limit: int = 8) -> dict[str, Any]:
    return {"products": best_sellers(limit=limit), "title": _("Best sellers"), "key": "best"}


@register.inclusion_tag("catalog/storefront/_shop_products.html")
def shop_products(shop: Shop, request: Any = None, limit: int = 8) -> dict[str, Any]:
    """A shop storefront's best sellers with a link to all its products (with facets)."""
    products = list(
        listed_products().filter(shop=shop).order_by("-sales_count", "-pk")[: limit + 1]
    )
    return {"shop": shop, "products": products[:limit], "has_more": len(products) > limit}


@register.inclusion_tag("catalog/storefront/_featured_grid.html")
def featured_products(block: Any, product_ids: list[Any]) -> dict[str, Any]:
    """The products a merchant picked for a storefront block, in the merchant's order."""
    ids = list(product_ids or [])
    return {"products": products_of_shop_by_ids(shop_id=block.shop_id, ids=ids)}


@register.simple_tag
def product_picture(
    image: ProductImage | None, size: str = "card", alt: str | None = None, eager: bool = False
) -> SafeString | str:
    """The picture's renditions (catalog_images) or, before they exist, the original."""
    if image is None:
        return ""
    if (image.renditions or {}).get(size):
        return product_img(image, size, alt=alt, eager=eager)
    if not image.original:
        return ""
    width = f' width="{image.width}" height="{image.height}"' if image.width else ""
    return format_html(
        '<img src="{}" alt="{}"{} loading="{}" decoding="async">',
        image.original.url,
        image.alt if alt is None else alt,
        SafeString(width),
        "eager" if eager else "lazy",
    )


@cache
def _slot_template(name: str, argument: str, limit: bool) -> template.Template | None:
    engine = engines["django"].engine  # type: ignore[attr-defined]
    library = engine.template_libraries.get("discovery")
    if library is None or name not in library.tags:
        return None
    source = (
        "{% load discovery %}{% " + name + " subject" + (" limit=limit" if limit else "") + " %}"
    )
    return engine.from_string(source)


@register.simple_tag(takes_context=True)
def discovery_slot(
    context: template.Context, name: str, subject: Any, limit: int | None = None
) -> SafeString | str:
    """Analytics' ``{% name subject %}`` tag if analytics provides it; nothing otherwise."""
    if name not in DISCOVERY_TAGS:
        return ""
    slot = _slot_template(name, DISCOVERY_TAGS[name], limit is not None)
    if slot is None:
        return ""
    with context.push(subject=subject, limit=limit):
        return SafeString(slot.render(context))


@register.filter
def first_image(product: Any) -> ProductImage | None:
    """The product's first picture from the prefetched images (no query)."""
    images = list(product.images.all())
    return images[0] if images else None


@register.filter
def stars(value: Any) -> str:
    """A rating as five stars, e.g. 3.6 -> "★★★★☆" (rounded to the nearest whole star)."""
    try:
        whole = max(0, min(5, round(float(value or 0))))
    except (TypeError, ValueError):
        whole = 0
    return "★" * whole + "☆" * (5 - whole)
