"""The sitemap: listed products, active categories and open shops.

One URL per page for every language: the language comes from the cookie, session or profile,
not from the address, so there are no per-language alternates to list (see catalog.seo).
"""

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from marketplace.sellers.models import Shop

from .models import Category, Product
from .selectors import listed_products, open_shops


class ProductSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8
    limit = 5000

    def items(self) -> QuerySet[Product]:
        return listed_products().prefetch_related(None).select_related(None).order_by("pk")

    def lastmod(self, item: Product) -> datetime:
        return item.updated_at


class CategorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self) -> QuerySet[Category]:
        return Category.objects.filter(is_active=True).order_by("depth", "position", "pk")


class ShopSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self) -> QuerySet[Shop]:
        return open_shops().order_by("pk")

    def location(self, item: Shop) -> str:
        return reverse("storefront:shop", args=[item.slug])


SITEMAPS = {"products": ProductSitemap, "categories": CategorySitemap, "shops": ShopSitemap}
