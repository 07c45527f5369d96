"""Print the benchmark's pages as ``name=path`` lines, taken from the benchmark database: the
home page, the first top-level category, its first leaf, the best-selling product, and searches
in Traditional and Simplified Chinese and in English."""

import os
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

import django

django.setup()

from django.urls import NoReverseMatch, reverse  # noqa: E402

from catalog.models import Category, Product, ProductStatus  # noqa: E402


def url(name: str, fallback: str, **kwargs: str) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return fallback.format(**kwargs)


def search(query: str) -> str:
    return url("catalog:search", "/search/") + "?q=" + quote(query)


def main() -> None:
    top = Category.objects.filter(depth=1, is_active=True).order_by("position", "pk").first()
    leaf = Category.objects.filter(depth=3, parent__parent=top).order_by("position", "pk").first()
    product = (
        Product.objects.filter(status=ProductStatus.ACTIVE, stock_total__gt=0)
        .order_by("-sales_count", "pk")
        .first()
    )
    if top is None or leaf is None or product is None:
        sys.exit("The benchmark database has no catalogue: run seed_demo --products N first.")
    pages = {
        "home": "/",
        "category": url("catalog:category", "/c/{slug}/", slug=top.slug),
        "leaf-category": url("catalog:category", "/c/{slug}/", slug=leaf.slug),
        "product": url("catalog:product", "/p/{slug}/", slug=product.slug),
        "search-zh-hant": search("手機"),
        "search-zh-hans": search("蓝牙耳机"),
        "search-en": search("oolong tea"),
    }
    for name, path in pages.items():
        print(f"{name}={path}")


if __name__ == "__main__":
    main()
