"""Shop pieces other pages reuse: ``{% shop_badge shop %}`` (C2C/B2C/B2B),
``{% shop_scores shop %}`` (description, service, delivery), ``{% shop_block block %}`` (one
storefront block), the ``safe_colour`` filter for the theme colour in a ``style`` attribute and
the ``rich_text`` filter for merchant HTML.

The product page (catalog) loads this library for the badge and the scores. Blocks that later
apps fill (featured products, coupon strip) try those apps' templates first and fall back to an
empty state here, so sellers never imports them.
"""

import re
from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString

from ..models import BlockKind, SellerKind, Shop, ShopBlock
from ..services.shops import clean_rich_text

register = template.Library()

DEFAULT_COLOUR = "#c8102e"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

# The later apps' templates that fill these blocks, then our empty state.
FILLED_BY = {
    BlockKind.FEATURED_PRODUCTS: (
        "catalog/storefront/_featured_products.html",
        "sellers/storefront/blocks/_featured_products_empty.html",
    ),
    BlockKind.COUPON_STRIP: (
        "orders/storefront/_coupon_strip.html",
        "sellers/storefront/blocks/_coupon_strip_empty.html",
    ),
}
SHORT_KIND = {
    SellerKind.INDIVIDUAL: "C2C",
    SellerKind.BUSINESS: "B2C",
    SellerKind.WHOLESALER: "B2B",
}


@register.filter
def safe_colour(value: Any) -> str:
    """The colour if it is a plain ``#rrggbb``, else the site's red: safe inside ``style``."""
    return value if isinstance(value, str) and _HEX.match(value) else DEFAULT_COLOUR


@register.filter
def rich_text(value: Any) -> SafeString:
    """Merchant HTML, cleaned again on the way out (it was cleaned when saved, too)."""
    return SafeString(clean_rich_text(html=str(value or "")))


@register.inclusion_tag("sellers/storefront/_kind_badge.html")
def shop_badge(shop: Shop) -> dict[str, Any]:
    return {
        "kind": shop.kind,
        "short": SHORT_KIND.get(shop.kind, shop.kind.upper()),
        "label": shop.get_kind_display(),
    }


@register.inclusion_tag("sellers/storefront/_scores.html")
def shop_scores(shop: Shop) -> dict[str, Any]:
    scores = [
        (
            "description",
            Shop._meta.get_field("description_score").verbose_name,
            shop.description_score,
        ),
        ("service", Shop._meta.get_field("service_score").verbose_name, shop.service_score),
        ("delivery", Shop._meta.get_field("delivery_score").verbose_name, shop.delivery_score),
    ]
    return {"scores": scores, "has_scores": any(value is not None for _, _, value in scores)}


@register.simple_tag(takes_context=True)
def shop_block(context: template.Context, block: ShopBlock) -> SafeString:
    """The block rendered by ``sellers/storefront/blocks/<kind>.html``."""
    names = {
        "filled_by": FILLED_BY.get(block.kind, ()),
        "product_ids": (block.config or {}).get("product_ids", []),
        "tabs": (block.config or {}).get("tabs", []),
        "html": rich_text((block.config or {}).get("html", "")),
    }
    block_template = get_template(f"sellers/storefront/blocks/{block.kind}.html")
    with context.push(block=block, **names):
        return SafeString(block_template.template.render(context))
