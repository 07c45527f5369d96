"""Placing an order: one order group (paid once) and one order per shop, all or nothing.

``place_order`` prices the lines with the promotions engine (``quotes.quote_lines``, the same
call the cart and the review page make), then in one transaction writes the group, the orders,
their line snapshots and discount records, takes the stock, the flash-sale units and the
buyer's flash allowance, and records the coupon uses. Any refusal on the way (sold out, flash
sale gone, coupon used up) rolls everything back. The same idempotency key from the same buyer
gives back the first group, so a double-submitted form places one order.

It never trusts a posted price: the only inputs are SKUs, quantities and the buyer's choices.
"""

import secrets
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.errors import OutOfStock
from catalog.services.images import image_srcset
from catalog.services.inventory import Sale, take_stock_of_lines
from marketplace.accounts.models import Address
from marketplace.notifications import outbox

from ..errors import CheckoutError
from ..events import order_placed
from ..models import (
    Coupon,
    CouponUse,
    DiscountSource,
    FlashSale,
    FlashSaleAllocation,
    Order,
    OrderDiscount,
    OrderGroup,
    OrderLine,
)
from ..pricing import Discount
from .quotes import CartQuote, QuotedShop, quote_lines

NOTE_MAX_LENGTH = 300
GROUP_NOTICES_TASK = "orders.tasks.send_group_notices"
_NUMBER_ATTEMPTS = 5


def place_order(
    *,
    buyer: Any,
    pairs: Sequence[tuple[int, int]],
    address: Address,
    delivery: Mapping[int, str] | None = None,
    notes: Mapping[int, str] | None = None,
    coupon_codes: Sequence[str] = (),
    idempotency_key: uuid.UUID,
    expected_total: Decimal | None = None,
    display_currency: str = "",
    display_rate: Decimal | None = None,
    now: datetime | None = None,
    durable: bool = True,
) -> OrderGroup:
    """The buyer's order group is placed and waits for payment; stock and coupons are held.

    ``display_currency`` and ``display_rate`` record the approximate amounts the buyer saw
    (``orders.display_rates``); without them the group records its own currency at 1.
    ``durable=False`` only for callers already in a transaction of their own (the demo seed).
    """
    existing = _existing_group(buyer=buyer, key=idempotency_key)
    if existing is not None:
        return existing
    if address.user_id != buyer.pk:
        raise CheckoutError(_("Choose one of your own addresses."), code="address")
    if not pairs:
        raise CheckoutError(_("Your cart is empty."), code="empty")
    now = now or timezone.now()
    quote = quote_lines(
        pairs=pairs,
        user=buyer,
        now=now,
        coupon_codes=coupon_codes,
        delivery=delivery,
        address=address,
    )
    if quote.has_problems:
        raise CheckoutError(" ".join(_problems(quote)), code="problems")
    if expected_total is not None and quote.quote.total != expected_total:
        raise CheckoutError(
            _("Prices changed since you reviewed your order; check the new total and place it."),
            code="total_changed",
        )
    fields = _group_fields(
        buyer=buyer,
        key=idempotency_key,
        quote=quote,
        address=address,
        now=now,
        display=(display_currency, display_rate),
    )
    for _attempt in range(_NUMBER_ATTEMPTS):
        try:
            with transaction.atomic(durable=durable):
                group = _insert_group(fields=fields, now=now)
                orders = _create_orders(group=group, quote=quote, notes=notes or {})
                _take_stock(quote=quote, orders=orders)
                _take_flash_units(quote=quote, buyer=buyer, now=now)
                _use_coupons(quote=quote, buyer=buyer, group=group, now=now)
                # The buyer's and the shops' notices: one outbox row for the group, written
                # with the orders (none is lost, one broker message per checkout), sent by a
                # worker.
                outbox.enqueue(task=GROUP_NOTICES_TASK, group_id=group.pk, event="placed")
                for order in orders:
                    transaction.on_commit(
                        lambda order=order, group=group: order_placed.send(
                            sender=Order, order_id=order.pk, group_id=group.pk
                        )
                    )
        except OutOfStock as error:
            raise CheckoutError(error.message, code="out_of_stock") from error
        except _GroupClash:
            # Either the same form was submitted twice (the first one committed meanwhile) or
            # the random number was taken; only the first case has a group to return.
            existing = _existing_group(buyer=buyer, key=idempotency_key)
            if existing is not None:
                return existing
            continue
        return group
    raise CheckoutError(_("We could not number your order; please try again."), code="number")


def new_idempotency_key() -> uuid.UUID:
    return uuid.uuid4()


# --- Steps -------------------------------------------------------------------------------------


def _existing_group(*, buyer: Any, key: uuid.UUID) -> OrderGroup | None:
    return OrderGroup.objects.filter(buyer=buyer, idempotency_key=key).first()


def _problems(quote: CartQuote) -> list[str]:
    problems = list(quote.problems)
    for line in quote.lines:
        title = line.variant.product.title
        problems.extend(f"{title}: {problem}" for problem in line.problems)
    return problems


def _payment_deadline(*, quote: CartQuote, now: datetime) -> datetime:
    has_flash = any(line.price.flash_units for line in quote.lines)
    minutes = (
        settings.ORDERS_FLASH_PAYMENT_TIMEOUT_MINUTES
        if has_flash
        else settings.ORDERS_PAYMENT_TIMEOUT_MINUTES
    )
    return now + timedelta(minutes=minutes)


def _new_number(now: datetime) -> str:
    """Date, then random digits: unique, short enough to read out, and not guessable."""
    return f"{timezone.localtime(now):%y%m%d}{secrets.randbelow(10**10):010d}"


class _GroupClash(Exception):
    """The group's insert hit a unique constraint: its number or its idempotency key."""


def _group_fields(
    *,
    buyer: Any,
    key: uuid.UUID,
    quote: CartQuote,
    address: Address,
    now: datetime,
    display: tuple[str, Decimal | None],
) -> dict[str, Any]:
    price = quote.quote
    display_currency, display_rate = display
    if not display_currency or display_currency == price.currency:
        display_currency, display_rate = price.currency, Decimal(1)
    return {
        "buyer": buyer,
        "idempotency_key": key,
        "currency": price.currency,
        "items_total": price.items_total,
        "discount_total": price.discount_total,
        "shipping_total": price.shipping_total,
        "total": price.total,
        "pricing_explanation": list(price.explanations),
        "display_currency": display_currency,
        "display_rate": display_rate,
        "payment_deadline": _payment_deadline(quote=quote, now=now),
        "recipient": address.recipient,
        "phone": address.phone,
        "country": address.country,
        "region": address.region,
        "city": address.city,
        "street": address.street,
        "postcode": address.postcode,
    }


def _insert_group(*, fields: dict[str, Any], now: datetime) -> OrderGroup:
    """The group is the transaction's first write, so a clash rolls back nothing else and needs
    no savepoint: the whole transaction is left and tried again."""
    try:
        return OrderGroup.objects.create(number=_new_number(now), **fields)
    except IntegrityError as error:
        raise _GroupClash from error


def _create_orders(*, group: OrderGroup, quote: CartQuote, notes: Mapping[int, str]) -> list[Order]:
    """One order per shop with its line snapshots and discount rows: three inserts in all."""
    orders = Order.objects.bulk_create(
        _new_order(
            group=group,
            position=position,
            shop_quote=shop_quote,
            note=notes.get(shop_quote.shop.pk, ""),
        )
        for position, shop_quote in enumerate(quote.shops, start=1)
    )
    pairs = list(zip(orders, quote.shops, strict=True))
    OrderLine.objects.bulk_create(
        _line_row(order=order, line=line)
        for order, shop_quote in pairs
        for line in shop_quote.lines
    )
    OrderDiscount.objects.bulk_create(
        _discount_row(order=order, discount=discount)
        for order, shop_quote in pairs
        for discount in shop_quote.price.discounts
    )
    return orders


def _new_order(*, group: OrderGroup, position: int, shop_quote: QuotedShop, note: str) -> Order:
    price = shop_quote.price
    return Order(
        group=group,
        number=f"{group.number}-{position}",
        shop=shop_quote.shop,
        buyer=group.buyer,
        currency=group.currency,
        items_subtotal=price.items_subtotal,
        item_discount=price.item_discount,
        shop_discount=price.shop_discount,
        platform_discount=price.platform_discount,
        shipping_price=price.shipping,
        shipping_discount=price.shipping_discount,
        total=price.total,
        delivery_option=shop_quote.delivery.code,
        delivery_label=shop_quote.delivery.label,
        note_to_seller=note.strip()[:NOTE_MAX_LENGTH],
        has_flash_sale=any(line.price.flash_units for line in shop_quote.lines),
        payment_deadline=group.payment_deadline,
    )


def _line_row(*, order: Order, line: Any) -> OrderLine:
    return OrderLine(
        order=order,
        variant=line.variant,
        product=line.variant.product,
        flash_sale_id=line.price.flash_sale_id if line.price.flash_units else None,
        flash_units=line.price.flash_units,
        title=line.variant.product.title[:200],
        sku=line.variant.sku,
        options=_options_text(line.variant)[:200],
        image_url=_image_url(line.variant)[:500],
        unit_price=line.price.unit_price,
        quantity=line.quantity,
        subtotal=line.price.subtotal,
        discount=line.price.discount,
        total=line.price.total,
    )


def _discount_row(*, order: Order, discount: Discount) -> OrderDiscount:
    return OrderDiscount(
        order=order,
        source=discount.source,
        promotion_id=discount.promotion_id,
        coupon_id=discount.coupon_id,
        label=discount.label[:300],
        amount=discount.amount,
        funded_by=discount.funded_by,
        shop_funded=discount.shop_funded,
        platform_funded=discount.platform_funded,
        applies_to_shipping=discount.applies_to_shipping,
    )


def _take_stock(*, quote: CartQuote, orders: list[Order]) -> None:
    """Every line's stock in one go (the inventory service locks in (product, variant) order, so
    two checkouts never deadlock)."""
    number_of = {order.shop_id: order.number for order in orders}
    take_stock_of_lines(
        sales=[
            Sale(
                variant=line.variant,
                quantity=line.quantity,
                reference=number_of[line.variant.product.shop_id],
            )
            for line in quote.lines
        ]
    )


def _take_flash_units(*, quote: CartQuote, buyer: Any, now: datetime) -> None:
    """Flash-sale units come off the sale's own count and the buyer's allowance, or nothing does."""
    units: dict[int, int] = {}
    for line in quote.lines:
        if line.price.flash_units and line.price.flash_sale_id:
            units[line.price.flash_sale_id] = (
                units.get(line.price.flash_sale_id, 0) + line.price.flash_units
            )
    for flash_sale_id, count in sorted(units.items()):
        taken = FlashSale.objects.filter(
            pk=flash_sale_id,
            is_active=True,
            starts_at__lte=now,
            ends_at__gt=now,
            quantity_left__gte=count,
        ).update(quantity_left=F("quantity_left") - count)
        if taken != 1:
            raise CheckoutError(
                _("The flash sale has just sold out; review your order at the normal price."),
                code="flash_sold_out",
            )
        limit = FlashSale.objects.values_list("per_user_limit", flat=True).get(pk=flash_sale_id)
        allocation, _created = FlashSaleAllocation.objects.get_or_create(
            flash_sale_id=flash_sale_id, user=buyer
        )
        allowed = FlashSaleAllocation.objects.filter(
            pk=allocation.pk, quantity__lte=limit - count
        ).update(quantity=F("quantity") + count)
        if allowed != 1:
            raise CheckoutError(
                _("You already hold the flash-sale limit of %(limit)d for this item.")
                % {"limit": limit},
                code="flash_limit",
            )


def _use_coupons(*, quote: CartQuote, buyer: Any, group: OrderGroup, now: datetime) -> None:
    """Each applied coupon counts one use, within its total and per-shopper limits."""
    amounts: dict[int, Decimal] = {}
    for shop in quote.shops:
        for discount in shop.price.discounts:
            if discount.source == DiscountSource.COUPON and discount.coupon_id:
                amounts[discount.coupon_id] = amounts.get(discount.coupon_id, Decimal("0")) + (
                    discount.amount
                )
    for coupon_id in sorted(amounts):
        # The UPDATE locks the coupon row until commit, so counting this buyer's uses after it
        # cannot race with the same buyer's other checkout.
        counted = (
            Coupon.objects.filter(pk=coupon_id, is_active=True, starts_at__lte=now, ends_at__gt=now)
            .filter(Q(total_limit__isnull=True) | Q(used_count__lt=F("total_limit")))
            .update(used_count=F("used_count") + 1)
        )
        if counted != 1:
            raise CheckoutError(
                _("A coupon in your order has just run out; review your order again."),
                code="coupon_used_up",
            )
        uses = (
            CouponUse.objects.filter(coupon_id=OuterRef("pk"), user=buyer, released_at__isnull=True)
            .order_by()
            .values("coupon_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        name, limit, used = (
            Coupon.objects.filter(pk=coupon_id)
            .annotate(used=Coalesce(Subquery(uses), 0))
            .values_list("name", "per_user_limit", "used")
            .get()
        )
        if used >= limit:
            raise CheckoutError(
                _("You have already used the coupon “%(name)s” as often as it allows.")
                % {"name": name},
                code="coupon_per_user",
            )
        CouponUse.objects.create(
            coupon_id=coupon_id, user=buyer, group=group, amount=amounts[coupon_id]
        )


def _options_text(variant: Any) -> str:
    return " / ".join(option.value for option in variant.options.all())


def _image_url(variant: Any) -> str:
    image = variant.image
    if image is None:
        images = list(variant.product.images.all()[:1])
        image = images[0] if images else None
    srcset = image_srcset(image, "thumb") if image is not None else None
    return srcset.src if srcset else ""
