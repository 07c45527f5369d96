"""Promotion pieces other pages show: ``{% coupon_strip shop=shop product=product %}`` (the
coupons to claim, with claim buttons), ``{% flash_sale_banner product %}`` (the product's
running flash sale with a countdown to its end, or a countdown to the next one) and
``{% running_flash_sales limit=8 %}`` (the home page's flash-sale row).

Each costs a fixed number of queries (one or two) whatever it shows. Countdowns are
``<time data-ends-at>`` elements that ``static/orders/countdown.js`` updates every second; the
text rendered here stands in without JavaScript.
"""

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

from catalog.models import Product
from marketplace.sellers.models import Shop

from ..services.coupons import coupons_for_display
from ..services.flash_sales import flash_sale_for_product
from ..services.flash_sales import running_flash_sales as running_sales

register = template.Library()


@register.inclusion_tag("orders/coupons/_strip.html", takes_context=True)
def coupon_strip(
    context: template.Context,
    shop: Shop | None = None,
    product: Product | None = None,
    show_empty: bool = False,
) -> dict[str, Any]:
    """The public coupons of the shop (those covering the product, on a product page) and the
    platform's, each with its claim button; nothing at all when there are none, unless
    ``show_empty`` (the storefront's coupon block says so)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    # A storefront may hold several coupon blocks: the request reads the coupons once.
    seen = getattr(request, "_coupon_strips", {}) if request is not None else {}
    key = (getattr(shop, "pk", None), getattr(product, "pk", None))
    if key not in seen:
        seen[key] = coupons_for_display(shop=shop, product=product, user=user)
        if request is not None:
            request._coupon_strips = seen
    coupons = seen[key]
    return {
        "coupons": coupons,
        "show_empty": show_empty,
        "user": user,
        "next": request.get_full_path() if request is not None else "",
    }


@register.inclusion_tag("orders/storefront/_flash_banner.html")
def flash_sale_banner(product: Product, now: datetime | None = None) -> dict[str, Any]:
    """The running flash sale of any SKU of the product, else the next one to start."""
    now = now or timezone.now()
    sale = flash_sale_for_product(product=product, now=now)
    return {
        "sale": sale,
        "product": product,
        "is_running": sale is not None and sale.starts_at <= now,
    }


@register.inclusion_tag("orders/storefront/_flash_sales_row.html")
def running_flash_sales(limit: int = 8) -> dict[str, Any]:
    return {"sales": running_sales(limit=limit)}


@register.filter
def percent_sold(sale: Any) -> int:
    """How much of a flash sale is gone, 0-100, for its progress bar."""
    if not sale.quantity:
        return 100
    return round(100 * (sale.quantity - sale.quantity_left) / sale.quantity)
