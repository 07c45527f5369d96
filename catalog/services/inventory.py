"""Every change of stock: receipts, sales, cancellations and returns, and adjustments.

``Variant.stock`` changes only here, always by a conditional ``UPDATE`` that can never take it
below zero, and always together with a ``StockMovement`` row (with the stock after the change)
and the product's ``stock_total``; so a variant's stock equals the sum of its movements. When a
variant falls to its low-stock threshold, the shop's owner and managers are told once.

These functions join the caller's transaction (``atomic(savepoint=False)``): checkout takes the
stock of all its lines inside its own transaction, and seeding runs inside one. A refusal
(``OutOfStock``) is raised after the block, having written nothing, so the caller's transaction
stays usable. Each change locks the product row first, then the variant's: a caller moving
several variants in one transaction (checkout) goes in ``(product_id, variant pk)`` order, so two
such transactions can never deadlock.
"""

from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.notifications.services import notify
from marketplace.sellers.access import MANAGERS
from marketplace.sellers.selectors.shops import members_of_merchant

from ..errors import InventoryError, OutOfStock
from ..events import stock_low
from ..models import MovementReason, Product, StockMovement, Variant

LOW_STOCK_KIND = "catalog_low_stock"
RETURN_REASONS = (MovementReason.CANCELLATION, MovementReason.RETURN)


def receive_stock(
    *, variant: Variant, quantity: int, by: Any = None, reference: str = "", note: str = ""
) -> StockMovement:
    """``quantity`` more units are on hand (goods received)."""
    _check_quantity(quantity)
    return _move(
        variant=variant,
        change=quantity,
        reason=MovementReason.RECEIPT,
        by=by,
        reference=reference,
        note=note,
    )


def take_stock(
    *, variant: Variant, quantity: int, reference: str = "", by: Any = None
) -> StockMovement:
    """``quantity`` units are sold; raises ``OutOfStock`` (taking nothing) if fewer are left."""
    _check_quantity(quantity)
    return _move(
        variant=variant, change=-quantity, reason=MovementReason.SALE, by=by, reference=reference
    )


def return_stock(
    *,
    variant: Variant,
    quantity: int,
    reason: str,
    reference: str = "",
    by: Any = None,
    note: str = "",
) -> StockMovement:
    """``quantity`` units are back on sale after a cancelled order or a return."""
    _check_quantity(quantity)
    if reason not in RETURN_REASONS:
        raise InventoryError(
            _("Stock comes back only from a cancellation or a return."), code="return_reason"
        )
    return _move(
        variant=variant, change=quantity, reason=reason, by=by, reference=reference, note=note
    )


def set_stock(
    *, variant: Variant, quantity: int, by: Any = None, note: str = ""
) -> StockMovement | None:
    """The variant has exactly ``quantity`` units, recorded as an adjustment of the difference;
    returns None when it already had that many."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise InventoryError(_("Stock cannot be negative."), code="negative_stock")
    with transaction.atomic(savepoint=False):
        _lock_product(variant)
        # Locked, so the difference still holds when it is applied.
        current = (
            Variant.objects.select_for_update().values_list("stock", flat=True).get(pk=variant.pk)
        )
        if quantity == current:
            variant.stock = current
            return None
        return _move(
            variant=variant,
            change=quantity - current,
            reason=MovementReason.ADJUSTMENT,
            by=by,
            note=note,
        )


# --- The one writer ---------------------------------------------------------------------------


def _check_quantity(quantity: int) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise InventoryError(_("The quantity must be a whole number above zero."), code="quantity")


def _move(
    *,
    variant: Variant,
    change: int,
    reason: str,
    by: Any,
    reference: str = "",
    note: str = "",
) -> StockMovement:
    """Applies ``change`` to the variant's stock if enough is left, with its movement row, the
    product's total and the low-stock notice, all in the caller's transaction."""
    movement = None
    with transaction.atomic(savepoint=False):
        _lock_product(variant)
        changed = _apply_change(variant_id=variant.pk, change=change)
        if changed is not None:
            stock_after, threshold, was_notified = changed
            # Our UPDATE holds the row lock until commit: nobody can change it under us.
            movement = StockMovement.objects.create(
                variant=variant,
                quantity=change,
                reason=reason,
                stock_after=stock_after,
                reference=reference[:100],
                note=note[:200],
                by=by if getattr(by, "pk", None) else None,
            )
            Product.objects.filter(pk=variant.product_id).update(
                stock_total=F("stock_total") + change
            )
            variant.stock = stock_after
            _watch_low_stock(
                variant=variant,
                fell=change < 0,
                is_low=stock_after <= threshold,
                was_notified=was_notified,
            )
    if movement is None:
        # Raised outside the block: nothing was written and the caller's transaction is usable.
        raise OutOfStock(
            _("Only %(left)d left of %(sku)s.") % {"left": _stock_of(variant), "sku": variant.sku},
            code="out_of_stock",
        )
    return movement


def _apply_change(*, variant_id: int, change: int) -> tuple[int, int, bool] | None:
    """The variant's stock after adding ``change``, its low-stock threshold and whether the shop
    was told of low stock already - or None (nothing written) if too few are left.

    One ``UPDATE ... RETURNING`` (the ORM's ``update()`` returns only a row count): checkout runs
    this for every line of every order, so reading back what the low-stock watch needs here
    saves it two more statements per line.
    """
    table = connection.ops.quote_name(Variant._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET stock = stock + %s WHERE id = %s AND stock + %s >= 0 "  # noqa: S608 - table name from model meta
            "RETURNING stock, low_stock_threshold, low_stock_notified_at IS NOT NULL",
            [change, variant_id, change],
        )
        row = cursor.fetchone()
    return (row[0], row[1], bool(row[2])) if row else None


def _lock_product(variant: Variant) -> None:
    """The product row is locked before any variant row (its total changes with each move)."""
    list(Product.objects.select_for_update().filter(pk=variant.product_id).values_list("pk"))


def _stock_of(variant: Variant) -> int:
    stock = Variant.objects.filter(pk=variant.pk).values_list("stock", flat=True).first()
    variant.stock = stock or 0
    return variant.stock


# --- Low stock --------------------------------------------------------------------------------


def _watch_low_stock(*, variant: Variant, fell: bool, is_low: bool, was_notified: bool) -> None:
    """Tells the shop once when the stock falls to the threshold; rearms whenever it is above
    (also after the merchant lowered the threshold). ``is_low`` and ``was_notified`` are what
    the stock UPDATE returned under its row lock; the writes stay conditional all the same."""
    rows = Variant.objects.filter(pk=variant.pk)
    if was_notified and not is_low:
        rows.filter(low_stock_notified_at__isnull=False, stock__gt=F("low_stock_threshold")).update(
            low_stock_notified_at=None
        )
        return
    if not fell or was_notified or not is_low:
        return
    claimed = rows.filter(
        low_stock_notified_at__isnull=True, stock__lte=F("low_stock_threshold")
    ).update(low_stock_notified_at=timezone.now())
    if not claimed:
        return
    notify_low_stock(variant=variant)
    variant_id, stock = variant.pk, variant.stock
    transaction.on_commit(
        lambda: stock_low.send(sender=Variant, variant_id=variant_id, stock=stock)
    )


def notify_low_stock(*, variant: Variant) -> None:
    """The shop's owner and managers learn that the variant is running out."""
    product = Product.objects.select_related("shop__merchant").get(pk=variant.product_id)
    members = members_of_merchant(merchant=product.shop.merchant).filter(
        role__in=MANAGERS, user__is_active=True
    )
    context = {
        "product_title": product.title,
        "sku": variant.sku,
        "stock": variant.stock,
        "threshold": variant.low_stock_threshold,
        "shop_name": product.shop.name,
    }
    url = reverse("catalog:seller-inventory-variant", kwargs={"variant_pk": variant.pk})
    for member in members:
        notify(user=member.user, kind=LOW_STOCK_KIND, context=context, url=url)


def seller_product_url(*, product_id: int) -> str:
    """The product's page in the seller dashboard."""
    return reverse("catalog:seller-product", kwargs={"pk": product_id})
