"""Demo catalogue: the category tree with attributes, brands, listing rules and synonyms, about
300 products across the demo shops, and - with ``seed_demo --products N`` - a large catalogue of N
extra products for benchmarks. Runs after the sellers seed (the demo shops must exist).

Options (from ``seed_demo``): ``products`` (int, the bulk catalogue size) and ``demo_per_leaf``
(int, at most this many small-demo products per shop and leaf). The setting
``CATALOG_DEMO_PER_LEAF`` gives the latter a default: test settings set it to 1, because drawing
and re-encoding 300 pictures takes about 40 seconds.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings

from .demo import bulk, products, taxonomy


def run(*, options: dict[str, Any], log: Callable[[str], None]) -> None:
    per_leaf = options.get("demo_per_leaf") or getattr(settings, "CATALOG_DEMO_PER_LEAF", None)
    taxonomy.run(log=log)
    products.run(log=log, per_leaf=per_leaf)
    if options.get("products"):
        bulk.run(count=options["products"], log=log)
