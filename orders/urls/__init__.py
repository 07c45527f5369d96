"""Order URLs (namespace ``orders``): cart and checkout, the shopper's orders, coupons, and the
seller's orders and promotions under /seller/."""

from django.urls import include, path

from . import cart, checkout, coupons, seller, shopper

app_name = "orders"

urlpatterns = [
    path("cart/", include(cart.urlpatterns)),
    path("checkout/", include(checkout.urlpatterns)),
    path("orders/", include(shopper.urlpatterns)),
    path("coupons/", include(coupons.urlpatterns)),
    path("seller/", include(seller.urlpatterns)),
]
