"""The seller's delivery performance page under /seller/shipping/performance/: the shop's
carriers (on-time rate, days to deliver, exceptions), its late dispatch rate and late orders,
and its shipments per day. Staff see every shop in the admin (``logistics.admin.ops``).

Every figure comes from ``services.analytics`` scoped to ``request.shop``: another shop's
shipments and orders never appear here.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from marketplace.sellers.access import seller_required

from ..services.analytics import delivery_report, late_dispatches_for_shop
from ..services.dispatch import handling_hours_of

LATE_SHOWN = 20


@seller_required
@require_GET
def seller_performance(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    shop = request.shop  # type: ignore[attr-defined]
    context = {
        "report": delivery_report(now=now, shop=shop),
        "late_dispatches": late_dispatches_for_shop(shop=shop, now=now)[:LATE_SHOWN],
        "handling_hours": handling_hours_of(shop=shop),
    }
    return render(request, "logistics/seller/performance.html", context)
