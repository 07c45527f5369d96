"""Delivery options and prices per shop at checkout.

``settings.ORDERS_SHIPPING_QUOTE`` names the function checkout calls (logistics replaces this
one with zones and weight rates). It returns the options a shop offers for these lines to this
address, cheapest first; the first is the default; none means the shop does not deliver there.
When the function has a ``for_shops`` attribute (``(requests, address) -> one list per (shop,
lines) request``), a cart's shops are quoted in one call, so its queries do not grow with them.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from marketplace.sellers.models import Shop

from .models import ShippingRate


@dataclass(frozen=True)
class DeliveryOption:
    code: str
    label: str
    price: Decimal
    estimate: str = ""
    note: str = ""  # worth knowing about this option (e.g. its CO2 estimate)
    duties: Decimal | None = None  # estimated import duties and taxes, not part of the price


QuoteFunction = Callable[..., list[DeliveryOption]]


def flat_rate_options(
    *, shop: Shop, lines: Sequence[Any] = (), address: Any = None
) -> list[DeliveryOption]:
    """The shop's flat rate (and express rate if it has one), whatever the weight or address."""
    try:
        rate: ShippingRate | None = shop.shipping_rate  # loaded with the shop by the cart's quote
    except ShippingRate.DoesNotExist:
        rate = None
    flat = rate.flat_rate if rate else Decimal(settings.ORDERS_DEFAULT_SHIPPING_RATE)
    options = [DeliveryOption("standard", _("Standard delivery"), flat, _("3-5 days"))]
    if rate and rate.express_rate is not None:
        options.append(
            DeliveryOption("express", _("Express delivery"), rate.express_rate, _("1-2 days"))
        )
    return options


def delivery_options(
    *, shop: Shop, lines: Sequence[Any] = (), address: Any = None
) -> list[DeliveryOption]:
    quote: QuoteFunction = import_string(settings.ORDERS_SHIPPING_QUOTE)
    return quote(shop=shop, lines=lines, address=address)


def delivery_options_for_shops(
    *, requests: Sequence[tuple[Shop, Sequence[Any]]], address: Any = None
) -> list[list[DeliveryOption]]:
    """Each (shop, lines) request's options, in order: in one call when the quote can."""
    quote: QuoteFunction = import_string(settings.ORDERS_SHIPPING_QUOTE)
    for_shops = getattr(quote, "for_shops", None)
    if for_shops is not None:
        return for_shops(requests=requests, address=address)
    return [quote(shop=shop, lines=lines, address=address) for shop, lines in requests]
