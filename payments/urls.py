"""Payments URLs (namespace ``payments``), full paths mounted at the site's root: the buyer's
pages and the providers' callbacks under /payments/, the seller's finance pages under
/seller/finance/ with the rest of the seller dashboard."""

from django.urls import path

from .views import currency, paying, sandbox, seller_finance, stripe, webhooks

app_name = "payments"

urlpatterns = [
    path("payments/", paying.history, name="history"),
    path("payments/pay/<str:number>/", paying.pay, name="pay"),
    path("payments/p/<str:number>/", paying.result, name="result"),
    path("payments/p/<str:number>/return/", paying.payment_return, name="return"),
    path("payments/p/<str:number>/stripe/", stripe.pay, name="stripe-pay"),
    path("payments/wallet/", paying.wallet, name="wallet"),
    path("payments/currency/", currency.set_currency, name="set-currency"),
    path("payments/sandbox/<str:reference>/", sandbox.hosted_page, name="sandbox"),
    path(
        "payments/sandbox/<str:reference>/challenge/", sandbox.challenge, name="sandbox-challenge"
    ),
    path("payments/webhooks/<str:provider>/", webhooks.receive, name="webhook"),
    path("seller/finance/", seller_finance.finance, name="seller-balance"),
    path("seller/finance/statement.csv", seller_finance.statement, name="seller-statement"),
    path(
        "seller/finance/orders/<str:number>/",
        seller_finance.settlement,
        name="seller-settlement",
    ),
]
