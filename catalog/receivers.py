"""Sellers events -> the catalogue: products taken off sale by a penalty, a closed shop, or a brand
the merchant may no longer sell.

Each receiver reloads what the event's ids point at and calls ``delist_by_platform`` per listed
product, so running one twice changes nothing more. A suspension leaves products listed: they
cannot be bought while the shop is not open (``is_shop_open``) and sell again when it reopens.
Connected by ``CatalogConfig.ready()``.
"""

from typing import Any

from django.dispatch import receiver
from django.utils.translation import gettext as _

from marketplace.sellers import events
from marketplace.sellers.models import Penalty, PenaltyKind, ShopStatus
from marketplace.sellers.services.brands import can_sell_brand

from .models import Product
from .services.listing import delist_by_platform
from .states import LISTED


def _listed(**filters: Any) -> list[Product]:
    return list(
        Product.objects.filter(status__in=LISTED, **filters)
        .select_related("shop__merchant")
        .order_by("pk")
    )


@receiver(events.penalty_applied, dispatch_uid="catalog.penalty_applied")
def penalty_applied(sender: Any, *, penalty_id: int, **kwargs: Any) -> None:
    """A "delist products" penalty takes the products its violation names off sale."""
    penalty = (
        Penalty.objects.select_related("violation__rule", "violation__recorded_by")
        .filter(pk=penalty_id, kind=PenaltyKind.DELIST_PRODUCTS)
        .first()
    )
    if penalty is None or penalty.violation is None:
        return
    violation = penalty.violation
    reason = _("Violation of rule %(code)s: %(title)s") % {
        "code": violation.rule.code,
        "title": violation.rule.title,
    }
    ids = [int(pk) for pk in violation.delisted_products or []]
    for product in _listed(pk__in=ids, shop_id=penalty.shop_id):
        delist_by_platform(product=product, reason=reason, by=violation.recorded_by)


@receiver(events.shop_status_changed, dispatch_uid="catalog.shop_status_changed")
def shop_status_changed(sender: Any, *, shop_id: int, status: str, **kwargs: Any) -> None:
    """A closed shop's products go off sale (the merchant was told of the closure)."""
    if status != ShopStatus.CLOSED:
        return
    for product in _listed(shop_id=shop_id):
        delist_by_platform(product=product, reason=_("The shop is closed."), tell_owner=False)


@receiver(events.brand_authorisation_expired, dispatch_uid="catalog.brand_authorisation_expired")
def brand_authorisation_expired(
    sender: Any, *, merchant_id: int, brand_name: str, **kwargs: Any
) -> None:
    """Products of a brand the merchant may no longer sell go off sale (not if another
    authorisation for the brand is still in force)."""
    products = _listed(shop__merchant_id=merchant_id, brand__name__iexact=brand_name.strip())
    if not products or can_sell_brand(merchant=products[0].shop.merchant, brand_name=brand_name):
        return
    reason = _("Your authorisation for the brand “%(brand)s” has ended.") % {"brand": brand_name}
    for product in products:
        delist_by_platform(product=product, reason=reason, tell_owner=False)
