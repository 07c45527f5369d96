from decimal import Decimal

from django import template

from ..money import Money, format_money

register = template.Library()


@register.filter
def money(value: Money | Decimal | int | str | None, currency: str = "") -> str:
    """{{ product.price_min|money:product.currency }} -> "US$1,299.00"."""
    if value is None or value == "":
        return ""
    if isinstance(value, Money):
        return str(value)
    return format_money(value, currency)
