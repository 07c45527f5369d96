"""Prices a cart: loads what the promotions engine needs from the database and calls it.

``quote_lines`` reads the SKUs, their tiers, the offers in force (promotions, the buyer's claimed
coupons and the codes typed, flash sales with what the buyer already holds) and each shop's
delivery options, runs ``orders.pricing.price_cart`` and says what stands in the way of buying
each line. It never writes, and it runs the same number of queries however big the cart is.
Cart pages, checkout and order placement all price through it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import (
    AttributeOption,
    Category,
    PriceTier,
    Product,
    ProductImage,
    ProductStatus,
    Variant,
)
from catalog.selectors import why_not_for_sale
from marketplace.sellers.models import SellerKind
from marketplace.sellers.selectors.shops import is_shop_open

from ..models import (
    Coupon,
    CouponClaim,
    CouponUse,
    FlashSale,
    FlashSaleAllocation,
    Promotion,
    PromotionKind,
    Scope,
)
from ..pricing import (
    Buyer,
    CouponRule,
    FlashOffer,
    LineInput,
    LinePrice,
    PromotionRule,
    Quote,
    ShopPrice,
    price_cart,
)
from ..shipping import DeliveryOption, delivery_options_for_shops
from .coupons import is_used_up, normalise_code
from .promotions import ENDED, SCHEDULED, status_of

ZERO = Decimal("0.00")


@dataclass
class QuotedLine:
    variant: Variant  # with product, product.shop, product.category, price tiers, images
    quantity: int
    price: LinePrice
    problems: list[str] = field(default_factory=list)  # each one stops checkout
    notes: list[str] = field(default_factory=list)  # worth knowing, stops nothing


@dataclass
class QuotedShop:
    shop: Any
    lines: list[QuotedLine]
    price: ShopPrice
    delivery_options: list[DeliveryOption]
    delivery: DeliveryOption


@dataclass
class CartQuote:
    quote: Quote
    shops: list[QuotedShop]
    unusable_coupons: list[tuple[str, str]] = field(default_factory=list)  # (code, why)
    problems: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[QuotedLine]:
        return [line for shop in self.shops for line in shop.lines]

    @property
    def has_problems(self) -> bool:
        return bool(self.problems) or any(line.problems for line in self.lines)


def member_level_of(user: Any) -> str:
    """The buyer's member level (community brings levels; until then none)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return getattr(user, "member_level", "") or ""


def quote_lines(
    *,
    pairs: Sequence[tuple[int, int]],
    user: Any,
    now: datetime | None = None,
    coupon_codes: Sequence[str] = (),
    delivery: Mapping[int, str] | None = None,
    address: Any = None,
) -> CartQuote:
    """The priced cart of these (variant id, quantity) pairs for ``user`` at ``now``, with every
    line's problems, each shop's delivery options and the typed coupons that cannot be used."""
    now = now or timezone.now()
    user = user if user is not None and getattr(user, "is_authenticated", False) else None
    variants = _variants([variant_id for variant_id, _quantity in pairs])
    problems: list[str] = []
    if any(variant_id not in variants for variant_id, _quantity in pairs):
        problems.append(_("An item in your cart no longer exists; it has been left out."))
    wanted = [(variants[v], q) for v, q in pairs if v in variants]
    currency = _cart_currency([variant for variant, _quantity in wanted])

    flash = _flash_offers(
        [variant.pk for variant, _q in wanted], user=user, now=now, currency=currency
    )
    lines: list[QuotedLine] = []
    inputs: list[LineInput] = []
    for variant, quantity in wanted:
        line = QuotedLine(variant=variant, quantity=quantity, price=_list_price(variant, quantity))
        line.problems = _problems(variant, quantity, currency=currency, now=now)
        if not _is_blocked(variant, currency=currency, now=now):
            offer, note = flash.get(variant.pk, (None, ""))
            if note and offer is not None and quantity > offer.units_for_buyer:
                line.notes.append(note)
            inputs.append(_line_input(variant, quantity, offer))
        lines.append(line)

    shops: dict[int, list[QuotedLine]] = {}
    for line in lines:
        shops.setdefault(line.variant.product.shop_id, []).append(line)
    quoted = delivery_options_for_shops(
        requests=[
            (shop_lines[0].variant.product.shop, [(ln.variant, ln.quantity) for ln in shop_lines])
            for shop_lines in shops.values()
        ],
        address=address,
    )
    options = dict(zip(shops, quoted, strict=True))
    chosen = {
        shop_id: _chosen(options[shop_id], (delivery or {}).get(shop_id)) for shop_id in shops
    }
    priced_shops = {line.shop_id for line in inputs}
    if address is not None:
        problems.extend(
            _(
                "%(shop)s does not deliver to this address: choose another address or remove its"
                " items."
            )
            % {"shop": shops[shop_id][0].variant.product.shop.name}
            for shop_id in shops
            if shop_id in priced_shops and not options[shop_id]
        )

    rules, coupons, unusable = _offers(
        shop_ids=sorted(priced_shops), user=user, now=now, codes=coupon_codes, currency=currency
    )
    quote = price_cart(
        lines=inputs,
        buyer=Buyer(user_id=user.pk if user else None, member_level=member_level_of(user)),
        now=now,
        promotions=rules,
        coupons=coupons,
        shipping={shop_id: chosen[shop_id].price for shop_id in priced_shops if chosen[shop_id]},
        currency=currency,
    )
    _attach_prices(lines, quote)
    shop_prices = {price.shop_id: price for price in quote.shops}
    return CartQuote(
        quote=quote,
        shops=[
            QuotedShop(
                shop=shop_lines[0].variant.product.shop,
                lines=shop_lines,
                price=shop_prices.get(shop_id) or _nothing_to_pay(shop_id),
                delivery_options=options[shop_id],
                delivery=chosen[shop_id] or DeliveryOption("", _("No delivery"), ZERO),
            )
            for shop_id, shop_lines in shops.items()
        ],
        unusable_coupons=unusable + list(quote.unusable_coupons),
        problems=problems,
    )


# --- Lines -------------------------------------------------------------------------------------


VARIANT_FIELDS = (
    "product_id",
    "sku",
    "price",
    "stock",
    "is_active",
    "position",
    "weight_grams",
    "image_id",
    "image__product_id",
    "image__original",
    "image__renditions",
    "image__width",
    "image__height",
    "image__alt",
    "image__position",
    "product__shop_id",
    "product__category_id",
    "product__title",
    "product__slug",
    "product__status",
    "product__status_reason",
    "product__min_order_quantity",
    "product__currency",
    "product__shop__name",
    "product__shop__slug",
    "product__shop__kind",
    "product__shop__status",
    "product__shop__suspended_until",
    "product__shop__shipping_rate__flat_rate",
    "product__shop__shipping_rate__express_rate",
    "product__shop__shipping_rate__currency",
    "product__category__parent_id",
    "product__category__parent__parent_id",
)


def _variants(ids: list[int]) -> dict[int, Variant]:
    images = Prefetch("product__images", queryset=ProductImage.objects.order_by("position", "pk"))
    tiers = Prefetch("price_tiers", queryset=PriceTier.objects.order_by("min_quantity"))
    options = Prefetch(
        "options", queryset=AttributeOption.objects.order_by("attribute__position", "position")
    )
    found = (
        Variant.objects.filter(pk__in=ids)
        .select_related(
            "image", "product__shop__shipping_rate", "product__category__parent__parent"
        )
        .prefetch_related(images, options)
        # Only the columns pricing, checkout snapshots and the cart page read: compiling and
        # reading the joined rows' other columns cost more than the query itself.
        .only(*VARIANT_FIELDS)
    )
    variants = list(found)
    # Only wholesale shops can set quantity price tiers (catalog refuses them elsewhere): the
    # tiers are read for their SKUs only, saving a query on every other cart and checkout.
    wholesale = [v for v in variants if v.product.shop.kind == SellerKind.WHOLESALER]
    if wholesale:
        prefetch_related_objects(wholesale, tiers)
    return {variant.pk: variant for variant in variants}


def _tiers_of(variant: Variant) -> tuple[tuple[int, Decimal], ...]:
    if variant.product.shop.kind != SellerKind.WHOLESALER:
        return ()
    return tuple((tier.min_quantity, tier.unit_price) for tier in variant.price_tiers.all())


def _cart_currency(variants: list[Variant]) -> str:
    """The marketplace's currency, unless nothing in the cart is priced in it."""
    currencies = [variant.product.currency for variant in variants]
    if not currencies or settings.DEFAULT_CURRENCY in currencies:
        return settings.DEFAULT_CURRENCY
    return currencies[0]


def _is_blocked(variant: Variant, *, currency: str, now: datetime) -> bool:
    """Cannot be bought at any quantity: left out of the totals until it is removed."""
    product = variant.product
    return (
        product.status != ProductStatus.ACTIVE
        or not variant.is_active
        or not is_shop_open(shop=product.shop, now=now)
        or product.currency != currency
    )


def _problems(variant: Variant, quantity: int, *, currency: str, now: datetime) -> list[str]:
    product = variant.product
    if product.status != ProductStatus.ACTIVE or not variant.is_active:
        return [_("No longer available.")]
    if not is_shop_open(shop=product.shop, now=now):
        return [why_not_for_sale(product=product)]
    if product.currency != currency:
        return [
            _("Priced in %(currency)s while your cart is in %(cart)s: buy it separately.")
            % {"currency": product.currency, "cart": currency}
        ]
    problems = []
    if variant.stock < 1:
        problems.append(_("Sold out."))
    elif quantity > variant.stock:
        problems.append(
            ngettext("Only %(stock)s unit left.", "Only %(stock)s units left.", variant.stock)
            % {"stock": variant.stock}
        )
    moq = product.min_order_quantity or 1
    if quantity < moq:
        problems.append(
            ngettext(
                "Sold in quantities of at least %(moq)s unit.",
                "Sold in quantities of at least %(moq)s units.",
                moq,
            )
            % {"moq": moq}
        )
    return problems


def _category_ids(product: Product) -> tuple[int, ...]:
    """The product's category and its ancestors (the tree is at most three deep)."""
    ids: list[int] = []
    category: Category | None = product.category
    while category is not None and len(ids) < 3:
        ids.append(category.pk)
        category = category.parent
    return tuple(ids)


def _line_input(variant: Variant, quantity: int, flash: FlashOffer | None) -> LineInput:
    return LineInput(
        variant_id=variant.pk,
        product_id=variant.product_id,
        shop_id=variant.product.shop_id,
        category_ids=_category_ids(variant.product),
        quantity=quantity,
        unit_price=variant.price,
        tiers=_tiers_of(variant),
        flash=flash,
    )


def _list_price(variant: Variant, quantity: int) -> LinePrice:
    """What a line left out of the totals would cost, for display."""
    subtotal = variant.price * quantity
    return LinePrice(
        variant_id=variant.pk,
        shop_id=variant.product.shop_id,
        quantity=quantity,
        unit_price=variant.price,
        subtotal=subtotal,
        discount=ZERO,
        total=subtotal,
    )


def _attach_prices(lines: list[QuotedLine], quote: Quote) -> None:
    priced = {price.variant_id: price for price in quote.lines}
    for line in lines:
        line.price = priced.get(line.variant.pk, line.price)


def _chosen(options: list[DeliveryOption], code: str | None) -> DeliveryOption | None:
    """The option asked for, else the first (the cheapest)."""
    return next((option for option in options if option.code == code), None) or (
        options[0] if options else None
    )


def _nothing_to_pay(shop_id: int) -> ShopPrice:
    return ShopPrice(
        shop_id=shop_id,
        items_subtotal=ZERO,
        item_discount=ZERO,
        shop_discount=ZERO,
        platform_discount=ZERO,
        shipping=ZERO,
        shipping_discount=ZERO,
        total=ZERO,
    )


# --- Flash sales -------------------------------------------------------------------------------


def _flash_offers(
    variant_ids: list[int], *, user: Any, now: datetime, currency: str
) -> dict[int, tuple[FlashOffer, str]]:
    """Per SKU: the running flash sale with the units this buyer may still have at its price,
    and a note when some of the line's units will pay the normal price."""
    sales = (
        FlashSale.objects.filter(
            variant_id__in=variant_ids,
            is_active=True,
            starts_at__lte=now,
            ends_at__gt=now,
            quantity_left__gt=0,
            currency=currency,
        )
        .annotate(held=_held_by(user))
        .order_by("ends_at", "pk")
    )
    offers: dict[int, tuple[FlashOffer, str]] = {}
    for sale in sales:
        if sale.variant_id in offers:
            continue
        allowed = max(0, sale.per_user_limit - sale.held)
        units = min(sale.quantity_left, allowed)
        if units < sale.quantity_left or allowed == 0:
            note = ngettext(
                "The flash price applies to %(limit)s unit per shopper; the rest at the normal"
                " price.",
                "The flash price applies to %(limit)s units per shopper; the rest at the normal"
                " price.",
                sale.per_user_limit,
            ) % {"limit": sale.per_user_limit}
        else:
            note = ngettext(
                "Only %(left)s unit is left at the flash price; the rest at the normal price.",
                "Only %(left)s units are left at the flash price; the rest at the normal price.",
                sale.quantity_left,
            ) % {"left": sale.quantity_left}
        offers[sale.variant_id] = (
            FlashOffer(
                flash_sale_id=sale.pk, price=sale.price, units_for_buyer=units, ends_at=sale.ends_at
            ),
            note,
        )
    return offers


def _held_by(user: Any) -> Any:
    """How many units of the sale the buyer already holds in live orders."""
    if user is None:
        return Value(0)
    held = FlashSaleAllocation.objects.filter(flash_sale=OuterRef("pk"), user=user)
    return Coalesce(Subquery(held.values("quantity")[:1], output_field=IntegerField()), 0)


# --- Promotions and coupons --------------------------------------------------------------------


def _offers(
    *, shop_ids: list[int], user: Any, now: datetime, codes: Sequence[str], currency: str
) -> tuple[list[PromotionRule], list[CouponRule], list[tuple[str, str]]]:
    """The promotions in force for these shops and the platform, the coupons the buyer may use
    (claimed or typed), and the typed codes that cannot be used, with why. Typed codes are
    answered even when nothing in the cart can be bought."""
    typed = list(dict.fromkeys(code for code in map(normalise_code, codes) if code))
    if not shop_ids and not typed:
        return [], [], []
    promotions = Promotion.objects.filter(
        Q(shop_id__in=shop_ids) | Q(shop__isnull=True),
        is_active=True,
        starts_at__lte=now,
        ends_at__gt=now,
        currency=currency,
    ).order_by("pk")
    promotions = list(promotions) if shop_ids else []
    _load_terms(promotions)
    rules = [_promotion_rule(promotion) for promotion in promotions]

    wallet = Q(pk__in=[])
    if user is not None:
        # A claimed coupon is the shopper's: it stays usable if the shop later hides it.
        claimed = CouponClaim.objects.filter(coupon=OuterRef("pk"), user=user)
        wallet = Q(Exists(claimed), is_active=True, starts_at__lte=now, ends_at__gt=now)
    found = (
        Coupon.objects.annotate(upper_code=Upper("code"), used_by_buyer=_uses_by(user))
        .filter(wallet | Q(upper_code__in=typed))
        .filter(Q(shop_id__in=shop_ids) | Q(shop__isnull=True) | Q(upper_code__in=typed))
        .order_by("pk")
    )
    found = list(found)
    _load_terms(found)
    coupons: list[CouponRule] = []
    unusable: list[tuple[str, str]] = []
    by_code = {}
    for coupon in found:
        is_typed = coupon.upper_code in typed
        if is_typed:
            by_code[coupon.upper_code] = coupon
        why = _why_coupon_unusable(coupon, now=now, currency=currency)
        if why:
            if is_typed:
                unusable.append((coupon.upper_code, why))
            continue
        coupons.append(_coupon_rule(coupon, is_typed=is_typed))
    unusable.extend(
        (code, _("There is no coupon with this code.")) for code in typed if code not in by_code
    )
    return rules, coupons, unusable


def _load_terms(offers: list[Any]) -> None:
    """Reads only what the rules use: the chosen categories or products of scoped offers and
    the tiers of 滿減 promotions (most offers cover everything, so usually nothing)."""
    prefetch_related_objects(
        [offer for offer in offers if offer.scope == Scope.CATEGORIES], _ids("categories")
    )
    prefetch_related_objects(
        [offer for offer in offers if offer.scope == Scope.PRODUCTS], _ids("products")
    )
    prefetch_related_objects(
        [
            offer
            for offer in offers
            if getattr(offer, "kind", None) == PromotionKind.SPEND_THRESHOLD
            and isinstance(offer, Promotion)
        ],
        "tiers",
    )


def _scoped_ids(offer: Any, relation: str) -> frozenset[int]:
    scope = Scope.CATEGORIES if relation == "categories" else Scope.PRODUCTS
    if offer.scope != scope:
        return frozenset()
    return frozenset(item.pk for item in getattr(offer, relation).all())


def _ids(relation: str) -> Prefetch:
    model = Category if relation == "categories" else Product
    return Prefetch(relation, queryset=model.objects.only("pk"))


def _uses_by(user: Any) -> Any:
    """How many live uses (not released by a cancellation) the buyer has made of the coupon."""
    if user is None:
        return Value(0)
    uses = (
        CouponUse.objects.filter(coupon=OuterRef("pk"), user=user, released_at__isnull=True)
        .values("coupon")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(uses, output_field=IntegerField()), 0)


def _why_coupon_unusable(coupon: Coupon, *, now: datetime, currency: str) -> str:
    status = status_of(coupon, now=now)
    if status == ENDED:
        return _("This coupon has expired.")
    if status == SCHEDULED:
        return _("This coupon is not valid yet.")
    if is_used_up(coupon):
        return _("This coupon has been used up.")
    if coupon.used_by_buyer >= coupon.per_user_limit:  # type: ignore[attr-defined]
        return _("You have already used this coupon as many times as it allows.")
    if coupon.currency != currency:
        return _("This coupon is for another currency.")
    return ""


def _promotion_rule(promotion: Promotion) -> PromotionRule:
    return PromotionRule(
        id=promotion.pk,
        shop_id=promotion.shop_id,
        name=promotion.name,
        kind=promotion.kind,
        scope=promotion.scope,
        category_ids=_scoped_ids(promotion, "categories"),
        product_ids=_scoped_ids(promotion, "products"),
        percent=promotion.percent,
        amount=promotion.amount,
        tiers=tuple((tier.threshold, tier.discount) for tier in promotion.tiers.all())
        if promotion.kind == PromotionKind.SPEND_THRESHOLD
        else (),
        is_repeating=promotion.is_repeating,
        threshold=promotion.threshold,
        buy_quantity=promotion.buy_quantity,
        free_quantity=promotion.free_quantity,
        member_level=promotion.member_level,
        funded_by=promotion.funded_by,
        platform_share_percent=promotion.platform_share_percent,
    )


def _coupon_rule(coupon: Coupon, *, is_typed: bool) -> CouponRule:
    return CouponRule(
        id=coupon.pk,
        shop_id=coupon.shop_id,
        name=coupon.name,
        code=coupon.code,
        kind=coupon.kind,
        scope=coupon.scope,
        category_ids=_scoped_ids(coupon, "categories"),
        product_ids=_scoped_ids(coupon, "products"),
        amount=coupon.amount,
        percent=coupon.percent,
        max_discount=coupon.max_discount,
        min_spend=coupon.min_spend,
        funded_by=coupon.funded_by,
        platform_share_percent=coupon.platform_share_percent,
        is_typed=is_typed,
    )
