"""Catalogue pieces for any page: the category menu and navigation, the home page's sections
(banners, new arrivals, best sellers), a shop's products, product pictures, and slots that
higher apps fill with their own template tags.

``{% discovery_slot "guess_you_like" request limit=8 %}`` renders analytics' ``discovery``
tag of that name when the library exists and nothing otherwise, so these pages never import
analytics and still work before (or without) it.

``{% product_cards products %}`` draws the product cards of every grid from a fragment cache
whose key is everything a card shows (see ``product_cards``).
"""

import hashlib
from collections.abc import Iterable
from functools import cache
from typing import Any

from django import template
from django.conf import settings
from django.core.cache import cache as fragments
from django.template import engines
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
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


CARD_TEMPLATE = "catalog/storefront/_product_card.html"


@register.simple_tag(takes_context=True)
def product_cards(context: template.Context, products: Iterable[Any]) -> SafeString:
    """Each product's card in a list item, drawn once and then read from the cache.

    The key is a digest of everything the card shows - the product's title, prices, rating,
    sales, stock and minimum order, its first picture, its shop's name, address and kind - with
    the language, the display currency and its rate and the card template's source. So a
    change of any of them is a new key, never a stale card, and nothing has to be invalidated.
    An approximate amount of a product priced in a currency other than the platform's follows
    an exchange-rate refresh within ``CATALOG_CARD_CACHE_SECONDS``. 24 cards are one
    ``get_many`` (and one ``set_many`` for those drawn) instead of 24 renders: about 12 ms of a
    listing page's 40 (docs/performance.md).
    """
    products = list(products)
    card = context.template.engine.get_template(CARD_TEMPLATE)
    seconds = settings.CATALOG_CARD_CACHE_SECONDS
    keys = [_card_key(context, card, product) for product in products]
    found = fragments.get_many(keys) if seconds else {}
    drawn = {}
    items = []
    for key, product in zip(keys, products, strict=True):
        html = found.get(key)
        if html is None:
            with context.push(product=product):
                html = drawn[key] = card.render(context)
        items.append(f"<li>{html}</li>")
    if drawn and seconds:
        fragments.set_many(drawn, seconds)
    return mark_safe("".join(items))  # noqa: S308 - each card is a rendered, escaped template


def _card_key(context: template.Context, card: Any, product: Any) -> str:
    image = first_image(product)
    shop = product.shop
    shown = context.get("display_currency")
    parts = (
        _template_digest(card.source),
        get_language(),
        (shown.code, str(shown.rate)) if shown is not None and shown.can_convert else None,
        product.pk,
        product.slug,
        product.title,
        str(product.price_min),
        str(product.price_max),
        product.currency,
        str(product.rating_average),
        product.rating_count,
        product.sales_count,
        product.stock_total,
        product.min_order_quantity,
        (image.pk, image.original.name, image.width, image.height, image.alt, image.renditions)
        if image is not None
        else None,
        (shop.slug, shop.name, shop.kind),
    )
    return "catalog:card:" + hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


@cache
def _template_digest(source: str) -> str:
    return hashlib.blake2b(source.encode(), digest_size=8).hexdigest()


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
