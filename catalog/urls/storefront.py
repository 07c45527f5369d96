"""Shoppers' catalogue pages at the site root: listings, search, product pages, and what
crawlers read (robots.txt, and a sitemap index over one sitemap per section)."""

from django.contrib.sitemaps import views as sitemaps
from django.urls import path

from ..sitemaps import SITEMAPS
from ..views import storefront

urlpatterns = [
    path("c/<slug:slug>/", storefront.category, name="category"),
    path("search/", storefront.search, name="search"),
    path("p/<slug:slug>/", storefront.product, name="product"),
    path("s/<slug:slug>/products/", storefront.shop_products, name="shop-products"),
    path("robots.txt", storefront.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "catalog:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
