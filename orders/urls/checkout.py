"""Checkout URLs, mounted at /checkout/."""

from django.urls import path

from ..views import checkout

urlpatterns = [
    path("", checkout.checkout, name="checkout"),
    path("done/<str:number>/", checkout.checkout_done, name="checkout-done"),
]
