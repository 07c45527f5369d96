"""Logistics URLs (namespace ``logistics``), full paths mounted at the site's root: the seller's
delivery pages under /seller/shipping/ and shipping pages under /seller/, the buyer's tracking page
under /orders/, carriers' callbacks under /logistics/webhooks/."""

from django.urls import path

from .views import analytics, seller_shipments, tracking, webhooks

app_name = "logistics"

urlpatterns = [
    path(
        "seller/shipping/performance/",
        analytics.seller_performance,
        name="seller-delivery-performance",
    ),
    path("seller/orders/<str:number>/shipments/", seller_shipments.ship, name="ship"),
    path("seller/shipments/<int:pk>/label.pdf", seller_shipments.label, name="label"),
    path("seller/shipments/<int:pk>/book/", seller_shipments.book, name="book"),
    path("seller/shipments/<int:pk>/discard/", seller_shipments.discard, name="discard"),
    path("orders/<str:number>/tracking/", tracking.order_tracking, name="tracking"),
    path("logistics/webhooks/<str:carrier>/", webhooks.receive, name="webhook"),
]
