"""The display currency a buyer saw at checkout and its rate, recorded on the order group.

Exchange rates live in payments, above orders, so orders never imports them:
``settings.ORDERS_DISPLAY_RATE`` names the function checkout calls with the request (payments'
``display_rate_for_request``, one cache read at most). It answers ``(currency, rate)``: units of
``currency`` per base unit, ``None`` when no rate is known. ``base_currency_only`` is the answer
of a marketplace without display currencies. A label only: charges stay in the base currency.
"""

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

DisplayRateFunction = Callable[[HttpRequest], tuple[str, Decimal | None]]


def base_currency_only(request: HttpRequest) -> tuple[str, Decimal | None]:
    return settings.DEFAULT_CURRENCY, Decimal(1)


def display_rate(request: HttpRequest) -> tuple[str, Decimal | None]:
    answer: DisplayRateFunction = import_string(settings.ORDERS_DISPLAY_RATE)
    return answer(request)
