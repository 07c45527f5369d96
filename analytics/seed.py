"""Demo discovery data: browsing sessions of made-up anonymous visitors over the demo catalogue,
so that "customers also viewed" has something to show before any real traffic, a browsing
history for the demo shopper (recently viewed, guess you like), then one run of the nightly
association job, which also turns the demo shopper's paid orders (placed by the orders seed,
which runs before this one) into "customers also bought". Only views are made up.

Idempotent: the views are written once (the visitors are known by their ``demo-visitor-``
session keys, the shopper by having views at all); the association job replaces its rows.
"""

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from catalog.models import Product, ProductStatus
from catalog.selectors import open_shop_q
from marketplace.accounts.models import User

from .models import ProductView
from .services.discovery import compute_product_associations

DEMO_VISITOR_PREFIX = "demo-visitor-"
DEMO_VISITORS = 120
DEMO_SHOPPER_EMAIL = "shopper@example.com"
SAMPLED_PRODUCTS = 2000


def _browsing(
    rng: random.Random, by_category: dict[int, list[int]], categories: list[int]
) -> list[int]:
    """One visit: a few products of one or two categories, now and then a stray one."""
    chosen: list[int] = []
    for category in rng.sample(categories, k=min(len(categories), rng.choice((1, 1, 2)))):
        pool = by_category[category]
        chosen += rng.sample(pool, k=min(len(pool), rng.randint(2, 5)))
    if rng.random() < 0.3:
        chosen.append(rng.choice(by_category[rng.choice(categories)]))
    return list(dict.fromkeys(chosen))


def _views(
    *, user: User | None, session_key: str, product_ids: list[int], start: datetime
) -> list[ProductView]:
    return [
        ProductView(
            user=user,
            session_key=session_key,
            product_id=pk,
            viewed_at=start + timedelta(minutes=3 * step),
        )
        for step, pk in enumerate(product_ids)
    ]


def run(*, options: dict[str, Any], log: Callable[[str], None]) -> None:
    listed = Product.objects.filter(open_shop_q(), status=ProductStatus.ACTIVE).order_by("pk")
    by_category: dict[int, list[int]] = defaultdict(list)
    # The small demo catalogue comes first; a bulk benchmark catalogue needs no browsing.
    for pk, category_id in listed.values_list("pk", "category_id")[:SAMPLED_PRODUCTS]:
        by_category[category_id].append(pk)
    if not by_category:
        log("analytics: no listed products, no demo views")
        return
    categories = sorted(by_category)
    rng = random.Random(20261125)
    now = timezone.now()
    views: list[ProductView] = []
    if not ProductView.objects.filter(session_key__startswith=DEMO_VISITOR_PREFIX).exists():
        for number in range(DEMO_VISITORS):
            start = now - timedelta(days=rng.uniform(1, 60))
            views += _views(
                user=None,
                session_key=f"{DEMO_VISITOR_PREFIX}{number:03d}",
                product_ids=_browsing(rng, by_category, categories),
                start=start,
            )
    shopper = User.objects.filter(email=DEMO_SHOPPER_EMAIL).first()
    if shopper is not None and not ProductView.objects.filter(user=shopper).exists():
        views += _views(
            user=shopper,
            session_key="",
            product_ids=_browsing(rng, by_category, categories)[:6],
            start=now - timedelta(hours=2),
        )
    ProductView.objects.bulk_create(views, batch_size=1000)
    written = compute_product_associations(now=now)
    log(f"analytics: {len(views)} demo views added, {written} association rows computed")
