"""Cart URLs under /cart/: the page, adding from the product page, and changing one line."""

from django.urls import path

from ..views import cart

urlpatterns = [
    path("", cart.cart, name="cart"),
    path("add/", cart.add, name="cart-add"),
    path("lines/<int:line_id>/", cart.line, name="cart-line"),
]
