"""Discovery rows for storefront pages, each a heading and a row of product cards:

``{% load discovery %}``
``{% guess_you_like request limit=8 %}`` (home page), ``{% recently_viewed request limit=8 %}``
(``exclude=product`` leaves out the product on screen), ``{% also_bought product limit=8 %}`` and
``{% also_viewed product limit=8 %}`` (product page). A row with no products renders nothing.

Cards are the storefront's ``catalog/storefront/_product_card.html`` (given ``product``). Each
tag costs a fixed number of queries (at most five): the selectors return products with what a
card shows already loaded. The product page's association rows share one read: the first of
them loads every kind and keeps it on the product object, which lives as long as the page.
"""

from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from catalog.models import Product

from ..models import AssociationKind
from ..selectors import (
    Shopper,
    associated_products,
    guess_you_like_products,
    recently_viewed_products,
)
from ..services.discovery import visitor_key_of

register = template.Library()

ROW_TEMPLATE = "analytics/discovery/_row.html"


def shopper_of(request: HttpRequest | None) -> Shopper:
    """Who is asking (an unknown visitor when there is no request)."""
    if request is None:
        return Shopper(user=None)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Shopper(user=user)
    return Shopper(user=None, session_key=visitor_key_of(request))


def _row(*, name: str, title: Any, products: list[Product]) -> dict[str, Any]:
    return {"name": name, "title": title, "products": products}


@register.inclusion_tag(ROW_TEMPLATE)
def guess_you_like(request: HttpRequest | None, limit: int = 8) -> dict[str, Any]:
    products = guess_you_like_products(shopper=shopper_of(request), limit=int(limit))
    return _row(name="guess-you-like", title=_("Guess you like"), products=products)


@register.inclusion_tag(ROW_TEMPLATE)
def recently_viewed(
    request: HttpRequest | None, limit: int = 8, exclude: Product | None = None
) -> dict[str, Any]:
    products = recently_viewed_products(
        shopper=shopper_of(request), limit=int(limit), exclude=exclude or None
    )
    return _row(name="recently-viewed", title=_("Recently viewed"), products=products)


# Where a product object keeps its association rows for the rest of its page.
_ASSOCIATED_ATTRIBUTE = "_discovery_associated"


def _associated(product: Product, *, kind: AssociationKind, limit: int) -> list[Product]:
    """The product's associated products of this kind, read once per page for every kind."""
    loaded: dict[int, dict[str, list[Product]]] = product.__dict__.setdefault(
        _ASSOCIATED_ATTRIBUTE, {}
    )
    if limit not in loaded:
        loaded[limit] = associated_products(product=product, limit=limit)
    return loaded[limit][kind]


@register.inclusion_tag(ROW_TEMPLATE)
def also_viewed(product: Product, limit: int = 8) -> dict[str, Any]:
    products = _associated(product, kind=AssociationKind.VIEWED, limit=int(limit))
    return _row(
        name="also-viewed", title=_("Customers who viewed this also viewed"), products=products
    )


@register.inclusion_tag(ROW_TEMPLATE)
def also_bought(product: Product, limit: int = 8) -> dict[str, Any]:
    products = _associated(product, kind=AssociationKind.BOUGHT, limit=int(limit))
    return _row(
        name="also-bought", title=_("Customers who bought this also bought"), products=products
    )
