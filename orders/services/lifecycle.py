"""Everything that happens to a placed order: paid, shipped, delivered, completed or cancelled,
and the two timed jobs (unpaid orders expire, delivered orders complete by themselves).

Each service checks who may make the move (the guard lives here, so views, the admin, tasks and
other apps get the same rules), moves the status with ``core.states.transition`` (history kept,
a stale move refused) and sends its event from ``orders.events`` on commit, with ids only.
Cancelling gives back exactly what checkout took - stock, flash-sale units and the buyer's
flash-sale allowance, and (once the whole group is cancelled) its coupon uses - exactly once,
guarded by a conditional UPDATE on ``Order.stock_released_at``. No network I/O here: payments
refunds when it hears ``order_cancelled``.

Locks are taken in one order everywhere: the group row, the order rows, then stock (product,
variant, as checkout does), flash sales, allowances and coupons by id.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Greatest, Least
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import MovementReason
from catalog.services.inventory import return_stock
from marketplace.core.states import IllegalTransition, transition
from marketplace.sellers.access import ALL_ROLES, MANAGERS
from marketplace.sellers.models import MerchantMember

from ..errors import OrderError
from ..events import (
    order_cancelled,
    order_completed,
    order_delivered,
    order_paid,
    order_shipped,
)
from ..models import (
    Coupon,
    CouponUse,
    FlashSale,
    FlashSaleAllocation,
    GroupStatus,
    Order,
    OrderGroup,
    OrderLine,
    OrderStatus,
)
from ..states import (
    BUYER_CANCELLABLE,
    GROUP,
    INITIATORS,
    ORDER,
    RECEIVABLE,
    STAFF_CANCELLABLE,
)

M = TypeVar("M", bound=models.Model)

SHIPPING_FIELD_MAX = 100
SELLER_NOTE_MAX = 2000
REASON_MAX = 300


# --- Who may ---------------------------------------------------------------------------------


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_staff", False) and getattr(user, "is_active", False))


def is_shop_member(*, order: Order, user: Any, roles: Sequence[str] = ALL_ROLES) -> bool:
    """The user works for the order's shop in one of ``roles``."""
    if not getattr(user, "pk", None):
        return False
    return MerchantMember.objects.filter(
        merchant__shop=order.shop_id, user=user, role__in=roles
    ).exists()


def is_buyer(*, order: Order, user: Any) -> bool:
    return bool(getattr(user, "pk", None)) and order.buyer_id == user.pk


def can_buyer_cancel(*, order: Order) -> bool:
    return order.status in BUYER_CANCELLABLE


def can_confirm_receipt(*, order: Order) -> bool:
    return order.status in RECEIVABLE and not order.has_open_after_sales


# --- Paying ----------------------------------------------------------------------------------


def mark_paid(
    *, group: OrderGroup, by: Any = None, reference: str = "", durable: bool = True
) -> OrderGroup:
    """The group and every order of it still waiting are paid; a second call changes nothing.

    Orders the timeout cancelled meanwhile stay cancelled (payments charges or refunds only
    ``selectors.amount_due``); a group that is cancelled as a whole is refused with
    ``group_cancelled``. ``durable=False`` only for callers already in a transaction of their
    own (the demo seed).
    """
    with transaction.atomic(durable=durable):
        group = OrderGroup.objects.select_for_update().get(pk=group.pk)
        if group.status == GroupStatus.PAID:
            return group
        if group.status == GroupStatus.CANCELLED:
            raise OrderError(
                _("This order was cancelled before the payment arrived; it will be refunded."),
                code="group_cancelled",
            )
        now = timezone.now()
        reason = reference[:300]
        _move(
            group,
            to=GroupStatus.PAID,
            allowed=GROUP,
            by=by,
            reason=reason,
            changes={"paid_at": now},
        )
        waiting = (
            Order.objects.select_for_update()
            .filter(group=group, status=OrderStatus.PENDING_PAYMENT)
            .order_by("pk")
        )
        for order in waiting:
            _move(
                order,
                to=OrderStatus.PAID,
                allowed=ORDER,
                by=by,
                reason=reason,
                changes={"paid_at": now},
            )
            _announce(order_paid, order_id=order.pk, group_id=group.pk)
    return group


def extend_payment_deadline(*, group: OrderGroup, until: datetime) -> OrderGroup:
    """The group's orders still waiting may be paid until ``until`` (a bank transfer takes days).
    A deadline is only ever moved later. Runs inside the caller's transaction."""
    with transaction.atomic(savepoint=False):
        OrderGroup.objects.filter(pk=group.pk, payment_deadline__lt=until).update(
            payment_deadline=until
        )
        Order.objects.filter(
            group=group, status=OrderStatus.PENDING_PAYMENT, payment_deadline__lt=until
        ).update(payment_deadline=until)
    group.payment_deadline = max(group.payment_deadline, until)
    return group


# --- Shipping and delivery -------------------------------------------------------------------


def ship_order(*, order: Order, by: Any, carrier: str, tracking_number: str) -> Order:
    """The paid order is on its way, with the carrier and tracking number the buyer will see."""
    carrier = (carrier or "").strip()
    tracking_number = (tracking_number or "").strip()
    if not carrier:
        raise OrderError(_("Enter the carrier's name."), code="carrier_required")
    if not tracking_number:
        raise OrderError(_("Enter the tracking number."), code="tracking_required")
    if len(carrier) > SHIPPING_FIELD_MAX or len(tracking_number) > SHIPPING_FIELD_MAX:
        raise OrderError(
            _("The carrier and the tracking number have at most %(max)d characters each.")
            % {"max": SHIPPING_FIELD_MAX},
            code="too_long",
        )
    if not is_shop_member(order=order, user=by):
        raise OrderError(_("Only the shop's own people can ship its orders."), code="not_seller")
    if order.status != OrderStatus.PAID:
        raise OrderError(_("Only a paid order waiting to ship can be shipped."), code="not_paid")
    with transaction.atomic():
        _move(
            order,
            to=OrderStatus.SHIPPED,
            allowed=ORDER,
            by=by,
            reason=f"{carrier} {tracking_number}",
            changes={
                "carrier": carrier,
                "tracking_number": tracking_number,
                "shipped_at": timezone.now(),
            },
        )
        _announce(order_shipped, order_id=order.pk)
    return order


def mark_delivered(*, order: Order, by: Any = None) -> Order:
    """The shipped order reached the buyer (from logistics with ``by=None``, or by hand until
    then: the shop's owner or managers, or staff); the auto-complete clock starts."""
    if by is not None and not (
        is_staff(by) or is_shop_member(order=order, user=by, roles=MANAGERS)
    ):
        raise OrderError(
            _("Only the shop's owner or managers can mark an order delivered."), code="not_seller"
        )
    if order.status != OrderStatus.SHIPPED:
        raise OrderError(_("Only a shipped order can be marked delivered."), code="not_shipped")
    with transaction.atomic():
        _deliver(order=order, by=by, reason="")
    return order


def confirm_receipt(*, order: Order, by: Any) -> Order:
    """The buyer has the goods: the order is completed (through delivered if it was shipped)."""
    if not is_buyer(order=order, user=by):
        raise OrderError(_("Only the buyer can confirm receipt."), code="not_buyer")
    if order.status not in RECEIVABLE:
        raise OrderError(
            _("Receipt can be confirmed only once the order has shipped."), code="not_shipped"
        )
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        _check_no_after_sales(order)
        reason = _("Receipt confirmed by the buyer.")
        if order.status == OrderStatus.SHIPPED:
            _deliver(order=order, by=by, reason=reason)
        _complete(order=order, by=by, reason=reason)
    return order


def complete_order(*, order: Order, by: Any = None) -> Order:
    """The delivered order is completed: the sale is final (``by=None`` for the automatic
    completion; otherwise staff or the buyer). Refused while an after-sales request is open."""
    if by is not None and not (is_staff(by) or is_buyer(order=order, user=by)):
        raise OrderError(_("You cannot complete this order."), code="not_allowed")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.DELIVERED:
            raise OrderError(_("Only a delivered order can be completed."), code="not_delivered")
        _check_no_after_sales(order)
        reason = "" if by is not None else _("Completed automatically after delivery.")
        _complete(order=order, by=by, reason=reason)
    return order


def update_seller_note(*, order: Order, by: Any, note: str) -> Order:
    """The shop's private note on the order (the buyer never sees it)."""
    note = (note or "").strip()
    if len(note) > SELLER_NOTE_MAX:
        raise OrderError(
            _("The note has at most %(max)d characters.") % {"max": SELLER_NOTE_MAX},
            code="too_long",
        )
    if not is_shop_member(order=order, user=by):
        raise OrderError(_("Only the shop's own people can write its notes."), code="not_seller")
    Order.objects.filter(pk=order.pk).update(seller_note=note)
    order.seller_note = note
    return order


def _deliver(*, order: Order, by: Any, reason: str) -> None:
    _move(
        order,
        to=OrderStatus.DELIVERED,
        allowed=ORDER,
        by=by,
        reason=reason,
        changes={"delivered_at": timezone.now()},
    )
    _announce(order_delivered, order_id=order.pk)


def _complete(*, order: Order, by: Any, reason: str) -> None:
    _move(
        order,
        to=OrderStatus.COMPLETED,
        allowed=ORDER,
        by=by,
        reason=reason,
        changes={"completed_at": timezone.now()},
    )
    _announce(order_completed, order_id=order.pk)


def _check_no_after_sales(order: Order) -> None:
    if order.has_open_after_sales:
        raise OrderError(
            _("An after-sales request is open on this order; it is settled first."),
            code="after_sales_open",
        )


# --- Cancelling ------------------------------------------------------------------------------


def cancel_order(
    *, order: Order, by: Any, reason: str, initiator: str, durable: bool = True
) -> Order:
    """The order is cancelled and its stock, flash-sale units and allowance are back, once; when
    every order of the group is cancelled, the group is too and its coupon uses are given back.

    ``initiator``: "buyer" (their own order, before shipping), "timeout" (unpaid past the
    deadline, ``by=None``) or "staff" (any order before shipping). Returns the fresh order.
    ``durable=False`` only for callers already in a transaction of their own (the demo seed).
    """
    if initiator not in INITIATORS:
        raise OrderError(_("Unknown cancellation."), code="initiator")
    reason = " ".join((reason or "").split())[:REASON_MAX]
    if initiator == "timeout" and not reason:
        reason = _("Not paid in time.")
    if not reason:
        raise OrderError(_("Say why the order is cancelled."), code="reason_required")
    with transaction.atomic(durable=durable):
        group = OrderGroup.objects.select_for_update().get(pk=order.group_id)
        order = Order.objects.select_for_update().get(pk=order.pk)
        now = timezone.now()
        _check_can_cancel(order=order, by=by, initiator=initiator, now=now)
        _move(
            order,
            to=OrderStatus.CANCELLED,
            allowed=ORDER,
            by=by,
            reason=reason,
            changes={"cancelled_at": now, "cancel_reason": reason},
        )
        _release_order(order=order, by=by, now=now)
        if not Order.objects.filter(group=group).exclude(status=OrderStatus.CANCELLED).exists():
            _move(group, to=GroupStatus.CANCELLED, allowed=GROUP, by=by, reason=reason)
            _release_coupons(group=group, now=now)
        _announce(order_cancelled, order_id=order.pk, reason=reason, initiator=initiator)
    return order


def _check_can_cancel(*, order: Order, by: Any, initiator: str, now: datetime) -> None:
    if initiator == "buyer":
        if not is_buyer(order=order, user=by):
            raise OrderError(_("Only the buyer can cancel this order."), code="not_buyer")
        allowed = BUYER_CANCELLABLE
    elif initiator == "staff":
        if not is_staff(by):
            raise OrderError(_("Only staff can cancel orders this way."), code="not_staff")
        allowed = STAFF_CANCELLABLE
    else:
        if order.status == OrderStatus.PENDING_PAYMENT and order.payment_deadline >= now:
            raise OrderError(_("The order can still be paid."), code="not_expired")
        allowed = (OrderStatus.PENDING_PAYMENT,)
    if order.status not in allowed:
        raise OrderError(
            _("This order can no longer be cancelled (it is “%(status)s”).")
            % {"status": order.get_status_display()},
            code="not_cancellable",
        )


def _release_order(*, order: Order, by: Any, now: datetime) -> None:
    """Stock and flash-sale units of the order are back on sale - only by the first caller."""
    claimed = Order.objects.filter(pk=order.pk, stock_released_at__isnull=True).update(
        stock_released_at=now
    )
    if not claimed:
        return
    order.stock_released_at = now
    lines = list(
        OrderLine.objects.filter(order=order, variant__isnull=False).select_related("variant")
    )
    lines.sort(key=lambda line: (line.product_id or 0, line.variant_id or 0))
    flash_units: dict[int, int] = defaultdict(int)
    for line in lines:
        return_stock(
            variant=line.variant,
            quantity=line.quantity,
            reason=MovementReason.CANCELLATION,
            reference=order.number,
            by=by,
        )
        if line.flash_sale_id:
            # Lines written before flash_units was recorded held the whole line at flash price.
            flash_units[line.flash_sale_id] += line.flash_units or line.quantity
    for flash_sale_id, units in sorted(flash_units.items()):
        # Never above the sale's size, should the merchant have shrunk it meanwhile.
        FlashSale.objects.filter(pk=flash_sale_id).update(
            quantity_left=Least(F("quantity_left") + units, F("quantity"))
        )
        FlashSaleAllocation.objects.filter(
            flash_sale_id=flash_sale_id, user_id=order.buyer_id
        ).update(quantity=Greatest(F("quantity") - units, 0))


def _release_coupons(*, group: OrderGroup, now: datetime) -> None:
    """Each coupon use of the group counts no more - each only once."""
    uses = CouponUse.objects.filter(group=group, released_at__isnull=True).order_by("coupon_id")
    for coupon_id, use_id in uses.values_list("coupon_id", "pk"):
        if CouponUse.objects.filter(pk=use_id, released_at__isnull=True).update(released_at=now):
            Coupon.objects.filter(pk=coupon_id, used_count__gt=0).update(
                used_count=F("used_count") - 1
            )


# --- Timed jobs ------------------------------------------------------------------------------


def expire_unpaid_orders(*, now: datetime) -> int:
    """Every order still unpaid past its deadline is cancelled, each in its own transaction;
    returns how many this run cancelled (orders paid or cancelled meanwhile are skipped)."""
    due = list(
        Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, payment_deadline__lt=now).order_by(
            "payment_deadline", "pk"
        )
    )
    cancelled = 0
    for order in due:
        try:
            cancel_order(order=order, by=None, reason="", initiator="timeout")
        except OrderError:
            continue  # paid, or cancelled by the buyer or another run, meanwhile
        cancelled += 1
    return cancelled


def complete_delivered_orders(*, now: datetime) -> int:
    """Orders delivered more than ORDERS_AUTO_COMPLETE_DAYS ago with no open after-sales request
    are completed, each in its own transaction; returns how many."""
    cutoff = now - timedelta(days=settings.ORDERS_AUTO_COMPLETE_DAYS)
    due = Order.objects.filter(
        status=OrderStatus.DELIVERED, delivered_at__lt=cutoff, has_open_after_sales=False
    ).order_by("delivered_at", "pk")
    completed = 0
    for order in list(due):
        try:
            complete_order(order=order, by=None)
        except OrderError:
            continue  # confirmed, or an after-sales request opened, meanwhile
        completed += 1
    return completed


# --- Moving and telling ---------------------------------------------------------------------------


def _move(
    obj: M,
    *,
    to: str,
    allowed: Mapping[str, Any],
    by: Any,
    reason: str = "",
    changes: Mapping[str, Any] | None = None,
) -> M:
    """``transition`` with its refusal as an ``OrderError`` (same message and code)."""
    try:
        return transition(obj, to=to, allowed=allowed, by=by, reason=reason, changes=changes)
    except IllegalTransition as error:
        raise OrderError(error.message, code=error.code) from error


def _announce(signal: Signal, **kwargs: Any) -> None:
    """``signal`` goes out once the transaction commits; a failing receiver is logged and does
    not turn the committed move into an error for the caller (a webhook would retry it)."""
    transaction.on_commit(lambda: signal.send(sender=Order, **kwargs), robust=True)
