"""What search engines read about catalogue pages: canonical addresses (facets and sort
removed, the page number kept) and schema.org JSON-LD for a product page (Product with an Offer
or an AggregateOffer, AggregateRating when there are ratings, BreadcrumbList).

The site picks its language from the cookie, the session or the profile, not from the address,
so every language shares one URL: pages declare that URL canonical and as ``x-default`` and no
per-language alternates (alternates pointing at the same URL would tell crawlers nothing).
"""

import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from .models import Category, Product, ProductStatus

# Query parameters that make a different page rather than a different view of the same one.
CANONICAL_PARAMS = ("page", "q")
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def canonical_url(request: HttpRequest, *, keep: tuple[str, ...] = CANONICAL_PARAMS) -> str:
    """The absolute address of this page without facet or sort parameters; page 1 has none."""
    params = [
        (name, value)
        for name in keep
        for value in request.GET.getlist(name)[:1]
        if value and not (name == "page" and value == "1")
    ]
    query = f"?{urlencode(params)}" if params else ""
    return request.build_absolute_uri(request.path) + query


def meta_description(text: str, *, words: int = 30) -> str:
    """Plain text of at most ``words`` words, for <meta name=description> and og:description."""
    return Truncator(" ".join(strip_tags(text or "").split())).words(words)


def json_ld(data: dict[str, Any]) -> SafeString:
    """JSON for a <script type="application/ld+json"> element: no "<", ">" or "&" can end it."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308


def breadcrumb_data(*, request: HttpRequest, trail: list[tuple[str, str]]) -> dict[str, Any]:
    """BreadcrumbList of (name, path) pairs, top first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": index,
                "name": name,
                "item": request.build_absolute_uri(path),
            }
            for index, (name, path) in enumerate(trail, start=1)
        ],
    }


def _availability(product: Product, *, buyable: bool, in_stock: bool) -> str:
    if product.status != ProductStatus.ACTIVE:
        return "https://schema.org/Discontinued"
    if buyable and in_stock:
        return "https://schema.org/InStock"
    return "https://schema.org/OutOfStock"  # sold out, or the shop is closed for now


def product_data(
    *, request: HttpRequest, product: Product, image_urls: list[str], buyable: bool
) -> dict[str, Any]:
    """schema.org Product: one Offer for a single variant, an AggregateOffer for several."""
    url = request.build_absolute_uri(product.get_absolute_url())
    variants = list(product.variants.all())
    in_stock = any(v.stock > 0 for v in variants)
    availability = _availability(product, buyable=buyable, in_stock=in_stock)
    seller = {"@type": "Organization", "name": product.shop.name}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "url": url,
        "description": meta_description(product.description or product.subtitle, words=60),
    }
    if image_urls:
        data["image"] = [request.build_absolute_uri(u) for u in image_urls]
    if product.brand_id:
        data["brand"] = {"@type": "Brand", "name": product.brand.name}
    if len(variants) == 1:
        data["sku"] = variants[0].sku
        if variants[0].barcode:
            data["gtin"] = variants[0].barcode
    if len(variants) == 1:
        data["offers"] = {
            "@type": "Offer",
            "url": url,
            "price": str(variants[0].price),
            "priceCurrency": product.currency,
            "availability": availability,
            "seller": seller,
        }
    elif variants:
        prices = [v.price for v in variants]
        data["offers"] = {
            "@type": "AggregateOffer",
            "url": url,
            "lowPrice": str(min(prices)),
            "highPrice": str(max(prices)),
            "offerCount": len(variants),
            "priceCurrency": product.currency,
            "availability": availability,
            "seller": seller,
        }
    if product.rating_count > 0:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": str(product.rating_average),
            "reviewCount": product.rating_count,
            "bestRating": "5",
            "worstRating": "1",
        }
    return data


def category_trail(category: Category | None, ancestors: list[Category]) -> list[tuple[str, str]]:
    """(name, path) of the category and its ancestors, top first, for breadcrumbs."""
    nodes = [*ancestors, category] if category else []
    return [(c.display_name, reverse("catalog:category", args=[c.slug])) for c in nodes]
