"""The shopper's coupons at /coupons/: the wallet, and claiming a public coupon (領券)."""

from django.urls import path

from ..views import coupons

urlpatterns = [
    path("", coupons.my_coupons, name="my-coupons"),
    path("<int:pk>/claim/", coupons.claim, name="coupon-claim"),
]
