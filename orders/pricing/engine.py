"""``price_cart``: prices each line, then each shop order, then the platform's offers, choosing
the best combination at each level and explaining it. The rules are in ``orders.pricing``'s
docstring; what one rule gives is in ``rules``, the sentences in ``labels``."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from marketplace.core.money import format_money

from ..models import PromotionKind
from .labels import label
from .rules import (
    ZERO,
    Rule,
    allocate,
    cents,
    coupon_amount,
    covers,
    item_discount,
    make_discount,
    merged,
    sum_of,
    threshold_discount,
    tier_price,
)
from .values import (
    Buyer,
    CouponRule,
    Discount,
    LineInput,
    LinePrice,
    PromotionRule,
    Quote,
    ShopPrice,
)

ITEM_KINDS = frozenset(
    {
        PromotionKind.PERCENT_OFF,
        PromotionKind.AMOUNT_OFF,
        PromotionKind.MEMBER_PRICE,
        PromotionKind.BUY_N_GET_M,
    }
)
Picked = list[tuple[Rule, Decimal]]  # (rule, what it would give on its own)
Applied = list[tuple[Rule, Decimal, dict[int, Decimal]]]  # (rule, amount, share per shop)


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
        shop.shipping = cents(max(ZERO, price))
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
        return self.after_items - sum_of(self.shop_discounts)

    def covered(self, rule: Rule) -> Decimal:
        """The items' value (after item promotions) that ``rule`` covers in this shop."""
        return sum((price.total for line, price in self.lines if covers(rule, line)), ZERO)

    def has_covered(self, rule: Rule) -> bool:
        return any(covers(rule, line) for line, _price in self.lines)


def _price_line(
    line: LineInput, *, buyer: Buyer, now: datetime, rules: list[PromotionRule], ctx: _Context
) -> tuple[LinePrice, list[Discount]]:
    """Flash units at the flash price, the rest at the tier or variant price, and the best item
    promotion on the rest."""
    regular = tier_price(line)
    flash = line.flash
    flash_units = 0
    if flash and flash.units_for_buyer > 0 and now < flash.ends_at and flash.price < regular:
        flash_units = min(line.quantity, flash.units_for_buyer)
    units = line.quantity - flash_units
    flash_price = flash.price if flash and flash_units else ZERO
    subtotal = cents(flash_price * flash_units + regular * units)
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
        if not covers(rule, line):
            continue
        amount = item_discount(rule, buyer=buyer, units=units, price=regular)
        if amount > 0 and (best is None or amount > best[0]):
            best = (amount, rule)
    discounts: list[Discount] = []
    discount = ZERO
    if best is not None:
        discount, rule = best
        text = label(rule, currency=ctx.currency)
        notes.append(text)
        discounts.append(make_discount(rule, amount=discount, label=text, shop_id=line.shop_id))
    price = LinePrice(
        variant_id=line.variant_id,
        shop_id=line.shop_id,
        quantity=line.quantity,
        unit_price=cents(subtotal / line.quantity) if line.quantity else regular,
        subtotal=subtotal,
        discount=discount,
        total=subtotal - discount,
        flash_sale_id=flash.flash_sale_id if flash and flash_units else None,
        flash_units=flash_units,
        explanations=tuple(notes),
    )
    return price, discounts


def _price_shop(
    shop: _Shop, *, rules: list[PromotionRule], coupons: list[CouponRule], ctx: _Context
) -> None:
    """At most one 滿減 and one shop coupon (the best pair), and one free-shipping promotion."""
    shop.item_discounts = merged(shop.item_discounts)
    thresholds: Picked = [
        (rule, amount)
        for rule in rules
        if rule.shop_id == shop.shop_id and rule.kind == PromotionKind.SPEND_THRESHOLD
        for amount in [threshold_discount(rule, shop.covered(rule))[0]]
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
            make_discount(
                rule,
                amount=amount,
                label=label(rule, spent=shop.covered(rule), currency=ctx.currency),
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
            make_discount(
                rule,
                amount=shop.shipping,
                label=label(rule, currency=ctx.currency),
                shop_id=shop.shop_id,
                applies_to_shipping=True,
            )
        )


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
        for amount in [threshold_discount(rule, covered(rule))[0]]
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
            shares = allocate(amount, weights)
            for sid, share in shares.items():
                room[sid] -= share
            applied.append((rule, amount, shares))
        return applied

    applied = _best_combination(thresholds, usable, evaluate=evaluate)
    _explain_left_out(thresholds + usable, applied, ctx=ctx)
    wholes: list[Discount] = []
    for rule, amount, shares in applied:
        text = label(rule, spent=covered(rule), currency=ctx.currency)
        parts = [
            make_discount(rule, amount=share, label=text, shop_id=sid)
            for sid, share in shares.items()
            if share > 0
        ]
        for part in parts:
            shops[part.shop_id].platform_discounts.append(part)  # type: ignore[index]
        wholes.append(
            replace(
                make_discount(rule, amount=amount, label=text, shop_id=None),
                shop_funded=sum_of(parts, "shop_funded"),
                platform_funded=sum_of(parts, "platform_funded"),
            )
        )
    return wholes


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
    return coupon_amount(coupon, covered)


def _assemble(
    *, lines: list[LinePrice], shops: list[_Shop], platform: list[Discount], ctx: _Context
) -> Quote:
    shop_prices = []
    for shop in shops:
        item = sum_of(shop.item_discounts)
        own = sum_of(shop.shop_discounts)
        shared = sum_of(shop.platform_discounts)
        free = sum_of(shop.shipping_discounts)
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
