"""Shoppers' catalogue pages: a category listing, search results and a shop's products (all
with the same facets, see catalog.filters), the product page, and robots.txt.

Listing pages answer htmx requests with the results fragment only, so changing a facet swaps
the results and pushes the address (shareable); without JavaScript the facet form is a GET.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from marketplace.core.money import format_money
from marketplace.sellers.selectors.shops import is_shop_open, shop_for_slug_or_404

from .. import search as catalog_search
from .. import seo
from ..filters import Listing, build_listing
from ..models import Product
from ..selectors import (
    ancestors_of,
    category_for_slug_or_404,
    filterable_attributes,
    in_category_q,
    listed_products,
    product_for_slug_or_404,
    why_not_for_sale,
)
from ..signals_storefront import product_viewed


def _render_listing(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The whole page, or only the results when htmx swaps them after a facet change."""
    listing: Listing = context["listing"]
    context["canonical"] = seo.canonical_url(request)
    context["is_filtered"] = bool(listing.filterset.conditions()) or "sort" in request.GET
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = render(request, "catalog/storefront/_listing.html", context)
    else:
        response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def category(request: HttpRequest, slug: str) -> HttpResponse:
    category = category_for_slug_or_404(slug=slug)
    ancestors = ancestors_of(category)
    listing = build_listing(
        data=request.GET,
        queryset=listed_products().filter(in_category_q(category)),
        attributes=filterable_attributes(category=category),
        category=category,
        scope=f"category:{category.pk}",
    )
    trail = seo.category_trail(category, ancestors)
    context = {
        "category": category,
        "ancestors": ancestors,
        "listing": listing,
        "breadcrumbs_json": seo.json_ld(seo.breadcrumb_data(request=request, trail=trail)),
    }
    return _render_listing(request, "catalog/storefront/category.html", context)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:200]
    products = listed_products()
    products = catalog_search.search_products(products, query) if query else products.none()
    listing = build_listing(
        data=request.GET,
        queryset=products,
        searching=bool(query),
        scope=f"search:{query}" if query else "",
    )
    total = listing.facets.total
    htmx = getattr(request, "htmx", None)
    if query and not htmx and "page" not in request.GET:
        catalog_search.log_search(query=query, results=total, request=request)
    suggestion = catalog_search.did_you_mean(query) if query and not total else None
    context = {"query": query, "listing": listing, "suggestion": suggestion}
    return _render_listing(request, "catalog/storefront/search.html", context)


@require_GET
def shop_products(request: HttpRequest, slug: str) -> HttpResponse:
    """All products of one shop with the facets; a closed shop lists none and says so."""
    shop = shop_for_slug_or_404(slug=slug)
    # No facet cache here: a shop that closes must list nothing beside no counts at once, and
    # one shop's products are counted from its own index.
    listing = build_listing(data=request.GET, queryset=listed_products().filter(shop=shop))
    context = {"shop": shop, "is_open": is_shop_open(shop=shop), "listing": listing}
    return _render_listing(request, "catalog/storefront/shop_products.html", context)


def _picker(product: Product) -> dict[str, Any]:
    """The variant picker's data: the variant attributes with their options, and each variant's
    price, stock, picture and price tiers (all from prefetched rows)."""
    images = {image.pk: image for image in product.images.all()}
    attributes: dict[int, dict[str, Any]] = {}
    variants = []
    for variant in product.variants.all():
        options = list(variant.options.all())
        for option in options:
            entry = attributes.setdefault(
                option.attribute_id,
                {"id": option.attribute_id, "name": option.attribute.display_name, "options": {}},
            )
            entry["options"][option.pk] = {"id": option.pk, "value": option.value}
        image = images.get(variant.image_id) if variant.image_id else None
        variants.append(
            {
                "id": variant.pk,
                "sku": variant.sku,
                "options": [option.pk for option in options],
                "price": format_money(variant.price, product.currency),
                "compare_at": (
                    format_money(variant.compare_at_price, product.currency)
                    if variant.compare_at_price and variant.compare_at_price > variant.price
                    else ""
                ),
                "stock": variant.stock,
                "image": image.original.url if image and image.original else "",
                "tiers": [
                    [tier.min_quantity, format_money(tier.unit_price, product.currency)]
                    for tier in variant.price_tiers.all()
                ],
            }
        )
    groups = [{**a, "options": list(a["options"].values())} for a in attributes.values()]
    return {"attributes": groups, "variants": variants, "currency": product.currency}


@require_GET
def product(request: HttpRequest, slug: str) -> HttpResponse:
    product = product_for_slug_or_404(slug=slug)
    reason = why_not_for_sale(product=product)
    ancestors = ancestors_of(product.category)
    trail = [*seo.category_trail(product.category, ancestors)]
    trail.append((product.title, product.get_absolute_url()))
    images = list(product.images.all())
    picker = _picker(product)
    structured = seo.product_data(
        request=request,
        product=product,
        image_urls=[image.original.url for image in images if image.original],
        buyable=not reason,
    )
    product_viewed.send(sender=Product, product=product, request=request)
    context = {
        "product": product,
        "images": images,
        "variants": picker["variants"],
        "picker": picker,
        "default_variant": product.variants.all()[0] if picker["variants"] else None,
        "not_for_sale": reason,
        "ancestors": ancestors,
        "specifications": list(product.attribute_values.all()),
        "canonical": request.build_absolute_uri(product.get_absolute_url()),
        "description": seo.meta_description(product.subtitle or product.description),
        "product_json": seo.json_ld(structured),
        "breadcrumbs_json": seo.json_ld(seo.breadcrumb_data(request=request, trail=trail)),
    }
    return render(request, "catalog/storefront/product.html", context)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers keep out of accounts, the seller area, carts, search and faceted variants."""
    facets = ("sort", "brand", "price_min", "price_max", "rating", "in_stock", "kind")
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ("/admin/", "/seller/", "/accounts/", "/account/")),
        *(f"Disallow: {path}" for path in ("/cart/", "/checkout/", "/orders/", "/search/")),
        *(f"Disallow: /*?*{name}=" for name in (*facets, "ships_from", "category")),
        "Disallow: /*?*attr_",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('catalog:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
