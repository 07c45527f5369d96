from django.urls import path

from .views import paying, sandbox, webhooks

app_name = "payments"

urlpatterns = [
    path("payments/pay/<str:number>/", paying.pay, name="pay"),
    path("payments/p/<str:number>/", paying.result, name="result"),
    path("payments/p/<str:number>/return/", paying.payment_return, name="return"),
    path("payments/wallet/", paying.wallet, name="wallet"),
    path("payments/sandbox/<str:reference>/", sandbox.hosted_page, name="sandbox"),
    path(
        "payments/sandbox/<str:reference>/challenge/", sandbox.challenge, name="sandbox-challenge"
    ),
    path("payments/webhooks/<str:provider>/", webhooks.receive, name="webhook"),
]
