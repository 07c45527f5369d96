"""Every write of promotions, flash sales and delivery prices, and the reads their pages need.

Merchants manage their shop's promotions, flash sales (秒殺) and delivery price in the seller
dashboard; staff manage platform promotions (``shop`` empty) in the admin. Each service checks
everything first and raises ``PromotionError`` before it writes, so a refused change changes
nothing. Only the shop's owner and managers may write (clerks read); only staff may create
platform promotions or make the platform fund a discount.

Prices are never computed here: ``orders.pricing`` applies what these rows say. Coupons and
claiming them live in ``services/coupons.py``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Category, Product
from marketplace.sellers.models import Shop
from marketplace.sellers.services.shops import can_manage_shop

from ..errors import PromotionError
from ..models import (
    FundedBy,
    OrderDiscount,
    Promotion,
    PromotionKind,
    PromotionTier,
    Scope,
    ShippingRate,
)

MAX_TIERS = 10
HUNDRED = Decimal("100")

# --- Status and rights ------------------------------------------------------------------------

SCHEDULED, RUNNING, ENDED = "scheduled", "running", "ended"
STATUS_LABELS = {
    SCHEDULED: gettext_lazy("Scheduled"),
    RUNNING: gettext_lazy("Running"),
    ENDED: gettext_lazy("Ended"),
}


def status_case(*, now: datetime) -> Case:
    """Scheduled, running or ended, as SQL (for annotating and filtering lists)."""
    return Case(
        When(is_active=False, then=Value(ENDED)),
        When(ends_at__lte=now, then=Value(ENDED)),
        When(starts_at__gt=now, then=Value(SCHEDULED)),
        default=Value(RUNNING),
        output_field=CharField(),
    )


def status_of(offer: Any, *, now: datetime | None = None) -> str:
    """The status of a promotion, coupon or flash sale at ``now``."""
    now = now or timezone.now()
    if not offer.is_active or offer.ends_at <= now:
        return ENDED
    return SCHEDULED if offer.starts_at > now else RUNNING


def can_manage_promotions(*, shop: Shop | None, by: Any) -> bool:
    """A shop's owner and managers manage its offers; staff manage the platform's."""
    if not getattr(by, "is_authenticated", False) or not by.is_active:
        return False
    if shop is None:
        return bool(by.is_staff)
    return can_manage_shop(shop=shop, by=by)


def check_can_manage_promotions(*, shop: Shop | None, by: Any) -> None:
    if not can_manage_promotions(shop=shop, by=by):
        if shop is None:
            message = _("Only staff can manage platform promotions.")
        else:
            message = _("Only the shop's owner or a manager can change promotions.")
        raise PromotionError(message, code="not_promotion_manager")


def check_window(*, starts_at: datetime, ends_at: datetime, is_new: bool) -> None:
    if ends_at <= starts_at:
        raise PromotionError(_("The end must come after the start."), code="bad_window")
    if is_new and ends_at <= timezone.now():
        raise PromotionError(_("The end must be in the future."), code="ended_window")


def check_funding(*, shop: Shop | None, funded_by: str, share: Decimal, by: Any) -> None:
    if funded_by not in FundedBy.values:
        raise PromotionError(_("Choose who funds the discount."), code="bad_funding")
    if funded_by != FundedBy.SHOP and not getattr(by, "is_staff", False):
        raise PromotionError(
            _("Merchants fund their own discounts; only staff can make the platform pay."),
            code="platform_funding",
        )
    if shop is None and funded_by == FundedBy.SHOP:
        raise PromotionError(
            _("A platform offer is funded by the platform or shared."), code="bad_funding"
        )
    if funded_by == FundedBy.SHARED and not (0 < share < HUNDRED):
        raise PromotionError(
            _("The platform's share must be more than 0 % and less than 100 %."),
            code="bad_share",
        )


def check_scope(
    *,
    shop: Shop | None,
    scope: str,
    categories: Sequence[Category] | None,
    products: Sequence[Product] | None,
) -> None:
    if scope not in Scope.values:
        raise PromotionError(_("Choose what the offer applies to."), code="bad_scope")
    if scope == Scope.CATEGORIES and categories is not None and not categories:
        raise PromotionError(_("Choose at least one category."), code="no_categories")
    if scope == Scope.PRODUCTS and products is not None:
        if not products:
            raise PromotionError(_("Choose at least one product."), code="no_products")
        if shop is not None and any(product.shop_id != shop.pk for product in products):
            raise PromotionError(
                _("A shop's offer can only cover the shop's own products."),
                code="foreign_product",
            )


def check_percent(percent: Decimal | None) -> None:
    if percent is None or not (0 < percent < HUNDRED):
        raise PromotionError(
            _("The percentage must be more than 0 and less than 100."), code="bad_percent"
        )


def check_positive(amount: Decimal | None, message: str, code: str) -> None:
    if amount is None or amount <= 0:
        raise PromotionError(message, code=code)


# --- Promotions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromotionTerms:
    """What a promotion gives. Only the fields of its ``kind`` are kept; ``tiers`` are
    (spend at least, get off) pairs, ascending; ``None`` for tiers, categories or products means
    "checked elsewhere" (the admin's inline and many-to-many widgets)."""

    name: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    scope: str = Scope.ALL
    categories: Sequence[Category] | None = ()
    products: Sequence[Product] | None = ()
    percent: Decimal | None = None
    amount: Decimal | None = None
    tiers: Sequence[tuple[Decimal, Decimal]] | None = ()
    is_repeating: bool = False
    threshold: Decimal | None = None
    buy_quantity: int | None = None
    free_quantity: int | None = None
    member_level: str = ""
    funded_by: str = FundedBy.SHOP
    platform_share_percent: Decimal = Decimal("0")


def check_tiers(tiers: Sequence[tuple[Decimal, Decimal]]) -> None:
    """滿減 tiers: at least one, at most ``MAX_TIERS``, spends rising, discounts rising, each
    discount positive and below its spend."""
    if not tiers:
        raise PromotionError(_("Add at least one spend tier, such as 300:30."), code="no_tiers")
    if len(tiers) > MAX_TIERS:
        raise PromotionError(
            _("At most %(count)d spend tiers.") % {"count": MAX_TIERS}, code="too_many_tiers"
        )
    previous: tuple[Decimal, Decimal] | None = None
    for threshold, discount in tiers:
        if threshold <= 0 or discount <= 0:
            raise PromotionError(
                _("Spend and discount of every tier must be more than 0."), code="bad_tier"
            )
        if discount >= threshold:
            raise PromotionError(
                _("Tier %(spend)s: the discount must be less than the spend.")
                % {"spend": threshold},
                code="tier_discount_too_big",
            )
        if previous and (threshold <= previous[0] or discount <= previous[1]):
            raise PromotionError(
                _("List the tiers from the smallest spend up, each giving more off."),
                code="tiers_not_ascending",
            )
        previous = (threshold, discount)


def check_promotion_terms(
    *, shop: Shop | None, terms: PromotionTerms, by: Any, is_new: bool = True
) -> None:
    """Raises ``PromotionError`` for the first thing wrong with these terms."""
    if not terms.name.strip():
        raise PromotionError(_("Give the promotion a name."), code="no_name")
    if terms.kind not in PromotionKind.values:
        raise PromotionError(_("Choose a kind of promotion."), code="bad_kind")
    check_window(starts_at=terms.starts_at, ends_at=terms.ends_at, is_new=is_new)
    kind = terms.kind
    if kind in (PromotionKind.PERCENT_OFF, PromotionKind.MEMBER_PRICE):
        check_percent(terms.percent)
    if kind == PromotionKind.MEMBER_PRICE and not terms.member_level.strip():
        raise PromotionError(_("Name the member level the price is for."), code="no_level")
    if kind == PromotionKind.AMOUNT_OFF:
        check_positive(terms.amount, _("The amount off must be more than 0."), "bad_amount")
    if kind == PromotionKind.FREE_SHIPPING:
        check_positive(
            terms.threshold, _("Free shipping needs a spend of more than 0."), "bad_threshold"
        )
    if kind == PromotionKind.SPEND_THRESHOLD and terms.tiers is not None:
        check_tiers(terms.tiers)
    if kind == PromotionKind.BUY_N_GET_M and (
        (terms.buy_quantity or 0) < 1 or (terms.free_quantity or 0) < 1
    ):
        raise PromotionError(_("Buy N get M needs N and M of at least 1."), code="bad_buy_n_get_m")
    check_scope(shop=shop, scope=terms.scope, categories=terms.categories, products=terms.products)
    check_funding(shop=shop, funded_by=terms.funded_by, share=terms.platform_share_percent, by=by)


def promotion_fields(terms: PromotionTerms) -> dict[str, Any]:
    """The row's own fields for these terms: what does not belong to the kind is cleared."""
    kind = terms.kind
    return {
        "name": terms.name.strip(),
        "kind": kind,
        "scope": terms.scope,
        "starts_at": terms.starts_at,
        "ends_at": terms.ends_at,
        "percent": terms.percent
        if kind in (PromotionKind.PERCENT_OFF, PromotionKind.MEMBER_PRICE)
        else None,
        "amount": terms.amount if kind == PromotionKind.AMOUNT_OFF else None,
        "threshold": terms.threshold if kind == PromotionKind.FREE_SHIPPING else None,
        "is_repeating": terms.is_repeating and kind == PromotionKind.SPEND_THRESHOLD,
        "buy_quantity": terms.buy_quantity if kind == PromotionKind.BUY_N_GET_M else None,
        "free_quantity": terms.free_quantity if kind == PromotionKind.BUY_N_GET_M else None,
        "member_level": terms.member_level.strip() if kind == PromotionKind.MEMBER_PRICE else "",
        "funded_by": terms.funded_by,
        "platform_share_percent": terms.platform_share_percent
        if terms.funded_by == FundedBy.SHARED
        else Decimal("0"),
    }


def _save_promotion_relations(promotion: Promotion, terms: PromotionTerms) -> None:
    if terms.categories is not None:
        promotion.categories.set(terms.categories if terms.scope == Scope.CATEGORIES else [])
    if terms.products is not None:
        promotion.products.set(terms.products if terms.scope == Scope.PRODUCTS else [])
    if terms.tiers is not None:
        promotion.tiers.all().delete()
        if terms.kind == PromotionKind.SPEND_THRESHOLD:
            PromotionTier.objects.bulk_create(
                PromotionTier(promotion=promotion, threshold=spend, discount=off)
                for spend, off in terms.tiers
            )


def create_promotion(*, shop: Shop | None, by: Any, terms: PromotionTerms) -> Promotion:
    """A new promotion of the shop (or of the platform when ``shop`` is None), with its tiers
    and scope."""
    check_can_manage_promotions(shop=shop, by=by)
    check_promotion_terms(shop=shop, terms=terms, by=by)
    with transaction.atomic():
        promotion = Promotion.objects.create(
            shop=shop, created_by=by, currency=settings.DEFAULT_CURRENCY, **promotion_fields(terms)
        )
        _save_promotion_relations(promotion, terms)
    return promotion


def update_promotion(*, promotion: Promotion, by: Any, terms: PromotionTerms) -> Promotion:
    """The promotion now gives these terms; an ended one can no longer change."""
    check_can_manage_promotions(shop=promotion.shop, by=by)
    if status_of(promotion) == ENDED:
        raise PromotionError(_("An ended promotion cannot be changed."), code="ended")
    check_promotion_terms(shop=promotion.shop, terms=terms, by=by, is_new=False)
    with transaction.atomic():
        locked = Promotion.objects.select_for_update().get(pk=promotion.pk)
        if status_of(locked) == ENDED:
            raise PromotionError(_("An ended promotion cannot be changed."), code="ended")
        for field, value in promotion_fields(terms).items():
            setattr(locked, field, value)
        locked.save()
        _save_promotion_relations(locked, terms)
    return locked


def end_offer(model: type, offer: Any, *, already_ended: str) -> Any:
    """The promotion, coupon or flash sale stops now (helper of the ``end_*`` services)."""
    now = timezone.now()
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=offer.pk)
        if status_of(locked, now=now) == ENDED:
            raise PromotionError(already_ended, code="already_ended")
        locked.is_active = False
        if locked.starts_at < now:
            locked.ends_at = now  # the record shows when it really stopped
        locked.save(update_fields=["is_active", "ends_at"])
    return locked


def end_promotion(*, promotion: Promotion, by: Any) -> Promotion:
    """The promotion stops now (a scheduled one never starts)."""
    check_can_manage_promotions(shop=promotion.shop, by=by)
    return end_offer(Promotion, promotion, already_ended=_("This promotion has already ended."))


# --- Delivery prices --------------------------------------------------------------------------


def check_shipping_rates(*, flat_rate: Decimal | None, express_rate: Decimal | None) -> None:
    if flat_rate is None or flat_rate < 0:
        raise PromotionError(_("The delivery price cannot be negative."), code="bad_rate")
    if express_rate is not None and express_rate < flat_rate:
        raise PromotionError(
            _("Express delivery cannot cost less than standard delivery."), code="bad_express"
        )


def set_shipping_rate(
    *, shop: Shop, flat_rate: Decimal, express_rate: Decimal | None = None, by: Any
) -> ShippingRate:
    """The shop charges ``flat_rate`` per order (and offers express at ``express_rate``)."""
    check_can_manage_promotions(shop=shop, by=by)
    check_shipping_rates(flat_rate=flat_rate, express_rate=express_rate)
    rate, _created = ShippingRate.objects.update_or_create(
        shop=shop,
        defaults={
            "flat_rate": flat_rate,
            "express_rate": express_rate,
            "currency": settings.DEFAULT_CURRENCY,
        },
    )
    return rate


# --- Reads ------------------------------------------------------------------------------------


def promotions_for_shop(
    *, shop: Shop, status: str = "", now: datetime | None = None
) -> QuerySet[Promotion]:
    """The shop's promotions with ``status`` and ``order_count`` (orders that used them)."""
    now = now or timezone.now()
    uses = (
        OrderDiscount.objects.filter(promotion=OuterRef("pk"))
        .values("promotion")
        .annotate(n=Count("order", distinct=True))
        .values("n")
    )
    qs = (
        Promotion.objects.filter(shop=shop)
        .annotate(status=status_case(now=now), order_count=Coalesce(Subquery(uses), 0))
        .prefetch_related("tiers")
        .order_by("-starts_at", "-pk")
    )
    return qs.filter(status=status) if status else qs


def promotion_for_shop_or_404(*, shop: Shop, pk: int) -> Promotion:
    return get_object_or_404(
        Promotion.objects.prefetch_related("tiers", "categories", "products"), shop=shop, pk=pk
    )


def shipping_rate_of(*, shop: Shop) -> ShippingRate | None:
    return ShippingRate.objects.filter(shop=shop).first()
