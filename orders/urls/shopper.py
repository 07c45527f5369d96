"""The shopper's orders, under /orders/."""

from django.urls import path

from ..views import shopper

urlpatterns = [
    path("", shopper.order_list, name="list"),
    path("<str:number>/", shopper.order_detail, name="detail"),
    path("<str:number>/cancel/", shopper.order_cancel, name="cancel"),
    path("<str:number>/confirm/", shopper.order_confirm, name="confirm"),
    path("<str:number>/buy-again/", shopper.order_buy_again, name="buy-again"),
]
