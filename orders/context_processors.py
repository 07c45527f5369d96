"""``cart_count`` for the header's cart badge (templates/base.html): one query when a page
renders it, none for a guest without a cart."""

from django.http import HttpRequest

from .selectors_cart import cart_count_for_request


def cart(request: HttpRequest) -> dict[str, object]:
    return {"cart_count": lambda: cart_count_for_request(request)}
