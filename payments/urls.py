"""Payments URLs (namespace ``payments``): full paths, mounted at the site's root. The seller's
finance pages sit under /seller/finance/ with the rest of the seller dashboard."""

from django.urls import path

from .views import seller_finance

app_name = "payments"

urlpatterns = [
    path("seller/finance/", seller_finance.finance, name="seller-balance"),
    path("seller/finance/statement.csv", seller_finance.statement, name="seller-statement"),
    path(
        "seller/finance/orders/<str:number>/",
        seller_finance.settlement,
        name="seller-settlement",
    ),
]
