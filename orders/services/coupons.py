"""Every write of coupons and of claiming them (領券), and the reads their pages need.

Merchants create shop coupons in the seller dashboard; staff create platform coupons (``shop``
empty) in the admin. A public coupon is claimed into the shopper's wallet from product and shop
pages; any coupon can also be typed by its code at checkout. Codes are stored upper-case and are
unique whatever the case.

Claiming is idempotent: claiming a coupon already in the wallet returns the existing claim and
counts nothing twice. A claim is not a use: ``total_limit`` caps uses (checkout records them and
moves ``used_count``), so claims are not capped by it, but a coupon whose uses have run out can
no longer be claimed and shows as used up.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Category, Product
from catalog.selectors import open_shop_q
from marketplace.sellers.models import Shop
from marketplace.sellers.selectors.shops import is_shop_open

from ..errors import PromotionError
from ..models import Coupon, CouponClaim, CouponKind, CouponUse, FundedBy, Scope
from .promotions import (
    ENDED,
    RUNNING,
    check_can_manage_promotions,
    check_funding,
    check_percent,
    check_positive,
    check_scope,
    check_window,
    end_offer,
    status_case,
    status_of,
)

CODE = re.compile(r"^[A-Z0-9_-]{3,40}$")


@dataclass(frozen=True)
class CouponTerms:
    """What a coupon gives and to whom. ``None`` for categories or products means "set
    elsewhere" (the admin's many-to-many widgets)."""

    name: str
    code: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    amount: Decimal | None = None
    percent: Decimal | None = None
    max_discount: Decimal | None = None
    min_spend: Decimal = Decimal("0")
    scope: str = Scope.ALL
    categories: Sequence[Category] | None = ()
    products: Sequence[Product] | None = ()
    is_public: bool = True
    total_limit: int | None = None
    per_user_limit: int = 1
    funded_by: str = FundedBy.SHOP
    platform_share_percent: Decimal = Decimal("0")


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()


def check_coupon_terms(
    *, shop: Shop | None, terms: CouponTerms, by: Any, coupon: Coupon | None = None
) -> None:
    """Raises ``PromotionError`` for the first thing wrong with these terms (``coupon`` is the
    one being changed, if any)."""
    if not terms.name.strip():
        raise PromotionError(_("Give the coupon a name."), code="no_name")
    code = normalise_code(terms.code)
    if not CODE.match(code):
        raise PromotionError(
            _("A code has 3 to 40 letters, digits, hyphens or underscores."), code="bad_code"
        )
    taken = Coupon.objects.filter(code__iexact=code)
    if coupon is not None:
        taken = taken.exclude(pk=coupon.pk)
    if taken.exists():
        raise PromotionError(
            _("The code %(code)s is already taken.") % {"code": code}, code="code_taken"
        )
    check_window(starts_at=terms.starts_at, ends_at=terms.ends_at, is_new=coupon is None)
    if terms.kind == CouponKind.AMOUNT_OFF:
        check_positive(terms.amount, _("The amount off must be more than 0."), "bad_amount")
    elif terms.kind == CouponKind.PERCENT_OFF:
        check_percent(terms.percent)
        if terms.max_discount is not None and terms.max_discount <= 0:
            raise PromotionError(
                _("The most it takes off must be more than 0."), code="bad_max_discount"
            )
    else:
        raise PromotionError(_("Choose a kind of coupon."), code="bad_kind")
    if terms.min_spend is None or terms.min_spend < 0:
        raise PromotionError(_("The minimum spend cannot be negative."), code="bad_min_spend")
    if terms.per_user_limit is None or terms.per_user_limit < 1:
        raise PromotionError(_("Each shopper may use it at least once."), code="bad_limit")
    if terms.total_limit is not None:
        if terms.total_limit < 1:
            raise PromotionError(_("The total uses must be at least 1."), code="bad_limit")
        if coupon is not None and terms.total_limit < coupon.used_count:
            raise PromotionError(
                _("It has been used %(count)d times already: the limit cannot be lower.")
                % {"count": coupon.used_count},
                code="limit_below_used",
            )
    check_scope(shop=shop, scope=terms.scope, categories=terms.categories, products=terms.products)
    check_funding(shop=shop, funded_by=terms.funded_by, share=terms.platform_share_percent, by=by)


def coupon_fields(terms: CouponTerms) -> dict[str, Any]:
    """The row's own fields for these terms: what does not belong to the kind is cleared."""
    is_amount = terms.kind == CouponKind.AMOUNT_OFF
    return {
        "name": terms.name.strip(),
        "code": normalise_code(terms.code),
        "kind": terms.kind,
        "amount": terms.amount if is_amount else None,
        "percent": None if is_amount else terms.percent,
        "max_discount": None if is_amount else terms.max_discount,
        "min_spend": terms.min_spend,
        "scope": terms.scope,
        "is_public": terms.is_public,
        "starts_at": terms.starts_at,
        "ends_at": terms.ends_at,
        "total_limit": terms.total_limit,
        "per_user_limit": terms.per_user_limit,
        "funded_by": terms.funded_by,
        "platform_share_percent": terms.platform_share_percent
        if terms.funded_by == FundedBy.SHARED
        else Decimal("0"),
    }


def _save_coupon_scope(coupon: Coupon, terms: CouponTerms) -> None:
    if terms.categories is not None:
        coupon.categories.set(terms.categories if terms.scope == Scope.CATEGORIES else [])
    if terms.products is not None:
        coupon.products.set(terms.products if terms.scope == Scope.PRODUCTS else [])


def _code_taken(code: str) -> PromotionError:
    return PromotionError(
        _("The code %(code)s is already taken.") % {"code": code}, code="code_taken"
    )


def create_coupon(*, shop: Shop | None, by: Any, terms: CouponTerms) -> Coupon:
    """A new coupon of the shop (or of the platform when ``shop`` is None)."""
    check_can_manage_promotions(shop=shop, by=by)
    check_coupon_terms(shop=shop, terms=terms, by=by)
    try:
        with transaction.atomic():
            coupon = Coupon.objects.create(
                shop=shop,
                created_by=by,
                currency=settings.DEFAULT_CURRENCY,
                **coupon_fields(terms),
            )
            _save_coupon_scope(coupon, terms)
    except IntegrityError as error:  # the same code created at the same moment
        raise _code_taken(normalise_code(terms.code)) from error
    return coupon


def update_coupon(*, coupon: Coupon, by: Any, terms: CouponTerms) -> Coupon:
    """The coupon now gives these terms; an ended one can no longer change."""
    check_can_manage_promotions(shop=coupon.shop, by=by)
    check_coupon_terms(shop=coupon.shop, terms=terms, by=by, coupon=coupon)
    try:
        with transaction.atomic():
            locked = Coupon.objects.select_for_update().get(pk=coupon.pk)
            if status_of(locked) == ENDED:
                raise PromotionError(_("An ended coupon cannot be changed."), code="ended")
            if terms.total_limit is not None and terms.total_limit < locked.used_count:
                raise PromotionError(
                    _("It has been used %(count)d times already: the limit cannot be lower.")
                    % {"count": locked.used_count},
                    code="limit_below_used",
                )
            for field, value in coupon_fields(terms).items():
                setattr(locked, field, value)
            locked.save()
            _save_coupon_scope(locked, terms)
    except IntegrityError as error:
        raise _code_taken(normalise_code(terms.code)) from error
    return locked


def end_coupon(*, coupon: Coupon, by: Any) -> Coupon:
    """The coupon stops now: nobody can claim or use it any more."""
    check_can_manage_promotions(shop=coupon.shop, by=by)
    return end_offer(Coupon, coupon, already_ended=_("This coupon has already ended."))


def is_used_up(coupon: Coupon) -> bool:
    return coupon.total_limit is not None and coupon.used_count >= coupon.total_limit


def claim_coupon(*, coupon: Coupon, user: Any, now: datetime | None = None) -> CouponClaim:
    """The public, running coupon is in the shopper's wallet (once: claiming again returns the
    claim already there)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PromotionError(_("Log in to claim coupons."), code="login_required")
    now = now or timezone.now()
    existing = CouponClaim.objects.filter(coupon=coupon, user=user).first()
    if existing is not None:
        return existing
    if not coupon.is_public:
        raise PromotionError(_("This coupon cannot be claimed."), code="not_public")
    status = status_of(coupon, now=now)
    if status != RUNNING:
        message = _("This coupon has ended.") if status == ENDED else _("It is not out yet.")
        raise PromotionError(message, code=f"coupon_{status}")
    if coupon.shop is not None and not is_shop_open(shop=coupon.shop, now=now):
        raise PromotionError(_("The shop is not open."), code="shop_closed")
    if is_used_up(coupon):
        raise PromotionError(_("This coupon has been used up."), code="used_up")
    with transaction.atomic():
        claim, created = CouponClaim.objects.get_or_create(coupon=coupon, user=user)
        if created:
            Coupon.objects.filter(pk=coupon.pk).update(claimed_count=F("claimed_count") + 1)
    return claim


# --- Reads ------------------------------------------------------------------------------------


def coupons_for_shop(
    *, shop: Shop, status: str = "", now: datetime | None = None
) -> QuerySet[Coupon]:
    """The shop's coupons with their ``status``, newest first."""
    qs = (
        Coupon.objects.filter(shop=shop)
        .annotate(status=status_case(now=now or timezone.now()))
        .order_by("-starts_at", "-pk")
    )
    return qs.filter(status=status) if status else qs


def coupon_for_shop_or_404(*, shop: Shop, pk: int) -> Coupon:
    return get_object_or_404(
        Coupon.objects.prefetch_related("categories", "products"), shop=shop, pk=pk
    )


def claimable_coupon_or_404(*, pk: int) -> Coupon:
    """A public coupon (of an open shop, or the platform's) a shopper may try to claim."""
    qs = Coupon.objects.filter(is_public=True).filter(
        Q(shop__isnull=True) | open_shop_q(prefix="shop__")
    )
    return get_object_or_404(qs.select_related("shop"), pk=pk)


def _applies_to_product_q(product: Product) -> Q:
    category = product.category_id
    in_category = (
        Q(categories=category)
        | Q(categories__children=category)
        | Q(categories__children__children=category)
    )
    return (
        Q(scope=Scope.ALL)
        | Q(scope=Scope.PRODUCTS, products=product)
        | Q(Q(scope=Scope.CATEGORIES) & in_category)
    )


def coupons_for_display(
    *,
    shop: Shop | None = None,
    product: Product | None = None,
    user: Any = None,
    now: datetime | None = None,
) -> list[Coupon]:
    """The public, running coupons to claim on a shop or product page: the shop's (those
    covering the product, on a product page) and the platform's that apply, best first. Each
    has ``is_claimed`` (by ``user``) and ``is_used_up``. One query."""
    now = now or timezone.now()
    shop_id = shop.pk if shop is not None else (product.shop_id if product else None)
    owners = Q(shop__isnull=True) | (Q(shop_id=shop_id) if shop_id else Q(pk__in=[]))
    qs = Coupon.objects.filter(
        owners, is_public=True, is_active=True, starts_at__lte=now, ends_at__gt=now
    )
    if product is not None:
        qs = qs.filter(pk__in=Coupon.objects.filter(_applies_to_product_q(product)).values("pk"))
    else:
        qs = qs.filter(Q(shop__isnull=False) | Q(scope=Scope.ALL))
    if getattr(user, "is_authenticated", False):
        claimed = CouponClaim.objects.filter(coupon=OuterRef("pk"), user=user)
        qs = qs.annotate(is_claimed=Exists(claimed))
    coupons = list(qs.order_by(F("shop_id").asc(nulls_last=True), "min_spend", "pk"))
    for coupon in coupons:
        coupon.is_claimed = getattr(coupon, "is_claimed", False)
        coupon.is_used_up = is_used_up(coupon)
    return coupons


# The wallet's sections, in order.
USABLE, UPCOMING, USED, EXPIRED = "usable", "upcoming", "used", "expired"
WALLET_SECTIONS = {
    USABLE: gettext_lazy("Ready to use"),
    UPCOMING: gettext_lazy("Not valid yet"),
    USED: gettext_lazy("Used"),
    EXPIRED: gettext_lazy("Expired"),
}


@dataclass(frozen=True)
class WalletEntry:
    claim: CouponClaim
    coupon: Coupon
    section: str
    uses: int  # the shopper's uses that still count (not released by a cancellation)


def coupon_wallet(*, user: Any, now: datetime | None = None) -> dict[str, list[WalletEntry]]:
    """The shopper's claimed coupons by section: usable, not valid yet, used, expired. One
    query."""
    now = now or timezone.now()
    uses = (
        CouponUse.objects.filter(coupon=OuterRef("coupon"), user=user, released_at__isnull=True)
        .values("coupon")
        .annotate(n=Count("pk"))
        .values("n")
    )
    claims = (
        CouponClaim.objects.filter(user=user)
        .select_related("coupon__shop")
        .annotate(uses=Coalesce(Subquery(uses, output_field=IntegerField()), 0))
        .order_by("coupon__ends_at", "pk")
    )
    wallet: dict[str, list[WalletEntry]] = {section: [] for section in WALLET_SECTIONS}
    for claim in claims:
        coupon = claim.coupon
        status = status_of(coupon, now=now)
        if claim.uses >= coupon.per_user_limit:  # type: ignore[attr-defined]
            section = USED
        elif status == ENDED or is_used_up(coupon):
            section = EXPIRED
        elif status == RUNNING:
            section = USABLE
        else:
            section = UPCOMING
        wallet[section].append(WalletEntry(claim, coupon, section, claim.uses))  # type: ignore[attr-defined]
    return wallet
