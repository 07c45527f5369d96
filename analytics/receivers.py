"""News from lower apps -> analytics: a shopper opened a product page (the storefront's
``product_viewed``), a visitor signed in (their anonymous views go to the account).

Each receiver calls one service of ``analytics.services.discovery``. Connected by
``AnalyticsConfig.ready()``.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from catalog.models import Product
from catalog.signals_storefront import product_viewed

from .services.discovery import claim_visitor_views, record_product_view, visitor_key_of


@receiver(product_viewed, dispatch_uid="analytics.product_viewed")
def product_page_viewed(
    sender: Any, *, request: HttpRequest, product: Product, **kwargs: Any
) -> None:
    record_product_view(request=request, product=product)


@receiver(user_logged_in, dispatch_uid="analytics.user_logged_in")
def visitor_signed_in(
    sender: Any, *, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    if request is not None:
        claim_visitor_views(user=user, session_key=visitor_key_of(request))
