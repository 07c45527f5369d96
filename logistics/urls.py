"""Logistics URLs (namespace ``logistics``), full paths mounted at the site's root: the seller's
delivery pages under /seller/shipping/ (next to orders' flat rate at /seller/shipping/)."""

from django.urls import path

from .views import seller_templates

app_name = "logistics"

urlpatterns = [
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
