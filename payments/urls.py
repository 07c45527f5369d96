"""Payment URLs (namespace ``payments``), mounted at /payments/."""

from django.urls import path

from .views import stripe

app_name = "payments"

urlpatterns = [
    path("<str:number>/stripe/", stripe.pay, name="stripe-pay"),
]
