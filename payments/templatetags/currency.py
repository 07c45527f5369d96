"""Display currencies in templates: ``{% approx %}`` after a base-currency price, and the
header's ``{% currency_chooser %}``.

    {{ product.price_min|money:product.currency }} {% approx product.price_min product.currency %}
    -> US$12.00 ≈ NT$378

Today's rate comes from the ``display_currency`` context processor; an order passes the rate it
recorded (``rate=group.display_rate to=group.display_currency``). Nothing is shown when the
shopper's display currency is the price's own or no rate is known. A label only: never a charge.
"""

from decimal import Decimal
from typing import Any

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from marketplace.core.money import SYMBOLS, Money

from ..errors import CurrencyError
from ..services.currencies import CURRENCY_NAMES, convert_for_display

register = template.Library()


@register.simple_tag(takes_context=True)
def approx(
    context: template.Context,
    amount: Money | Decimal | int | str | None,
    currency: str = "",
    *,
    upto: Decimal | int | str | None = None,
    rate: Decimal | None = None,
    to: str = "",
) -> SafeString | str:
    """≈ the amount (or the range ``amount`` to ``upto``) in the display currency, or nothing."""
    if amount is None or amount == "":
        return ""
    price = amount if isinstance(amount, Money) else Money(Decimal(amount), currency)
    if to:
        if rate is None:
            return ""
        title = _("At the exchange rate shown when you ordered; you were charged in %(base)s.")
    else:
        shown = context.get("display_currency")
        if shown is None or not shown.can_convert:
            return ""
        to = shown.code
        title = _("Approximate, at today's exchange rate; you pay in %(base)s.")
    if to == price.currency:
        return ""
    try:
        low = convert_for_display(amount=price, to=to, rate=rate)
        high = (
            convert_for_display(amount=Money(Decimal(upto), price.currency), to=to, rate=rate)
            if upto not in (None, "") and Decimal(upto) != price.amount
            else None
        )
    except CurrencyError:
        return ""
    text = f"{low} \N{EN DASH} {high}" if high is not None else str(low)
    return format_html(
        '<span class="money-approx" title="{}">≈ {}</span>',
        title % {"base": price.currency},
        text,
    )


@register.inclusion_tag("payments/_currency_chooser.html", takes_context=True)
def currency_chooser(context: template.Context) -> dict[str, Any]:
    """The header menu that switches the display currency, for guests and users alike."""
    request = context.get("request")
    shown = context.get("display_currency")
    current = shown.code if shown is not None else settings.DEFAULT_CURRENCY
    return {
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "/",
        "base": settings.DEFAULT_CURRENCY,
        "current": current,
        "current_symbol": SYMBOLS.get(current, current),
        "choices": [
            (code, SYMBOLS.get(code, code), CURRENCY_NAMES.get(code, code))
            for code in settings.CURRENCIES
        ],
    }
