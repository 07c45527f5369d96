"""Logistics URLs (namespace ``logistics``), full paths mounted at the site's root: the seller's
delivery pages under /seller/shipping/, the buyer's tracking and the carriers' callbacks under
/logistics/."""

from django.urls import path

from .views import analytics

app_name = "logistics"

urlpatterns = [
    path(
        "seller/shipping/performance/",
        analytics.seller_performance,
        name="seller-delivery-performance",
    ),
]
