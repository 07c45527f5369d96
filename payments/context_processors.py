"""``display_currency`` for every page: the currency approximate prices are shown in (the
``{% approx %}`` tag and the header's chooser read it). Lazy: a page that shows no price and no
chooser pays nothing, and a shopper in the base currency costs no cache read or query."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .services.currencies import display_currency_for


def display_currency(request: HttpRequest) -> dict[str, object]:
    return {"display_currency": SimpleLazyObject(lambda: display_currency_for(request))}
