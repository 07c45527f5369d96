"""The seller's orders: the list by status with search, an order's page, the private note, and
shipping (carrier and tracking number, until logistics brings real shipments) and marking
delivered (by hand, until logistics reports it).

Orders are fetched only through ``order_for_shop_or_404``: another shop's number is a 404.
Who may do what is the services' guard: clerks ship and write notes; marking delivered is for the
owner and managers.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from marketplace.sellers.access import MANAGERS, seller_required

from ..errors import OrderError
from ..models import Order, OrderStatus
from ..selectors import order_for_shop_or_404, orders_for_shop, shop_status_counts, timeline_of
from ..services.lifecycle import (
    SELLER_NOTE_MAX,
    SHIPPING_FIELD_MAX,
    mark_delivered,
    ship_order,
    update_seller_note,
)

PAGE_SIZE = 25
# The list's tabs, in the order work flows.
STATUS_TABS = (
    OrderStatus.PAID,
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
    OrderStatus.CANCELLED,
)


class ShipForm(forms.Form):
    carrier = forms.CharField(label=gettext_lazy("Carrier"), max_length=SHIPPING_FIELD_MAX)
    tracking_number = forms.CharField(
        label=gettext_lazy("Tracking number"), max_length=SHIPPING_FIELD_MAX
    )


class NoteForm(forms.Form):
    seller_note = forms.CharField(
        label=gettext_lazy("Private note (only your shop sees it)"),
        required=False,
        max_length=SELLER_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@seller_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    status = request.GET.get("status") or ""
    if status not in STATUS_TABS:
        status = ""
    query = (request.GET.get("q") or "").strip()[:100]
    qs = orders_for_shop(shop=shop, status=status or None, query=query)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = shop_status_counts(shop=shop)
    labels = dict(OrderStatus.choices)
    tabs = [("", _("All"), counts["all"])] + [(s, labels[s], counts[s]) for s in STATUS_TABS]
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "status": status,
        "q": query,
        "tabs": tabs,
        "query": params.urlencode(),
    }
    return render(request, "orders/seller/orders/list.html", context)


@seller_required
@require_GET
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = order_for_shop_or_404(shop=request.shop, number=number)  # type: ignore[attr-defined]
    return _detail(request, order)


def _detail(
    request: HttpRequest,
    order: Order,
    *,
    ship_form: ShipForm | None = None,
    note_form: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    role = request.membership.role  # type: ignore[attr-defined]
    context = {
        "order": order,
        "timeline": timeline_of(order),
        "ship_form": ship_form or ShipForm(),
        "note_form": note_form or NoteForm(initial={"seller_note": order.seller_note}),
        "can_ship": order.status == OrderStatus.PAID,
        "can_deliver": order.status == OrderStatus.SHIPPED and role in MANAGERS,
    }
    return render(request, "orders/seller/orders/detail.html", context, status=status)


@seller_required
@require_POST
def order_note(request: HttpRequest, number: str) -> HttpResponse:
    order = order_for_shop_or_404(shop=request.shop, number=number)  # type: ignore[attr-defined]
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            update_seller_note(order=order, by=request.user, note=form.cleaned_data["seller_note"])
        except OrderError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Note saved."))
            return redirect("orders:seller-order", number=order.number)
    return _detail(request, order, note_form=form, status=400)


@seller_required
@require_POST
def order_ship(request: HttpRequest, number: str) -> HttpResponse:
    order = order_for_shop_or_404(shop=request.shop, number=number)  # type: ignore[attr-defined]
    form = ShipForm(request.POST)
    if form.is_valid():
        try:
            ship_order(order=order, by=request.user, **form.cleaned_data)
        except OrderError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Marked shipped: the buyer is told the tracking number."))
            return redirect("orders:seller-order", number=order.number)
    return _detail(request, order, ship_form=form, status=400)


@seller_required
@require_POST
def order_deliver(request: HttpRequest, number: str) -> HttpResponse:
    order = order_for_shop_or_404(shop=request.shop, number=number)  # type: ignore[attr-defined]
    try:
        mark_delivered(order=order, by=request.user)
    except OrderError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Marked delivered."))
    return redirect("orders:seller-order", number=order.number)
