"""The demo shopper's orders in every state - waiting for payment, paid, shipped, delivered,
completed, cancelled by the buyer and by the payment timeout - each with a part at the demo
merchant's shop (Demo Outfitters) so its seller dashboard shows every state too; then claimed
coupons in the coupon wallet and a cart with lines from two shops.

Orders are placed with ``place_order`` and moved on with the life-cycle services, as the buyer,
the shop's owner or the payment provider would, inside the seed's transaction
(``durable=False``). Idempotent: each demo order has a series of fixed idempotency keys, and a
new order is placed only when no order of its series is in the wanted state - the first run
places one of each; later runs place nothing unless time moved one on (an unpaid order expired,
a delivered one completed). Claiming twice changes nothing, and only an empty cart is filled.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.models import Variant
from marketplace.accounts.models import User

from ..errors import OrdersError
from ..models import Cart, CartLine, Coupon, Order, OrderGroup, OrderStatus
from ..services.cart import add_to_cart
from ..services.checkout import place_order
from ..services.coupons import claim_coupon
from ..services.lifecycle import (
    cancel_order,
    confirm_receipt,
    mark_delivered,
    mark_paid,
    ship_order,
)
from .offers import CLAIMED_BY_SHOPPER, OUTFITVIP
from .shops import (
    BEAUTY,
    ELECTRONICS,
    HANDMADE,
    OUTFITTERS,
    SHOPPER,
    DemoShop,
    demo_shops,
    pick,
    stocked_variants,
)

KEYS = uuid.uuid5(uuid.NAMESPACE_URL, "https://marketplace.example/demo/orders")
MAX_ROUNDS = 100  # keys per demo order: how often time may move one on before the demo stops
SKUS_PER_SHOP = 3
CARRIER = "Demo Express"

Line = tuple[str, int, int]  # shop owner, which of the shop's demo SKUs, quantity


@dataclass(frozen=True)
class DemoOrder:
    name: str  # its idempotency keys derive from it
    lines: tuple[Line, ...]
    status: str  # where every order of the group ends up
    cancelled_by: str = ""  # "buyer" or "timeout" for a cancelled one
    coupon_codes: tuple[str, ...] = ()
    express: bool = False
    note: str = ""


ORDERS = [
    DemoOrder(
        "waiting-for-payment",
        ((OUTFITTERS, 0, 1), (HANDMADE, 0, 1)),
        OrderStatus.PENDING_PAYMENT,
        note="Please wrap it as a gift.",
    ),
    # A flash-sale unit, express delivery, and the platform's 跨店滿減 across two shops.
    DemoOrder("paid", ((OUTFITTERS, 1, 1), (BEAUTY, 0, 1)), OrderStatus.PAID, express=True),
    DemoOrder("shipped", ((OUTFITTERS, 2, 2),), OrderStatus.SHIPPED),
    DemoOrder("delivered", ((OUTFITTERS, 0, 3),), OrderStatus.DELIVERED),  # buy 2, get 1
    DemoOrder(
        "completed",
        ((OUTFITTERS, 2, 2), (ELECTRONICS, 0, 1)),
        OrderStatus.COMPLETED,
        coupon_codes=(OUTFITVIP,),
    ),
    DemoOrder(
        "cancelled-by-buyer", ((OUTFITTERS, 0, 1),), OrderStatus.CANCELLED, cancelled_by="buyer"
    ),
    DemoOrder(
        "cancelled-by-timeout",
        ((OUTFITTERS, 2, 1), (HANDMADE, 1, 1)),
        OrderStatus.CANCELLED,
        cancelled_by="timeout",
    ),
]

CART: tuple[Line, ...] = ((OUTFITTERS, 0, 3), (OUTFITTERS, 1, 1), (HANDMADE, 2, 1))


def run(*, log: Callable[[str], None]) -> None:
    shopper = User.objects.filter(email=SHOPPER).first()
    shops = demo_shops()
    if shopper is None or OUTFITTERS not in shops:
        log("orders: no demo shopper or merchant yet, no demo orders")
        return
    skus = {
        owner: stocked_variants(demo.shop, count=SKUS_PER_SHOP) for owner, demo in shops.items()
    }
    placed = sum(
        _ensure_order(spec, shopper=shopper, shops=shops, skus=skus, log=log) for spec in ORDERS
    )
    claimed = _claim_coupons(shopper=shopper, log=log)
    filled = _fill_cart(shopper=shopper, skus=skus, log=log)
    log(
        f"orders: {placed} demo orders placed, {claimed} coupons in the wallet, "
        f"{filled} cart lines added for {SHOPPER}"
    )


# --- Orders ------------------------------------------------------------------------------------


def order_keys(name: str) -> list[uuid.UUID]:
    """The idempotency keys of a demo order, in the order they are used."""
    return [uuid.uuid5(KEYS, f"{name}-{round_}") for round_ in range(MAX_ROUNDS)]


def _ensure_order(
    spec: DemoOrder,
    *,
    shopper: User,
    shops: dict[str, DemoShop],
    skus: dict[str, list[Variant]],
    log: Callable[[str], None],
) -> int:
    """1 if a group of this demo order was placed now, 0 if one is already in its state."""
    keys = order_keys(spec.name)
    groups = OrderGroup.objects.filter(buyer=shopper, idempotency_key__in=keys)
    statuses: dict[uuid.UUID, set[str]] = {}
    for key, status in groups.values_list("idempotency_key", "orders__status"):
        statuses.setdefault(key, set()).add(status)
    if {spec.status} in statuses.values():
        return 0
    key = next((key for key in keys if key not in statuses), None)
    pairs = _pairs(spec.lines, skus=skus)
    address = shopper.addresses.order_by("-is_default", "pk").first()
    if key is None or not pairs or address is None:
        return 0
    now = timezone.now()
    if spec.cancelled_by == "timeout":  # placed long enough ago to be past its deadline
        now -= timedelta(minutes=_longest_payment_timeout() + 5)
    try:
        with transaction.atomic():  # a refusal half-way leaves nothing of this order
            group = place_order(
                buyer=shopper,
                pairs=pairs,
                address=address,
                delivery=_delivery(spec, shops=shops),
                notes={shops[OUTFITTERS].shop.pk: spec.note} if spec.note else None,
                coupon_codes=spec.coupon_codes,
                idempotency_key=key,
                now=now,
                durable=False,
            )
            _move_on(group, spec=spec, shopper=shopper, shops=shops)
    except OrdersError as error:
        log(f"orders: demo order {spec.name} not placed: {error.message}")
        return 0
    return 1


def _pairs(lines: tuple[Line, ...], *, skus: dict[str, list[Variant]]) -> list[tuple[int, int]]:
    quantities: dict[int, int] = {}
    for owner, index, quantity in lines:
        variant = pick(skus.get(owner, []), index)
        if variant is not None:
            quantities[variant.pk] = quantities.get(variant.pk, 0) + quantity
    return list(quantities.items())


def _delivery(spec: DemoOrder, *, shops: dict[str, DemoShop]) -> dict[int, str] | None:
    if not spec.express:
        return None
    return {demo.shop.pk: "express" for demo in shops.values()}


def _longest_payment_timeout() -> int:
    return max(
        settings.ORDERS_PAYMENT_TIMEOUT_MINUTES, settings.ORDERS_FLASH_PAYMENT_TIMEOUT_MINUTES
    )


def _orders(group: OrderGroup) -> list[Order]:
    return list(Order.objects.filter(group=group).order_by("pk"))


def _move_on(
    group: OrderGroup, *, spec: DemoOrder, shopper: User, shops: dict[str, DemoShop]
) -> None:
    """Every order of the group moves to the demo order's state, as the people involved would
    move it."""
    if spec.status == OrderStatus.PENDING_PAYMENT:
        return
    if spec.cancelled_by == "buyer":
        for order in _orders(group):
            cancel_order(
                order=order,
                by=shopper,
                reason="Ordered the wrong size.",
                initiator="buyer",
                durable=False,
            )
        return
    if spec.cancelled_by == "timeout":
        for order in _orders(group):
            cancel_order(order=order, by=None, reason="", initiator="timeout", durable=False)
        return
    mark_paid(group=group, reference="demo payment", durable=False)
    if spec.status == OrderStatus.PAID:
        return
    owners = {demo.shop.pk: demo.owner for demo in shops.values()}
    for order in _orders(group):
        ship_order(
            order=order,
            by=owners[order.shop_id],
            carrier=CARRIER,
            tracking_number=f"DX{order.number.replace('-', '')}",
        )
    if spec.status == OrderStatus.SHIPPED:
        return
    for order in _orders(group):
        mark_delivered(order=order, by=owners[order.shop_id])
    if spec.status == OrderStatus.DELIVERED:
        return
    for order in _orders(group):
        confirm_receipt(order=order, by=shopper)


# --- Coupon wallet and cart --------------------------------------------------------------------


def _claim_coupons(*, shopper: User, log: Callable[[str], None]) -> int:
    claimed = 0
    for coupon in Coupon.objects.filter(code__in=CLAIMED_BY_SHOPPER).select_related("shop"):
        try:
            claim_coupon(coupon=coupon, user=shopper)
        except OrdersError as error:
            log(f"orders: coupon {coupon.code} not claimed: {error.message}")
            continue
        claimed += 1
    return claimed


def _fill_cart(*, shopper: User, skus: dict[str, list[Variant]], log: Callable[[str], None]) -> int:
    cart, _created = Cart.objects.get_or_create(user=shopper)
    if CartLine.objects.filter(cart=cart).exists():
        return 0
    added = 0
    for variant_id, quantity in _pairs(CART, skus=skus):
        variant = Variant.objects.select_related("product").get(pk=variant_id)
        try:
            add_to_cart(cart=cart, variant=variant, quantity=quantity)
        except OrdersError as error:
            log(f"orders: {variant.sku} not added to the cart: {error.message}")
            continue
        added += 1
    return added
