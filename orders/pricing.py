"""The promotions engine: the one place a price is computed.

``price_cart()`` is pure: it takes plain values (the lines with their catalogue prices, the buyer,
the moment, the offers in force, the coupons the buyer holds or typed, and each shop's delivery
price) and returns every line's price and discount, each shop's subtotal, delivery and discounts,
the platform's discounts and the total, with a sentence explaining each discount. It reads no
database and writes nothing; ``orders.services.quotes`` loads its inputs. Cart pages, checkout and
order placement all call it, so what the buyer saw is what the order records.

Rules (see docs/glossary.md for the Chinese terms):
- A line's base unit price is the flash-sale price when a flash sale is running for it and the
  buyer still has flash units left (units beyond that pay the normal price), else the B2B tier
  price for the line's quantity, else the variant price.
- Item promotions (percentage off, amount off, member price, buy N get M) lower line prices;
  a line gets at most one item promotion: the best one for the buyer. Flash-sale units get none.
- Order-level shop promotions and coupons: at most one spend-threshold (滿減) promotion, one
  free-shipping promotion and one shop coupon per shop order; at most one platform coupon and
  one platform spend-threshold promotion per order group. Where several could apply the engine
  picks the combination best for the buyer and explains it.
- A platform discount spanning several shops is allocated to the shops in proportion to their
  subtotals after shop discounts, to the cent (largest remainder).
- Rounding: HALF_UP at the line, then sums; a discount never exceeds what it discounts; totals
  are never negative; the result is deterministic (ties broken by id).

How each rule reads, precisely:
- B2B tiers: the highest tier the line's quantity reaches (never above the variant price). The
  flash price is used only when it is below that price.
- Item promotions count only the line's non-flash units. Percentage off and member price take
  ``percent`` off (member price: only for a buyer whose level is the rule's ``member_level``, or
  any level when the rule names none); amount off takes ``amount`` off each unit, at most its
  price; buy N get M makes M units free for every full N + M units of the line.
- Order-level thresholds (滿減 tiers, free-shipping ``threshold``, coupon ``min_spend``) are
  measured on what the items the rule covers (its scope) cost after item promotions.
- 滿減: the highest tier reached gives its discount; a repeating rule gives it again for every
  full multiple of that tier's threshold (滿300減30 repeating: 60 off at 600; with tiers 300/30
  and 500/60, 650 gives 60 and 1000 gives 120).
- Coupons: amount off, or percent off capped at ``max_discount``, never more than the covered
  items. Shop 滿減 and coupon apply in that order, together never more than the shop's items
  after item promotions; free shipping takes the whole delivery price off.
- The best combination is found by trying every pair (or none) of one 滿減 and one coupon, per
  shop and again for the platform: the largest saving wins; on a tie fewer offers (a coupon
  stays in the wallet), then the lowest ids. Offers left out are explained.
- Platform discounts are shared out in proportion to each shop's items after shop discounts
  (only the items the rule covers count; the platform 滿減 first, the coupon from what is left).
- Funding: the rule's ``funded_by`` (empty: the rule's owner, the shop or the platform); shared
  gives the platform ``round(amount x share%)`` HALF_UP and the shop the rest. Flash-sale prices
  are the line's price, not a discount record.
- A typed coupon that cannot be used is listed in ``unusable_coupons`` with the reason; claimed
  coupons that do not fit the cart stay quietly in the wallet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from marketplace.core.money import format_money

from .models import CouponKind, DiscountSource, FundedBy, PromotionKind, Scope

# --- Inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlashOffer:
    flash_sale_id: int
    price: Decimal
    units_for_buyer: int  # min(quantity left, per-user limit minus what the buyer already holds)
    ends_at: datetime


@dataclass(frozen=True)
class LineInput:
    variant_id: int
    product_id: int
    shop_id: int
    category_ids: tuple[int, ...]  # the product's category and its ancestors
    quantity: int
    unit_price: Decimal  # the variant price
    tiers: tuple[tuple[int, Decimal], ...] = ()  # (from quantity, unit price), B2B
    flash: FlashOffer | None = None


@dataclass(frozen=True)
class Buyer:
    user_id: int | None
    member_level: str = ""


@dataclass(frozen=True)
class PromotionRule:
    """A promotion in force (the loader passes only active ones in their window)."""

    id: int
    shop_id: int | None  # None: platform
    name: str
    kind: str  # orders.models.PromotionKind values
    scope: str  # orders.models.Scope values
    category_ids: frozenset[int] = frozenset()
    product_ids: frozenset[int] = frozenset()
    percent: Decimal | None = None
    amount: Decimal | None = None
    tiers: tuple[tuple[Decimal, Decimal], ...] = ()  # (spend at least, get off), ascending
    is_repeating: bool = False
    threshold: Decimal | None = None  # free shipping from
    buy_quantity: int | None = None
    free_quantity: int | None = None
    member_level: str = ""
    funded_by: str = ""  # orders.models.FundedBy values; empty: whoever owns the rule
    platform_share_percent: Decimal = Decimal("0")

    def __post_init__(self) -> None:
        object.__setattr__(self, "funded_by", self.funded_by or _owner(self.shop_id))


@dataclass(frozen=True)
class CouponRule:
    """A coupon the buyer may use now (claimed, or typed; within window and limits)."""

    id: int
    shop_id: int | None  # None: platform
    name: str
    code: str
    kind: str  # orders.models.CouponKind values
    scope: str
    category_ids: frozenset[int] = frozenset()
    product_ids: frozenset[int] = frozenset()
    amount: Decimal | None = None
    percent: Decimal | None = None
    max_discount: Decimal | None = None
    min_spend: Decimal = Decimal("0")
    funded_by: str = ""  # empty: whoever owns the coupon
    platform_share_percent: Decimal = Decimal("0")
    is_typed: bool = False  # typed at checkout: if it cannot be used, the buyer is told why

    def __post_init__(self) -> None:
        object.__setattr__(self, "funded_by", self.funded_by or _owner(self.shop_id))


def _owner(shop_id: int | None) -> str:
    return "shop" if shop_id is not None else "platform"


# --- Outputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Discount:
    source: str  # orders.models.DiscountSource values
    label: str  # human-readable, in the active language: "滿300減30: 30.00 off"
    amount: Decimal
    shop_id: int | None  # the shop order it is recorded on (allocations of platform ones too)
    funded_by: str
    shop_funded: Decimal
    platform_funded: Decimal
    promotion_id: int | None = None
    coupon_id: int | None = None
    applies_to_shipping: bool = False


@dataclass(frozen=True)
class LinePrice:
    variant_id: int
    shop_id: int
    quantity: int
    unit_price: Decimal  # before item discounts (flash/tier/base, averaged if flash is partial)
    subtotal: Decimal  # unit prices x quantity
    discount: Decimal  # item promotions on this line
    total: Decimal
    flash_sale_id: int | None = None
    flash_units: int = 0
    explanations: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShopPrice:
    shop_id: int
    items_subtotal: Decimal  # sum of line subtotals
    item_discount: Decimal  # sum of line discounts
    shop_discount: Decimal  # shop 滿減 + shop coupon
    platform_discount: Decimal  # this shop's share of platform discounts
    shipping: Decimal
    shipping_discount: Decimal
    total: Decimal
    discounts: tuple[Discount, ...] = ()  # everything recorded on this shop's order


@dataclass(frozen=True)
class Quote:
    currency: str
    lines: tuple[LinePrice, ...]
    shops: tuple[ShopPrice, ...]
    items_total: Decimal
    discount_total: Decimal  # item + shop + platform + shipping discounts
    shipping_total: Decimal  # before shipping discounts
    total: Decimal
    platform_discounts: tuple[Discount, ...] = ()  # before allocation, for display
    applied_coupon_ids: tuple[int, ...] = ()
    explanations: tuple[str, ...] = ()
    unusable_coupons: tuple[tuple[str, str], ...] = field(default=())  # (code, why)


# --- The engine --------------------------------------------------------------------------------

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
ITEM_KINDS = frozenset(
    {
        PromotionKind.PERCENT_OFF,
        PromotionKind.AMOUNT_OFF,
        PromotionKind.MEMBER_PRICE,
        PromotionKind.BUY_N_GET_M,
    }
)
Rule = PromotionRule | CouponRule


def price_cart(
    *,
    lines: list[LineInput] | tuple[LineInput, ...],
    buyer: Buyer,
    now: datetime,
    promotions: list[PromotionRule] | tuple[PromotionRule, ...] = (),
    coupons: list[CouponRule] | tuple[CouponRule, ...] = (),
    shipping: dict[int, Decimal] | None = None,
    currency: str,
) -> Quote:
    """Every price, discount and total of these lines for this buyer at this moment."""
    rules = sorted(promotions, key=lambda rule: rule.id)
    wallet = _distinct(coupons)
    ctx = _Context(currency=currency)

    item_rules = [rule for rule in rules if rule.kind in ITEM_KINDS]
    priced = [_price_line(line, buyer=buyer, now=now, rules=item_rules, ctx=ctx) for line in lines]

    shops: dict[int, _Shop] = {}
    for line, (price, discounts) in zip(lines, priced, strict=True):
        shop = shops.setdefault(line.shop_id, _Shop(shop_id=line.shop_id))
        shop.lines.append((line, price))
        shop.item_discounts.extend(discounts)
    for shop in shops.values():
        price = Decimal((shipping or {}).get(shop.shop_id, ZERO))
        shop.shipping = _cents(max(ZERO, price))
        _price_shop(
            shop,
            rules=[rule for rule in rules if rule.shop_id in (shop.shop_id, None)],
            coupons=[coupon for coupon in wallet if coupon.shop_id == shop.shop_id],
            ctx=ctx,
        )
    for coupon in wallet:
        if coupon.shop_id is not None and coupon.shop_id not in shops:
            ctx.refuse(coupon, _("Nothing in your cart is from the shop of this coupon."))

    platform = _price_platform(
        shops=shops,
        rules=[r for r in rules if r.shop_id is None and r.kind == PromotionKind.SPEND_THRESHOLD],
        coupons=[coupon for coupon in wallet if coupon.shop_id is None],
        ctx=ctx,
    )
    return _assemble(
        lines=[price for price, _discounts in priced],
        shops=list(shops.values()),
        platform=platform,
        ctx=ctx,
    )


# --- Working state -----------------------------------------------------------------------------


@dataclass
class _Context:
    currency: str
    explanations: list[str] = field(default_factory=list)
    unusable: list[tuple[str, str]] = field(default_factory=list)

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.currency)

    def refuse(self, coupon: CouponRule, why: str) -> None:
        """A typed coupon the buyer expected to work is listed with the reason; claimed coupons
        that do not fit this cart simply stay in the wallet."""
        if coupon.is_typed:
            self.unusable.append((coupon.code, why))


@dataclass
class _Shop:
    shop_id: int
    lines: list[tuple[LineInput, LinePrice]] = field(default_factory=list)
    item_discounts: list[Discount] = field(default_factory=list)
    shipping: Decimal = ZERO
    shop_discounts: list[Discount] = field(default_factory=list)
    shipping_discounts: list[Discount] = field(default_factory=list)
    platform_discounts: list[Discount] = field(default_factory=list)

    @property
    def items_subtotal(self) -> Decimal:
        return sum((price.subtotal for _line, price in self.lines), ZERO)

    @property
    def after_items(self) -> Decimal:
        """What the items cost after item promotions: the base of order-level discounts."""
        return sum((price.total for _line, price in self.lines), ZERO)

    @property
    def after_shop(self) -> Decimal:
        return self.after_items - _total(self.shop_discounts)

    def covered(self, rule: Rule) -> Decimal:
        """The items' value (after item promotions) that ``rule`` covers in this shop."""
        return sum((price.total for line, price in self.lines if _covers(rule, line)), ZERO)

    def has_covered(self, rule: Rule) -> bool:
        return any(_covers(rule, line) for line, _price in self.lines)


# --- Lines -------------------------------------------------------------------------------------


def _price_line(
    line: LineInput, *, buyer: Buyer, now: datetime, rules: list[PromotionRule], ctx: _Context
) -> tuple[LinePrice, list[Discount]]:
    """Flash units at the flash price, the rest at the tier or variant price, and the best item
    promotion on the rest."""
    regular = _tier_price(line)
    flash = line.flash
    flash_units = 0
    if flash and flash.units_for_buyer > 0 and now < flash.ends_at and flash.price < regular:
        flash_units = min(line.quantity, flash.units_for_buyer)
    units = line.quantity - flash_units
    flash_price = flash.price if flash and flash_units else ZERO
    subtotal = _cents(flash_price * flash_units + regular * units)
    notes: list[str] = []
    if flash_units:
        notes.append(
            _("Flash sale: %(units)s at %(price)s")
            % {"units": flash_units, "price": ctx.money(flash_price)}
        )
        if units:
            notes.append(
                _("%(units)s more at the normal price of %(price)s")
                % {"units": units, "price": ctx.money(regular)}
            )
    elif regular < line.unit_price:
        notes.append(_("Volume price: %(price)s each") % {"price": ctx.money(regular)})

    best: tuple[Decimal, PromotionRule] | None = None
    for rule in rules:
        if not _covers(rule, line):
            continue
        amount = _item_discount(rule, buyer=buyer, units=units, price=regular)
        if amount > 0 and (best is None or amount > best[0]):
            best = (amount, rule)
    discounts: list[Discount] = []
    discount = ZERO
    if best is not None:
        discount, rule = best
        label = _item_label(rule, ctx=ctx)
        notes.append(label)
        discounts.append(_discount(rule, amount=discount, label=label, shop_id=line.shop_id))
    price = LinePrice(
        variant_id=line.variant_id,
        shop_id=line.shop_id,
        quantity=line.quantity,
        unit_price=_cents(subtotal / line.quantity) if line.quantity else regular,
        subtotal=subtotal,
        discount=discount,
        total=subtotal - discount,
        flash_sale_id=flash.flash_sale_id if flash and flash_units else None,
        flash_units=flash_units,
        explanations=tuple(notes),
    )
    return price, discounts


def _tier_price(line: LineInput) -> Decimal:
    """The B2B price of the highest tier the quantity reaches (never above the variant price)."""
    price = line.unit_price
    reached = [tier for tier in sorted(line.tiers) if tier[0] <= line.quantity]
    if reached:
        price = min(price, reached[-1][1])
    return price


def _item_discount(rule: PromotionRule, *, buyer: Buyer, units: int, price: Decimal) -> Decimal:
    """What ``rule`` takes off ``units`` items at ``price`` each, never more than they cost."""
    base = price * units
    amount = ZERO
    if rule.kind == PromotionKind.MEMBER_PRICE and not _is_member(rule, buyer):
        return ZERO
    if rule.kind in (PromotionKind.PERCENT_OFF, PromotionKind.MEMBER_PRICE):
        if rule.percent is not None:
            amount = _cents(base * rule.percent / HUNDRED)
        elif rule.amount is not None:
            amount = min(rule.amount, price) * units
    elif rule.kind == PromotionKind.AMOUNT_OFF and rule.amount is not None:
        amount = min(rule.amount, price) * units
    elif rule.kind == PromotionKind.BUY_N_GET_M and rule.buy_quantity and rule.free_quantity:
        # Every full group of N paid + M free units, within the line (all units cost the same).
        groups = units // (rule.buy_quantity + rule.free_quantity)
        amount = price * groups * rule.free_quantity
    return _cents(max(ZERO, min(amount, base)))


def _is_member(rule: PromotionRule, buyer: Buyer) -> bool:
    """Members of the rule's level (any level when the rule names none); never non-members."""
    return bool(buyer.member_level) and rule.member_level in ("", buyer.member_level)


# --- Shop orders -------------------------------------------------------------------------------

Picked = list[tuple[Rule, Decimal]]  # (rule, what it would give on its own)
Applied = list[tuple[Rule, Decimal, dict[int, Decimal]]]  # (rule, amount, share per shop)


def _price_shop(
    shop: _Shop, *, rules: list[PromotionRule], coupons: list[CouponRule], ctx: _Context
) -> None:
    """At most one 滿減 and one shop coupon (the best pair), and one free-shipping promotion."""
    shop.item_discounts = _merged(shop.item_discounts)
    thresholds: Picked = [
        (rule, amount)
        for rule in rules
        if rule.shop_id == shop.shop_id and rule.kind == PromotionKind.SPEND_THRESHOLD
        for amount in [_threshold_discount(rule, shop.covered(rule))[0]]
        if amount > 0
    ]
    usable: Picked = [
        (coupon, amount)
        for coupon in coupons
        for amount in [_usable_coupon(coupon, shop.has_covered(coupon), shop.covered(coupon), ctx)]
        if amount > 0
    ]

    def evaluate(picked: Picked) -> Applied:
        room = shop.after_items
        applied: Applied = []
        for rule, nominal in picked:
            amount = min(nominal, room)
            room -= amount
            applied.append((rule, amount, {shop.shop_id: amount}))
        return applied

    applied = _best_combination(thresholds, usable, evaluate=evaluate)
    for rule, amount, _shares in applied:
        shop.shop_discounts.append(
            _discount(
                rule,
                amount=amount,
                label=_label(rule, shop.covered(rule), ctx),
                shop_id=shop.shop_id,
            )
        )
    _explain_left_out(thresholds + usable, applied, ctx=ctx)

    free = [
        rule
        for rule in rules
        if rule.kind == PromotionKind.FREE_SHIPPING
        and shop.has_covered(rule)
        and (rule.threshold is None or shop.covered(rule) >= rule.threshold)
    ]
    if shop.shipping > 0 and free:
        rule = free[0]  # each saves the whole delivery price, so the lowest id wins
        shop.shipping_discounts.append(
            _discount(
                rule,
                amount=shop.shipping,
                label=_label(rule, ZERO, ctx),
                shop_id=shop.shop_id,
                applies_to_shipping=True,
            )
        )


# --- The platform ------------------------------------------------------------------------------


def _price_platform(
    *,
    shops: dict[int, _Shop],
    rules: list[PromotionRule],
    coupons: list[CouponRule],
    ctx: _Context,
) -> list[Discount]:
    """One platform 滿減 (跨店滿減) and one platform coupon over the whole cart, each shared out
    to the shop orders in proportion to what they cost after shop discounts, to the cent."""

    def covered(rule: Rule) -> Decimal:
        return sum((shop.covered(rule) for shop in shops.values()), ZERO)

    thresholds: Picked = [
        (rule, amount)
        for rule in rules
        for amount in [_threshold_discount(rule, covered(rule))[0]]
        if amount > 0
    ]
    usable: Picked = [
        (coupon, amount)
        for coupon in coupons
        for amount in [
            _usable_coupon(
                coupon,
                any(shop.has_covered(coupon) for shop in shops.values()),
                covered(coupon),
                ctx,
            )
        ]
        if amount > 0
    ]

    def evaluate(picked: Picked) -> Applied:
        room = {shop_id: shop.after_shop for shop_id, shop in shops.items()}
        applied: Applied = []
        for rule, nominal in picked:
            # A shop's share never exceeds what is left of it, nor what the rule covers there.
            weights = {sid: min(room[sid], shop.covered(rule)) for sid, shop in shops.items()}
            amount = min(nominal, sum(weights.values(), ZERO))
            shares = _allocate(amount, weights)
            for sid, share in shares.items():
                room[sid] -= share
            applied.append((rule, amount, shares))
        return applied

    applied = _best_combination(thresholds, usable, evaluate=evaluate)
    _explain_left_out(thresholds + usable, applied, ctx=ctx)
    wholes: list[Discount] = []
    for rule, amount, shares in applied:
        label = _label(rule, covered(rule), ctx)
        parts = [
            _discount(rule, amount=share, label=label, shop_id=sid)
            for sid, share in shares.items()
            if share > 0
        ]
        for part in parts:
            shops[part.shop_id].platform_discounts.append(part)  # type: ignore[index]
        wholes.append(
            replace(
                _discount(rule, amount=amount, label=label, shop_id=None),
                shop_funded=_total(parts, "shop_funded"),
                platform_funded=_total(parts, "platform_funded"),
            )
        )
    return wholes


def _allocate(amount: Decimal, weights: dict[int, Decimal]) -> dict[int, Decimal]:
    """``amount`` split in proportion to ``weights``, to the cent: everyone gets the rounded-down
    share, then the cents left go to the largest remainders (ties: lowest shop id)."""
    whole = sum(weights.values(), ZERO)
    if amount <= 0 or whole <= 0:
        return dict.fromkeys(weights, ZERO)
    exact = {shop_id: amount * weight / whole for shop_id, weight in weights.items()}
    shares = {
        shop_id: value.quantize(CENT, rounding=ROUND_DOWN) for shop_id, value in exact.items()
    }
    cents_left = int((amount - sum(shares.values(), ZERO)) / CENT)
    by_remainder = sorted(weights, key=lambda shop_id: (shares[shop_id] - exact[shop_id], shop_id))
    for shop_id in by_remainder[:cents_left]:
        shares[shop_id] += CENT
    return shares


# --- Choosing --------------------------------------------------------------------------------


def _best_combination(
    thresholds: Picked, coupons: Picked, *, evaluate: Callable[[Picked], Applied]
) -> Applied:
    """Every pair (or none) of one 滿減 and one coupon, tried in turn: the largest total wins;
    on a tie, fewer offers used (a coupon stays in the wallet), then the lowest ids."""
    best: tuple[tuple[Decimal, int, tuple[int, ...]], Applied] | None = None
    for threshold in [None, *thresholds]:
        for coupon in [None, *coupons]:
            picked = [choice for choice in (threshold, coupon) if choice is not None]
            applied = [entry for entry in evaluate(picked) if entry[1] > 0]
            total = sum((amount for _rule, amount, _shares in applied), ZERO)
            key = (-total, len(applied), tuple(rule.id for rule, _a, _s in applied))
            if best is None or key < best[0]:
                best = (key, applied)
    return best[1] if best else []


def _explain_left_out(candidates: Picked, applied: Applied, *, ctx: _Context) -> None:
    used = {(type(rule), rule.id) for rule, _amount, _shares in applied}
    for rule, _nominal in candidates:
        if (type(rule), rule.id) in used:
            continue
        ctx.explanations.append(
            _("%(name)s was not applied: the offers applied save you more (one of each kind).")
            % {"name": rule.name}
        )
        if isinstance(rule, CouponRule):
            ctx.refuse(
                rule, _("Another offer saves you more; only one coupon of each kind applies.")
            )


def _threshold_discount(
    rule: PromotionRule, spent: Decimal
) -> tuple[Decimal, Decimal, Decimal, int]:
    """滿減: (discount, tier threshold, tier discount, times). The highest tier ``spent`` reaches
    gives its discount; a repeating rule gives it once for every full multiple of that tier's
    threshold (滿300減30 repeating: 30 off at 300, 60 off at 600; with a 滿500減60 tier too, 650
    gives 60 and 1000 gives 120)."""
    reached = [tier for tier in sorted(rule.tiers) if 0 < tier[0] <= spent]
    if not reached:
        return ZERO, ZERO, ZERO, 0
    threshold, off = reached[-1]
    times = int(spent // threshold) if rule.is_repeating else 1
    return _cents(min(off * times, spent)), threshold, off, times


def _usable_coupon(
    coupon: CouponRule, has_covered: bool, covered: Decimal, ctx: _Context
) -> Decimal:
    """What the coupon takes off the items it covers, or zero (and why, if it was typed)."""
    if not has_covered:
        ctx.refuse(coupon, _("Nothing in your cart is covered by this coupon."))
        return ZERO
    if covered < coupon.min_spend or covered <= 0:
        ctx.refuse(
            coupon,
            _("Spend at least %(min_spend)s on the items it covers to use it (so far %(spent)s).")
            % {"min_spend": ctx.money(coupon.min_spend), "spent": ctx.money(covered)},
        )
        return ZERO
    if coupon.kind == CouponKind.PERCENT_OFF and coupon.percent is not None:
        amount = _cents(covered * coupon.percent / HUNDRED)
        if coupon.max_discount is not None:
            amount = min(amount, coupon.max_discount)
    else:
        amount = coupon.amount or ZERO
    return _cents(max(ZERO, min(amount, covered)))


# --- Values ----------------------------------------------------------------------------------


def _discount(
    rule: Rule,
    *,
    amount: Decimal,
    label: str,
    shop_id: int | None,
    applies_to_shipping: bool = False,
) -> Discount:
    """A discount with who funds it: shared ones give the platform its share (HALF_UP) and the
    shop the rest."""
    platform = ZERO
    if rule.funded_by == FundedBy.PLATFORM:
        platform = amount
    elif rule.funded_by == FundedBy.SHARED:
        platform = min(amount, _cents(amount * rule.platform_share_percent / HUNDRED))
    is_coupon = isinstance(rule, CouponRule)
    return Discount(
        source=DiscountSource.COUPON if is_coupon else DiscountSource.PROMOTION,
        label=label,
        amount=amount,
        shop_id=shop_id,
        funded_by=rule.funded_by,
        shop_funded=amount - platform,
        platform_funded=platform,
        promotion_id=None if is_coupon else rule.id,
        coupon_id=rule.id if is_coupon else None,
        applies_to_shipping=applies_to_shipping,
    )


def _merged(discounts: list[Discount]) -> list[Discount]:
    """One record per promotion on a shop order, summing its lines."""
    merged: dict[int | None, Discount] = {}
    for discount in discounts:
        seen = merged.get(discount.promotion_id)
        merged[discount.promotion_id] = (
            discount
            if seen is None
            else replace(
                seen,
                amount=seen.amount + discount.amount,
                shop_funded=seen.shop_funded + discount.shop_funded,
                platform_funded=seen.platform_funded + discount.platform_funded,
            )
        )
    return list(merged.values())


def _assemble(
    *, lines: list[LinePrice], shops: list[_Shop], platform: list[Discount], ctx: _Context
) -> Quote:
    shop_prices = []
    for shop in shops:
        item = _total(shop.item_discounts)
        own = _total(shop.shop_discounts)
        shared = _total(shop.platform_discounts)
        free = _total(shop.shipping_discounts)
        items = shop.items_subtotal
        shop_prices.append(
            ShopPrice(
                shop_id=shop.shop_id,
                items_subtotal=items,
                item_discount=item,
                shop_discount=own,
                platform_discount=shared,
                shipping=shop.shipping,
                shipping_discount=free,
                total=items - item - own - shared + shop.shipping - free,
                discounts=tuple(
                    shop.item_discounts
                    + shop.shop_discounts
                    + shop.shipping_discounts
                    + shop.platform_discounts
                ),
            )
        )
    applied = [
        d
        for shop in shops
        for d in shop.item_discounts + shop.shop_discounts + shop.shipping_discounts
    ]
    coupon_ids = {d.coupon_id for d in applied + platform if d.coupon_id is not None}
    return Quote(
        currency=ctx.currency,
        lines=tuple(lines),
        shops=tuple(shop_prices),
        items_total=sum((s.items_subtotal for s in shop_prices), ZERO),
        discount_total=sum(
            (
                s.item_discount + s.shop_discount + s.platform_discount + s.shipping_discount
                for s in shop_prices
            ),
            ZERO,
        ),
        shipping_total=sum((s.shipping for s in shop_prices), ZERO),
        total=sum((s.total for s in shop_prices), ZERO),
        platform_discounts=tuple(platform),
        applied_coupon_ids=tuple(sorted(coupon_ids)),
        explanations=tuple([d.label for d in applied + platform] + ctx.explanations),
        unusable_coupons=tuple(ctx.unusable),
    )


def _distinct(coupons: list[CouponRule] | tuple[CouponRule, ...]) -> list[CouponRule]:
    """Each coupon once, by id (typed if it was typed at all)."""
    found: dict[int, CouponRule] = {}
    for coupon in coupons:
        seen = found.get(coupon.id)
        found[coupon.id] = replace(
            coupon, is_typed=coupon.is_typed or (seen is not None and seen.is_typed)
        )
    return [found[coupon_id] for coupon_id in sorted(found)]


def _covers(rule: Rule, line: LineInput) -> bool:
    if rule.shop_id is not None and rule.shop_id != line.shop_id:
        return False
    if rule.scope == Scope.CATEGORIES:
        return not rule.category_ids.isdisjoint(line.category_ids)
    if rule.scope == Scope.PRODUCTS:
        return line.product_id in rule.product_ids
    return rule.scope == Scope.ALL


def _total(discounts: list[Discount], attribute: str = "amount") -> Decimal:
    return sum((getattr(discount, attribute) for discount in discounts), ZERO)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- Labels ------------------------------------------------------------------------------------


def _percent(value: Decimal | None) -> str:
    text = f"{value or ZERO:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _item_label(rule: PromotionRule, *, ctx: _Context) -> str:
    return _label(rule, ZERO, ctx)


def _label(rule: Rule, spent: Decimal, ctx: _Context) -> str:
    """The sentence the buyer reads for a discount (``spent``: what a 滿減 was measured on)."""
    if isinstance(rule, CouponRule):
        if rule.kind == CouponKind.PERCENT_OFF and rule.max_discount is not None:
            return _("Coupon %(name)s: %(percent)s%% off, at most %(max)s") % {
                "name": rule.name,
                "percent": _percent(rule.percent),
                "max": ctx.money(rule.max_discount),
            }
        if rule.kind == CouponKind.PERCENT_OFF:
            return _("Coupon %(name)s: %(percent)s%% off") % {
                "name": rule.name,
                "percent": _percent(rule.percent),
            }
        return _("Coupon %(name)s: %(amount)s off") % {
            "name": rule.name,
            "amount": ctx.money(rule.amount or ZERO),
        }
    values: dict[str, object] = {"name": rule.name, "percent": _percent(rule.percent)}
    if rule.kind == PromotionKind.SPEND_THRESHOLD:
        _amount, threshold, off, times = _threshold_discount(rule, spent)
        values.update(threshold=ctx.money(threshold), discount=ctx.money(off), times=times)
        if times > 1:
            return (
                _("%(name)s: %(discount)s off for every %(threshold)s spent (x%(times)s)") % values
            )
        return _("%(name)s: spend %(threshold)s, get %(discount)s off") % values
    if rule.kind == PromotionKind.FREE_SHIPPING:
        if rule.threshold is not None:
            values["threshold"] = ctx.money(rule.threshold)
            return _("%(name)s: free delivery on %(threshold)s or more") % values
        return _("%(name)s: free delivery") % values
    if rule.kind == PromotionKind.BUY_N_GET_M:
        values.update(buy=rule.buy_quantity, free=rule.free_quantity)
        return _("%(name)s: buy %(buy)s, get %(free)s free") % values
    if rule.kind == PromotionKind.MEMBER_PRICE:
        values["level"] = rule.member_level or _("members")
        if rule.percent is None:
            values["amount"] = ctx.money(rule.amount or ZERO)
            return _("%(name)s: member price for %(level)s, %(amount)s off each") % values
        return _("%(name)s: member price for %(level)s, %(percent)s%% off") % values
    if rule.kind == PromotionKind.AMOUNT_OFF:
        values["amount"] = ctx.money(rule.amount or ZERO)
        return _("%(name)s: %(amount)s off each item") % values
    return _("%(name)s: %(percent)s%% off") % values
