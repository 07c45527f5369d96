"""Print the benchmark's pages as ``name=path`` lines, taken from the benchmark database: the
home page, the first top-level category, its first leaf, the best-selling product, and searches
in Traditional and Simplified Chinese and in English.

``--spread N`` gives each page kind many addresses instead (``name=path|path|...``, which
bench/load.py cycles through): every top-level and leaf category with pages 1-3 and every sort,
N products drawn at random, and about fifteen everyday searches per script. Caches then help
only as much as they would with many shoppers looking at different things.
"""

import argparse
import os
import random
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


SEARCHES = {
    "search-zh-hant": (
        "手機 手機殼 藍牙耳機 筆電 鍵盤 烏龍茶 紅茶 鳳梨酥 襯衫 外套 炒鍋 唇釉 精華 馬克杯 筆記本"
    ),
    "search-zh-hans": (
        "手机壳 蓝牙耳机 键盘 乌龙茶 红茶 凤梨酥 衬衫 羽绒外套 炒锅 唇釉 精华液 笔记本 礼盒 运动鞋"
    ),
    "search-en": (
        "oolong tea|black tea|sneakers|phone case|keyboard|earphones|notebook|serum|lipstick|mug"
        "|cookware|bedding|linen shirt|gift box|green tea"
    ),
}
SORTS = ("", "sales", "price_asc", "price_desc", "newest", "rating")


def spread(count: int) -> dict[str, list[str]]:
    """Many addresses per page kind (a fixed seed, so runs compare)."""
    rng = random.Random(7)

    def listing(slug: str) -> str:
        query = [f"page={page}" for page in [rng.choice((1, 1, 1, 2, 3))] if page > 1]
        query += [f"sort={sort}" for sort in [rng.choice(SORTS)] if sort]
        path = url("catalog:category", "/c/{slug}/", slug=slug)
        return path + ("?" + "&".join(query) if query else "")

    tops = list(Category.objects.filter(depth=1, is_active=True).values_list("slug", flat=True))
    leaves = list(Category.objects.filter(depth=3, is_active=True).values_list("slug", flat=True))
    products = list(
        Product.objects.filter(status=ProductStatus.ACTIVE)
        .order_by("?")
        .values_list("slug", flat=True)[:count]
    )
    pages = {
        "home": ["/"],
        "category": [listing(slug) for slug in tops for _ in range(3)],
        "leaf-category": [listing(slug) for slug in leaves for _ in range(3)],
        "product": [url("catalog:product", "/p/{slug}/", slug=slug) for slug in products],
    }
    for name, words in SEARCHES.items():
        separator = "|" if "|" in words else " "
        pages[name] = [search(word) for word in words.split(separator)]
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spread", type=int, default=0, help="N products (and every category)")
    options = parser.parse_args()
    if options.spread:
        for name, paths in spread(options.spread).items():
            print(f"{name}={'|'.join(paths)}")
        return
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
