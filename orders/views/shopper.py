"""The shopper's orders: the list with its status tabs, an order's page with its timeline, and
the buttons on it (cancel, confirm receipt, buy again).

Orders are fetched only through ``order_for_buyer_or_404``: another shopper's number is a 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from ..errors import CartError, OrderError
from ..models import Order
from ..selectors import (
    BUYER_TABS,
    buyer_tab_counts,
    order_for_buyer_or_404,
    orders_for_buyer,
    timeline_of,
)
from ..services import cart as carts
from ..services.lifecycle import (
    can_buyer_cancel,
    can_confirm_receipt,
    cancel_order,
    confirm_receipt,
)

PAGE_SIZE = 10
OTHER = "other"


class CancelForm(forms.Form):
    """Why the buyer cancels: a common reason, or their own words."""

    REASONS = (
        ("changed_mind", gettext_lazy("I changed my mind")),
        ("change_order", gettext_lazy("I want to change the items or the address")),
        ("cheaper", gettext_lazy("I found it cheaper elsewhere")),
        ("too_slow", gettext_lazy("It takes too long to ship")),
        (OTHER, gettext_lazy("Another reason")),
    )
    reason = forms.ChoiceField(label=gettext_lazy("Why do you cancel?"), choices=REASONS)
    details = forms.CharField(
        label=gettext_lazy("Tell the shop more (optional)"),
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("reason") == OTHER and not (data.get("details") or "").strip():
            self.add_error("details", _("Tell us the reason."))
        return data

    def reason_text(self) -> str:
        label = str(dict(self.REASONS)[self.cleaned_data["reason"]])
        details = (self.cleaned_data.get("details") or "").strip()
        if self.cleaned_data["reason"] == OTHER:
            return details
        return f"{label}: {details}" if details else label


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab") or ""
    if tab not in {slug for slug, _label, _q in BUYER_TABS}:
        tab = ""
    page = Paginator(orders_for_buyer(user=request.user, tab=tab), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = buyer_tab_counts(user=request.user)
    tabs = [("", _("All"), counts["all"])] + [
        (slug, label, counts[slug]) for slug, label, _q in BUYER_TABS
    ]
    context = {"page": page, "tab": tab, "tabs": tabs, "query": f"tab={tab}" if tab else ""}
    return render(request, "orders/shopper/list.html", context)


@login_required
@require_GET
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = order_for_buyer_or_404(user=request.user, number=number)
    return _detail(request, order, cancel_form=CancelForm())


def _detail(
    request: HttpRequest, order: Order, *, cancel_form: CancelForm, status: int = 200
) -> HttpResponse:
    context = {
        "order": order,
        "timeline": timeline_of(order),
        "cancel_form": cancel_form,
        "can_cancel": can_buyer_cancel(order=order),
        "can_confirm": can_confirm_receipt(order=order),
    }
    return render(request, "orders/shopper/detail.html", context, status=status)


@login_required
@require_POST
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    order = order_for_buyer_or_404(user=request.user, number=number)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            cancel_order(order=order, by=request.user, reason=form.reason_text(), initiator="buyer")
        except OrderError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your order is cancelled."))
            return redirect("orders:detail", number=order.number)
    return _detail(request, order, cancel_form=form, status=400)


@login_required
@require_POST
def order_confirm(request: HttpRequest, number: str) -> HttpResponse:
    order = order_for_buyer_or_404(user=request.user, number=number)
    try:
        confirm_receipt(order=order, by=request.user)
    except OrderError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you for confirming receipt: the order is completed."))
    return redirect("orders:detail", number=order.number)


@login_required
@require_POST
def order_buy_again(request: HttpRequest, number: str) -> HttpResponse:
    """The order's lines still on sale go into the cart (at today's prices); the rest are named."""
    order = order_for_buyer_or_404(user=request.user, number=number)
    cart = carts.cart_for_request(request, create=True)
    added, missed = 0, []
    for line in order.lines.select_related("variant__product"):
        if line.variant is None:
            missed.append(_("“%(title)s” is no longer sold.") % {"title": line.title})
            continue
        try:
            carts.add_to_cart(cart=cart, variant=line.variant, quantity=line.quantity)
        except CartError as error:
            missed.append(error.message)
        else:
            added += 1
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)d item added to your cart.", "%(count)d items added to your cart.", added
            )
            % {"count": added},
        )
    if missed:
        messages.warning(request, _("Not added: %(reasons)s") % {"reasons": " ".join(missed)})
    if added:
        return redirect("orders:cart")
    return redirect("orders:detail", number=order.number)
