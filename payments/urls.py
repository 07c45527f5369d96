"""Payments URLs (namespace ``payments``), mounted at /payments/."""

from django.urls import path

from .views import currency

app_name = "payments"

urlpatterns = [
    path("currency/", currency.set_currency, name="set-currency"),
]
