"""Sellers events -> the catalogue: products taken off sale by a penalty, a closed shop, or a brand
the merchant may no longer sell.

Each receiver reloads what the event's ids point at and calls ``delist_by_platform`` per listed
product, so running one twice changes nothing more. A suspension leaves products listed: they
cannot be bought while the shop is not open (``is_shop_open``) and sell again when it reopens.
The catalogue's own variants -> ``ProductOption``: the receivers at the end refresh the derived
table after a write of a variant's options or activation that did not go through the variant
services (admin, CSV importer, tests, shell), and skip the writes that cannot change it.

Connected by ``CatalogConfig.ready()``.
"""

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from marketplace.sellers import events
from marketplace.sellers.models import Penalty, PenaltyKind, ShopStatus
from marketplace.sellers.services.brands import can_sell_brand

from .models import Product, ProductOption, Variant
from .services.listing import delist_by_platform
from .services.product_options import options_changed
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


# --- Variants -> ProductOption ------------------------------------------------------------


@receiver(m2m_changed, sender=Variant.options.through, dispatch_uid="catalog.variant_options")
def variant_options_changed(
    sender: Any,
    *,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    """Options added to, removed from or cleared off variants, from either side."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        options_changed(product_ids=[instance.product_id])
    elif action == "post_clear":  # option.variants.clear(): the products that showed it
        rows = ProductOption.objects.filter(option=instance).values_list("product_id", flat=True)
        options_changed(product_ids=list(rows))
    elif pk_set:
        rows = Variant.objects.filter(pk__in=pk_set).values_list("product_id", flat=True)
        options_changed(product_ids=list(rows))


@receiver(post_save, sender=Variant, dispatch_uid="catalog.variant_saved")
def variant_saved(
    sender: Any, *, instance: Variant, created: bool, update_fields: Any, **kwargs: Any
) -> None:
    """A saved variant may have been switched on or off. A new one has no options yet, and a
    save of named fields without ``is_active`` cannot change the table."""
    if created or (update_fields is not None and "is_active" not in update_fields):
        return
    options_changed(product_ids=[instance.product_id])


@receiver(post_delete, sender=Variant, dispatch_uid="catalog.variant_deleted")
def variant_deleted(sender: Any, *, instance: Variant, origin: Any, **kwargs: Any) -> None:
    """A deleted variant's options may leave its product. When the deletion started elsewhere it
    cascaded from the product itself, whose rows go with it."""
    started_here = isinstance(origin, Variant) or (
        isinstance(origin, QuerySet) and origin.model is Variant
    )
    if started_here:
        options_changed(product_ids=[instance.product_id])
