"""Payment URLs (namespace ``payments``), mounted at /payments/."""

from django.urls import path

from .views import paying, sandbox, stripe, webhooks

app_name = "payments"

urlpatterns = [
    path("pay/<str:number>/", paying.pay, name="pay"),
    path("p/<str:number>/", paying.result, name="result"),
    path("p/<str:number>/return/", paying.payment_return, name="return"),
    path("p/<str:number>/stripe/", stripe.pay, name="stripe-pay"),
    path("wallet/", paying.wallet, name="wallet"),
    path("sandbox/<str:reference>/", sandbox.hosted_page, name="sandbox"),
    path("sandbox/<str:reference>/challenge/", sandbox.challenge, name="sandbox-challenge"),
    path("webhooks/<str:provider>/", webhooks.receive, name="webhook"),
]
