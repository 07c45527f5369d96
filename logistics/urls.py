"""Logistics URLs (namespace ``logistics``), full paths mounted at the site's root: the seller's
delivery pages under /seller/shipping/ and shipping pages under /seller/, the buyer's tracking page
under /orders/, carriers' callbacks under /logistics/webhooks/."""

from django.urls import path

from .views import analytics, seller_shipments, seller_templates, tracking, webhooks

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
    path(
        "seller/shipping/templates/",
        seller_templates.template_list,
        name="seller-shipping-templates",
    ),
    path(
        "seller/shipping/templates/new/",
        seller_templates.template_create,
        name="seller-shipping-template-create",
    ),
    path(
        "seller/shipping/templates/<int:pk>/",
        seller_templates.template_edit,
        name="seller-shipping-template",
    ),
    path(
        "seller/shipping/templates/<int:pk>/default/",
        seller_templates.template_default,
        name="seller-shipping-template-default",
    ),
    path(
        "seller/shipping/templates/<int:pk>/delete/",
        seller_templates.template_delete,
        name="seller-shipping-template-delete",
    ),
    path(
        "seller/shipping/products/",
        seller_templates.product_templates,
        name="seller-shipping-products",
    ),
    path(
        "seller/shipping/settings/",
        seller_templates.delivery_settings,
        name="seller-shipping-settings",
    ),
]
