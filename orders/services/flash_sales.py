"""Every write of flash sales (秒殺), and the reads of the seller's list, the product page's
banner and the home page's row.

A flash sale sets ``quantity`` units of one SKU aside at ``price`` between ``starts_at`` and
``ends_at``, at most ``per_user_limit`` per shopper. Checkout takes units from ``quantity_left``
(never here). The variant row is locked while a sale is created or changed, so two sales of one
SKU never overlap. Rights and statuses are those of ``services/promotions.py``.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product, ProductImage, ProductStatus, Variant
from catalog.selectors import open_shop_q
from marketplace.sellers.models import Shop

from ..errors import PromotionError
from ..models import FlashSale
from .promotions import (
    SCHEDULED,
    check_can_manage_promotions,
    check_positive,
    check_window,
    end_offer,
    status_case,
    status_of,
)


def check_flash_price(*, variant: Variant, price: Decimal) -> None:
    check_positive(price, _("The flash price must be more than 0."), "bad_price")
    if price >= variant.price:
        raise PromotionError(
            _("The flash price must be below the normal price (%(price)s).")
            % {"price": variant.price},
            code="price_not_lower",
        )


def check_flash_sale_terms(
    *,
    variant: Variant,
    price: Decimal,
    quantity: int,
    per_user_limit: int,
    starts_at: datetime,
    ends_at: datetime,
    is_new: bool,
) -> None:
    check_window(starts_at=starts_at, ends_at=ends_at, is_new=is_new)
    check_flash_price(variant=variant, price=price)
    if quantity < 1:
        raise PromotionError(_("Set aside at least 1 unit."), code="bad_quantity")
    if quantity > variant.stock:
        raise PromotionError(
            _("Only %(stock)d in stock: the sale cannot offer more.") % {"stock": variant.stock},
            code="quantity_over_stock",
        )
    if per_user_limit < 1:
        raise PromotionError(_("Each shopper may buy at least 1."), code="bad_limit")


def check_no_overlap(
    *, variant: Variant, starts_at: datetime, ends_at: datetime, exclude_pk: int | None
) -> None:
    overlapping = FlashSale.objects.filter(
        variant=variant, is_active=True, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exclude(pk=exclude_pk)
    if overlapping.exists():
        raise PromotionError(
            _("This SKU already has a flash sale at that time."), code="flash_overlap"
        )


def create_flash_sale(
    *,
    shop: Shop,
    variant: Variant,
    price: Decimal,
    quantity: int,
    per_user_limit: int,
    starts_at: datetime,
    ends_at: datetime,
    by: Any,
    name: str = "",
) -> FlashSale:
    """A flash sale of ``quantity`` units of one of the shop's SKUs at ``price``."""
    check_can_manage_promotions(shop=shop, by=by)
    with transaction.atomic():
        # The variant row is the lock: two sales of one SKU cannot be created side by side.
        locked = (
            Variant.objects.select_for_update(of=("self",))
            .select_related("product")
            .filter(pk=variant.pk, product__shop=shop)
            .first()
        )
        if locked is None or not locked.is_active:
            raise PromotionError(_("Choose one of your shop's SKUs on sale."), code="bad_variant")
        check_flash_sale_terms(
            variant=locked,
            price=price,
            quantity=quantity,
            per_user_limit=per_user_limit,
            starts_at=starts_at,
            ends_at=ends_at,
            is_new=True,
        )
        check_no_overlap(variant=locked, starts_at=starts_at, ends_at=ends_at, exclude_pk=None)
        return FlashSale.objects.create(
            shop=shop,
            variant=locked,
            name=name.strip(),
            price=price,
            quantity=quantity,
            quantity_left=quantity,
            per_user_limit=per_user_limit,
            starts_at=starts_at,
            ends_at=ends_at,
            currency=locked.product.currency,
        )


def update_flash_sale(
    *,
    flash_sale: FlashSale,
    price: Decimal,
    quantity: int,
    per_user_limit: int,
    starts_at: datetime,
    ends_at: datetime,
    by: Any,
    name: str = "",
) -> FlashSale:
    """A scheduled flash sale changes its terms; once started it can only be ended."""
    check_can_manage_promotions(shop=flash_sale.shop, by=by)
    with transaction.atomic():
        variant = Variant.objects.select_for_update().get(pk=flash_sale.variant_id)
        locked = FlashSale.objects.select_for_update().get(pk=flash_sale.pk)
        if status_of(locked) != SCHEDULED:
            raise PromotionError(
                _("A flash sale that has started can only be ended."), code="flash_started"
            )
        check_flash_sale_terms(
            variant=variant,
            price=price,
            quantity=quantity,
            per_user_limit=per_user_limit,
            starts_at=starts_at,
            ends_at=ends_at,
            is_new=True,
        )
        check_no_overlap(
            variant=variant, starts_at=starts_at, ends_at=ends_at, exclude_pk=locked.pk
        )
        locked.name = name.strip()
        locked.price = price
        locked.quantity = locked.quantity_left = quantity
        locked.per_user_limit = per_user_limit
        locked.starts_at, locked.ends_at = starts_at, ends_at
        locked.save()
    return locked


def end_flash_sale(*, flash_sale: FlashSale, by: Any) -> FlashSale:
    """The flash sale stops now; units already in orders stay sold."""
    check_can_manage_promotions(shop=flash_sale.shop, by=by)
    return end_offer(FlashSale, flash_sale, already_ended=_("This flash sale has already ended."))


# --- Reads ------------------------------------------------------------------------------------


def flash_sales_for_shop(
    *, shop: Shop, status: str = "", now: datetime | None = None
) -> QuerySet[FlashSale]:
    now = now or timezone.now()
    qs = (
        FlashSale.objects.filter(shop=shop)
        .annotate(status=status_case(now=now))
        .select_related("variant__product")
        .order_by("-starts_at", "-pk")
    )
    return qs.filter(status=status) if status else qs


def flash_sale_for_shop_or_404(*, shop: Shop, pk: int) -> FlashSale:
    return get_object_or_404(
        FlashSale.objects.select_related("variant__product", "shop"), shop=shop, pk=pk
    )


def _on_sale_q(now: datetime) -> Q:
    return open_shop_q(prefix="shop__", now=now) & Q(
        is_active=True,
        variant__is_active=True,
        variant__product__status=ProductStatus.ACTIVE,
    )


def flash_sale_for_product(*, product: Product, now: datetime | None = None) -> FlashSale | None:
    """The flash sale running for any SKU of the product (the first to end), else the next one
    to start; ``None`` if there is neither. One query."""
    now = now or timezone.now()
    sales = (
        FlashSale.objects.filter(_on_sale_q(now), variant__product=product, ends_at__gt=now)
        .select_related("variant")
        .annotate(is_running=Case(When(starts_at__lte=now, then=Value(0)), default=Value(1)))
        .order_by("is_running", "ends_at", "starts_at", "pk")
    )
    return sales.first()


def running_flash_sales(*, limit: int = 8, now: datetime | None = None) -> list[FlashSale]:
    """Flash sales on now, ending soonest first, with units left first, ready for cards."""
    now = now or timezone.now()
    images = Prefetch(
        "variant__product__images", queryset=ProductImage.objects.order_by("position", "pk")
    )
    sales = (
        FlashSale.objects.filter(_on_sale_q(now), starts_at__lte=now, ends_at__gt=now)
        .select_related("variant__product__shop")
        .prefetch_related(images)
        .annotate(is_sold_out=Case(When(quantity_left=0, then=Value(1)), default=Value(0)))
        .order_by("is_sold_out", "ends_at", "pk")
    )
    return list(sales[:limit])
