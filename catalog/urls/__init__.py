"""Catalogue URLs (namespace ``catalog``): storefront pages at the site root, search helpers, and
the seller's product pages under /seller/products/."""

from django.urls import include, path

from . import search, seller, storefront

app_name = "catalog"

urlpatterns = [
    *storefront.urlpatterns,
    *search.urlpatterns,
    path("seller/products/", include(seller.urlpatterns)),
]
