"""Every read a payments page needs, already scoped to who asks (another buyer's ids are 404)."""

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from orders.models import OrderGroup, OrderStatus
from orders.selectors import amount_due

from .models import Payment, PaymentStatus, WalletEntry


def group_for_buyer_or_404(*, user: Any, number: str) -> OrderGroup:
    return get_object_or_404(
        OrderGroup.objects.prefetch_related("orders__shop"), buyer=user, number=number
    )


def payment_for_buyer_or_404(*, user: Any, number: str, provider: str | None = None) -> Payment:
    """The buyer's own attempt with this number (through ``provider`` when given)."""
    payments = Payment.objects.select_related("group").filter(buyer=user)
    if provider is not None:
        payments = payments.filter(provider=provider)
    return get_object_or_404(payments, number=str(number)[:24])


def payment_for_sandbox_or_404(*, user: Any, reference: str) -> Payment:
    """The sandbox's hosted page shows only the buyer's own attempt, while it waits."""
    payment = get_object_or_404(
        Payment.objects.select_related("group"),
        provider="sandbox",
        provider_reference=str(reference)[:255],
        buyer=user,
    )
    if payment.status not in (PaymentStatus.CREATED, PaymentStatus.REQUIRES_ACTION):
        raise Http404
    return payment


def attempts_of(*, group: OrderGroup) -> QuerySet[Payment]:
    return Payment.objects.filter(group=group).order_by("-created_at", "-pk")


def payable_orders(*, group: OrderGroup) -> list:
    return [order for order in group.orders.all() if order.status != OrderStatus.CANCELLED]


def due_for(*, group: OrderGroup) -> Decimal:
    return amount_due(group=group)


def wallet_entries_of(*, user: Any, limit: int = 50) -> QuerySet[WalletEntry]:
    return WalletEntry.objects.filter(wallet__user=user).select_related("payment")[:limit]


def payments_of_buyer(*, user: Any) -> QuerySet[Payment]:
    """The buyer's attempts, newest first, with their order group and refunds."""
    return (
        Payment.objects.filter(buyer=user)
        .select_related("group")
        .prefetch_related("refunds")
        .order_by("-created_at", "-pk")
    )
