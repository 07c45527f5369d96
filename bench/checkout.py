"""Checkout benchmark: add to cart + place order, in parallel processes on PostgreSQL.

Each order is what a shopper's checkout does through our services: put two SKUs from two shops
in the cart, price it with the promotions engine (a running 滿減 promotion and a claimed coupon
take part), and place the order group (two orders, stock taken, coupon use recorded) in one
transaction. The set-up (shops, SKUs, buyers with addresses) is not timed.

    createdb -h 127.0.0.1 -U postgres mp_checkout_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/mp_checkout_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/checkout.py --orders 2000 --processes 2

Prints orders per second and the latency percentiles of one checkout (add to cart + place).
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")


def setup_django() -> None:
    import django

    django.setup()


def prepare(*, buyers: int, tag: str) -> dict:
    """Two shops with a 滿減 promotion each, 20 SKUs with plenty of stock, buyers with addresses."""
    from datetime import timedelta

    from django.utils import timezone

    from catalog.models import Category, Product, ProductStatus, Variant
    from catalog.services.inventory import receive_stock
    from marketplace.accounts.models import Address, User
    from orders.models import (
        Coupon,
        CouponClaim,
        CouponKind,
        Promotion,
        PromotionKind,
        PromotionTier,
    )
    from tests.accounts.factories import UserFactory
    from tests.sellers.factories import MerchantApplicationFactory, MerchantFactory, ShopFactory

    for made in (UserFactory, MerchantApplicationFactory, MerchantFactory):
        made.reset_sequence(int(tag, 16))  # unique names and e-mails on a reused database

    now = timezone.now()
    category, _ = Category.objects.get_or_create(slug=f"bench-{tag}", defaults={"name": "Bench"})
    variants = []
    for s in range(2):
        shop = ShopFactory(name=f"Bench {tag} {s}")  # an approved merchant's open shop
        promotion = Promotion.objects.create(
            shop=shop,
            name="滿100減10",
            kind=PromotionKind.SPEND_THRESHOLD,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=7),
        )
        PromotionTier.objects.create(
            promotion=promotion, threshold=Decimal("100"), discount=Decimal("10")
        )
        for p in range(10):
            product = Product.objects.create(
                shop=shop,
                category=category,
                title=f"Bench product {s}-{p}",
                slug=f"bench-{tag}-{s}-{p}",
                status=ProductStatus.ACTIVE,
            )
            variant = Variant.objects.create(
                product=product, sku=f"B-{tag}-{s}-{p}", price=Decimal("60.00")
            )
            receive_stock(variant=variant, quantity=1_000_000, reference="bench")
            variants.append(variant.pk)
    coupon = Coupon.objects.create(
        shop=None,
        name="Bench platform coupon",
        code=f"BENCH{tag}".upper(),
        kind=CouponKind.AMOUNT_OFF,
        amount=Decimal("3.00"),
        per_user_limit=1_000_000,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=7),
        funded_by="platform",
    )
    users = User.objects.bulk_create(
        User(email=f"bench-{tag}-{i}@example.com") for i in range(buyers)
    )
    Address.objects.bulk_create(
        Address(
            user=user,
            recipient="Bench Buyer",
            phone="+886912345678",
            country="TW",
            city="Taipei",
            street="1 Bench Road",
            is_default=True,
        )
        for user in users
    )
    CouponClaim.objects.bulk_create(CouponClaim(coupon=coupon, user=user) for user in users)
    return {"variants": variants, "buyers": [u.pk for u in users]}


def worker(args: tuple[list[int], list[int], int, int]) -> list[float]:
    buyer_ids, variant_ids, count, offset = args
    setup_django()
    from django.db import connection

    from catalog.models import Variant
    from marketplace.accounts.models import Address, User
    from orders.models import Cart
    from orders.services.cart import active_pairs, add_to_cart, remove_variants
    from orders.services.checkout import place_order

    variants = {
        v.pk: v for v in Variant.objects.select_related("product").filter(pk__in=variant_ids)
    }
    half = len(variant_ids) // 2
    timings = []
    for i in range(count):
        n = offset + i
        buyer = User.objects.get(pk=buyer_ids[n % len(buyer_ids)])
        address = Address.objects.filter(user=buyer).first()
        started = time.perf_counter()
        cart, _ = Cart.objects.get_or_create(user=buyer)
        add_to_cart(cart=cart, variant=variants[variant_ids[n % half]], quantity=1)
        add_to_cart(cart=cart, variant=variants[variant_ids[half + n % half]], quantity=1)
        pairs = active_pairs(cart)
        place_order(buyer=buyer, pairs=pairs, address=address, idempotency_key=uuid.uuid4())
        remove_variants(cart=cart, variant_ids=[v for v, _q in pairs])
        timings.append(time.perf_counter() - started)
    connection.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--buyers", type=int, default=500)
    options = parser.parse_args()

    setup_django()
    from django.db import connection

    tag = uuid.uuid4().hex[:6]
    data = prepare(buyers=options.buyers, tag=tag)
    connection.close()
    per_process = options.orders // options.processes
    # Each process has its own buyers (a shopper checks out one cart at a time).
    jobs = [
        (data["buyers"][p :: options.processes], data["variants"], per_process, p * per_process)
        for p in range(options.processes)
    ]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(options.processes) as pool:
        results = pool.map(worker, jobs)
    elapsed = time.perf_counter() - started
    timings = sorted(t for result in results for t in result)
    done = len(timings)
    quantiles = statistics.quantiles(timings, n=100)
    print(f"checkouts: {done} in {elapsed:.1f} s with {options.processes} processes")
    print(
        f"throughput: {done / elapsed:.0f} checkouts/s = {2 * done / elapsed:.0f} orders/s "
        "(each checkout: one order group of 2 orders from 2 shops, 滿減 + coupon)"
    )
    print(
        f"latency ms: p50 {quantiles[49] * 1000:.1f}  p95 {quantiles[94] * 1000:.1f}  "
        f"max {timings[-1] * 1000:.1f}"
    )


if __name__ == "__main__":
    main()
