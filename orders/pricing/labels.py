"""The sentence the buyer reads for each discount, in the active language."""

from decimal import Decimal

from django.utils.translation import gettext as _

from marketplace.core.money import format_money

from ..models import CouponKind, PromotionKind
from .rules import ZERO, Rule, threshold_discount
from .values import CouponRule


def percent_text(value: Decimal | None) -> str:
    text = f"{value or ZERO:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def label(rule: Rule, *, spent: Decimal = ZERO, currency: str) -> str:
    """The sentence the buyer reads for a discount (``spent``: what a 滿減 was measured on)."""
    if isinstance(rule, CouponRule):
        if rule.kind == CouponKind.PERCENT_OFF and rule.max_discount is not None:
            return _("Coupon %(name)s: %(percent)s%% off, at most %(max)s") % {
                "name": rule.name,
                "percent": percent_text(rule.percent),
                "max": format_money(rule.max_discount, currency),
            }
        if rule.kind == CouponKind.PERCENT_OFF:
            return _("Coupon %(name)s: %(percent)s%% off") % {
                "name": rule.name,
                "percent": percent_text(rule.percent),
            }
        return _("Coupon %(name)s: %(amount)s off") % {
            "name": rule.name,
            "amount": format_money(rule.amount or ZERO, currency),
        }
    values: dict[str, object] = {"name": rule.name, "percent": percent_text(rule.percent)}
    if rule.kind == PromotionKind.SPEND_THRESHOLD:
        _amount, threshold, off, times = threshold_discount(rule, spent)
        values.update(
            threshold=format_money(threshold, currency),
            discount=format_money(off, currency),
            times=times,
        )
        if times > 1:
            return (
                _("%(name)s: %(discount)s off for every %(threshold)s spent (x%(times)s)") % values
            )
        return _("%(name)s: spend %(threshold)s, get %(discount)s off") % values
    if rule.kind == PromotionKind.FREE_SHIPPING:
        if rule.threshold is not None:
            values["threshold"] = format_money(rule.threshold, currency)
            return _("%(name)s: free delivery on %(threshold)s or more") % values
        return _("%(name)s: free delivery") % values
    if rule.kind == PromotionKind.BUY_N_GET_M:
        values.update(buy=rule.buy_quantity, free=rule.free_quantity)
        return _("%(name)s: buy %(buy)s, get %(free)s free") % values
    if rule.kind == PromotionKind.MEMBER_PRICE:
        values["level"] = rule.member_level or _("members")
        if rule.percent is None:
            values["amount"] = format_money(rule.amount or ZERO, currency)
            return _("%(name)s: member price for %(level)s, %(amount)s off each") % values
        return _("%(name)s: member price for %(level)s, %(percent)s%% off") % values
    if rule.kind == PromotionKind.AMOUNT_OFF:
        values["amount"] = format_money(rule.amount or ZERO, currency)
        return _("%(name)s: %(amount)s off each item") % values
    return _("%(name)s: %(percent)s%% off") % values
