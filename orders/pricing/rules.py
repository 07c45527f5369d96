"""What one promotion or coupon gives on its own, who funds it, and how an amount is shared out
to the cent. Pure arithmetic over ``orders.pricing.values``; the choosing is in ``engine``."""

from dataclasses import replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from ..models import CouponKind, DiscountSource, FundedBy, PromotionKind, Scope
from .values import Buyer, CouponRule, Discount, LineInput, PromotionRule

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
Rule = PromotionRule | CouponRule


def tier_price(line: LineInput) -> Decimal:
    """The B2B price of the highest tier the quantity reaches (never above the variant price)."""
    price = line.unit_price
    reached = [tier for tier in sorted(line.tiers) if tier[0] <= line.quantity]
    if reached:
        price = min(price, reached[-1][1])
    return price


def item_discount(rule: PromotionRule, *, buyer: Buyer, units: int, price: Decimal) -> Decimal:
    """What ``rule`` takes off ``units`` items at ``price`` each, never more than they cost."""
    base = price * units
    amount = ZERO
    if rule.kind == PromotionKind.MEMBER_PRICE and not is_member(rule, buyer):
        return ZERO
    if rule.kind in (PromotionKind.PERCENT_OFF, PromotionKind.MEMBER_PRICE):
        if rule.percent is not None:
            amount = cents(base * rule.percent / HUNDRED)
        elif rule.amount is not None:
            amount = min(rule.amount, price) * units
    elif rule.kind == PromotionKind.AMOUNT_OFF and rule.amount is not None:
        amount = min(rule.amount, price) * units
    elif rule.kind == PromotionKind.BUY_N_GET_M and rule.buy_quantity and rule.free_quantity:
        # Every full group of N paid + M free units, within the line (all units cost the same).
        groups = units // (rule.buy_quantity + rule.free_quantity)
        amount = price * groups * rule.free_quantity
    return cents(max(ZERO, min(amount, base)))


def is_member(rule: PromotionRule, buyer: Buyer) -> bool:
    """Members of the rule's level (any level when the rule names none); never non-members."""
    return bool(buyer.member_level) and rule.member_level in ("", buyer.member_level)


def threshold_discount(
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
    return cents(min(off * times, spent)), threshold, off, times


def allocate(amount: Decimal, weights: dict[int, Decimal]) -> dict[int, Decimal]:
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


def make_discount(
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
        platform = min(amount, cents(amount * rule.platform_share_percent / HUNDRED))
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


def merged(discounts: list[Discount]) -> list[Discount]:
    """One record per promotion on a shop order, summing its lines."""
    by_promotion: dict[int | None, Discount] = {}
    for discount in discounts:
        seen = by_promotion.get(discount.promotion_id)
        by_promotion[discount.promotion_id] = (
            discount
            if seen is None
            else replace(
                seen,
                amount=seen.amount + discount.amount,
                shop_funded=seen.shop_funded + discount.shop_funded,
                platform_funded=seen.platform_funded + discount.platform_funded,
            )
        )
    return list(by_promotion.values())


def covers(rule: Rule, line: LineInput) -> bool:
    if rule.shop_id is not None and rule.shop_id != line.shop_id:
        return False
    if rule.scope == Scope.CATEGORIES:
        return not rule.category_ids.isdisjoint(line.category_ids)
    if rule.scope == Scope.PRODUCTS:
        return line.product_id in rule.product_ids
    return rule.scope == Scope.ALL


def sum_of(discounts: list[Discount], attribute: str = "amount") -> Decimal:
    return sum((getattr(discount, attribute) for discount in discounts), ZERO)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def coupon_amount(coupon: CouponRule, covered: Decimal) -> Decimal:
    """Amount off, or percent off capped at ``max_discount``; never more than the covered items."""
    if coupon.kind == CouponKind.PERCENT_OFF and coupon.percent is not None:
        amount = cents(covered * coupon.percent / HUNDRED)
        if coupon.max_discount is not None:
            amount = min(amount, coupon.max_discount)
    else:
        amount = coupon.amount or ZERO
    return cents(max(ZERO, min(amount, covered)))
