"""Every change of stock: receipts, sales, cancellations and returns, and adjustments.

``Variant.stock`` changes only here, always by a conditional ``UPDATE`` that can never take it
below zero, and always together with a ``StockMovement`` row (with the stock after the change)
and the product's ``stock_total``; so a variant's stock equals the sum of its movements. When a
variant falls to its low-stock threshold, the shop's owner and managers are told once.

These functions join the caller's transaction (``atomic(savepoint=False)``): checkout takes the
stock of all its lines inside its own transaction (``take_stock_of_lines``: four statements
whatever the number of lines), and seeding runs inside one. A refusal (``OutOfStock``) is raised
having written nothing, so the caller's transaction stays usable. Each change locks the product
rows first (in primary-key order), then the variants': two transactions moving several variants
can never deadlock.
"""

from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Sale:
    """``quantity`` units of ``variant`` sold under ``reference`` (an order number)."""

    variant: Variant
    quantity: int
    reference: str = ""


def take_stock_of_lines(*, sales: Sequence[Sale]) -> list[StockMovement]:
    """Every sale's units, or none of them: raises ``OutOfStock`` for the first short variant
    (in product, variant order) having written nothing. One variant appears at most once."""
    for sale in sales:
        _check_quantity(sale.quantity)
    if len({sale.variant.pk for sale in sales}) != len(sales):
        raise InventoryError(_("Each variant may be sold once per call."), code="repeated")
    ordered = sorted(sales, key=lambda sale: (sale.variant.product_id, sale.variant.pk))
    return _move_many(
        [
            _Change(variant=sale.variant, change=-sale.quantity, reference=sale.reference)
            for sale in ordered
        ],
        reason=MovementReason.SALE,
        by=None,
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


@dataclass(frozen=True)
class _Change:
    variant: Variant
    change: int
    reference: str = ""
    note: str = ""


def _move(
    *,
    variant: Variant,
    change: int,
    reason: str,
    by: Any,
    reference: str = "",
    note: str = "",
) -> StockMovement:
    """Applies ``change`` to the variant's stock if enough is left (see ``_move_many``)."""
    [movement] = _move_many(
        [_Change(variant=variant, change=change, reference=reference, note=note)],
        reason=reason,
        by=by,
    )
    return movement


def _move_many(changes: list[_Change], *, reason: str, by: Any) -> list[StockMovement]:
    """Applies every change if enough is left of each, with their movement rows, the products'
    totals and the low-stock notices, all in the caller's transaction: four statements whatever
    the number of changes (checkout runs this for all the lines of a group)."""
    applied: dict[int, tuple[int, int, bool]] = {}
    with transaction.atomic(savepoint=False):
        _lock_products({item.variant.product_id for item in changes})
        applied = _apply_changes({item.variant.pk: item.change for item in changes})
        if len(applied) == len(changes):
            # Our UPDATE holds the row locks until commit: nobody can change them under us.
            movements = StockMovement.objects.bulk_create(
                StockMovement(
                    variant=item.variant,
                    quantity=item.change,
                    reason=reason,
                    stock_after=applied[item.variant.pk][0],
                    reference=item.reference[:100],
                    note=item.note[:200],
                    by=by if getattr(by, "pk", None) else None,
                )
                for item in changes
            )
            totals: dict[int, int] = {}
            for item in changes:
                totals[item.variant.product_id] = totals.get(item.variant.product_id, 0) + (
                    item.change
                )
            _add_to_totals(totals)
            for item in changes:
                stock_after, threshold, was_notified = applied[item.variant.pk]
                item.variant.stock = stock_after
                _watch_low_stock(
                    variant=item.variant,
                    fell=item.change < 0,
                    is_low=stock_after <= threshold,
                    was_notified=was_notified,
                )
            return movements
        if applied:
            # Some were short: put back exactly what was taken (still under our locks).
            _apply_changes(
                {pk: -item.change for item in changes if (pk := item.variant.pk) in applied}
            )
    short = next(item.variant for item in changes if item.variant.pk not in applied)
    raise OutOfStock(
        _("Only %(left)d left of %(sku)s.") % {"left": _stock_of(short), "sku": short.sku},
        code="out_of_stock",
    )


def _apply_changes(changes: dict[int, int]) -> dict[int, tuple[int, int, bool]]:
    """Each variant's stock after adding its change, its low-stock threshold and whether the
    shop was told of low stock already - for the variants that had enough; the others are left
    as they were. One statement for all of them."""
    rows = _add_by_id(
        Variant,
        "stock",
        changes,
        where="AND {table}.stock + c.column2 >= 0",
        returning="RETURNING id, stock, low_stock_threshold, low_stock_notified_at IS NOT NULL",
    )
    return {row[0]: (row[1], row[2], bool(row[3])) for row in rows}


def _add_to_totals(totals: dict[int, int]) -> None:
    """Each product's ``stock_total`` moves by the sum of its variants' changes."""
    _add_by_id(Product, "stock_total", totals)


def _add_by_id(
    model: type[Variant] | type[Product],
    column: str,
    amounts: dict[int, int],
    *,
    where: str = "",
    returning: str = "",
) -> list[tuple[Any, ...]]:
    """``UPDATE ... SET column = column + c.column2 FROM (VALUES (id, amount), ...)``: each row
    moves by its own amount in one statement (the ORM's ``update()`` moves every row by the same
    expression and returns only a count). ``VALUES`` columns are ``column1, column2`` on
    PostgreSQL and SQLite alike."""
    table = connection.ops.quote_name(model._meta.db_table)
    values = ", ".join(["(%s, %s)"] * len(amounts))
    params = [number for pair in amounts.items() for number in pair]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = {column} + c.column2 FROM (VALUES {values}) AS c "  # noqa: S608 - names from model meta and this module, values are parameters
            f"WHERE {table}.id = c.column1 {where.format(table=table)} {returning}",
            params,
        )
        return cursor.fetchall() if returning else []


def _lock_product(variant: Variant) -> None:
    _lock_products({variant.product_id})


def _lock_products(product_ids: set[int]) -> None:
    """Product rows are locked before any variant row (their totals change with each move), in
    primary-key order."""
    list(
        Product.objects.select_for_update()
        .filter(pk__in=product_ids)
        .order_by("pk")
        .values_list("pk")
    )


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
