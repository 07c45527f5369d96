"""The inventory page: every variant with its stock and alert level, and per SKU the movement
history with a form to record goods received or a stock count."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.core.errors import DomainError
from marketplace.sellers.access import seller_required

from ...forms import StockAdjustmentForm, ThresholdForm
from ...selectors_seller import inventory_for_shop, movements_of_variant, variant_for_shop_or_404
from ...services import inventory, products

PAGE_SIZE = 50


@seller_required
@require_GET
def inventory_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    low_only = request.GET.get("low") == "1"
    qs = inventory_for_shop(shop=request.shop, query=query, low_only=low_only)  # type: ignore[attr-defined]
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"page": page, "q": query, "low_only": low_only, "query": params.urlencode()}
    return render(request, "catalog/seller/inventory.html", context)


@seller_required
def inventory_variant(request: HttpRequest, variant_pk: int) -> HttpResponse:
    """One SKU: its movements, newest first, and the stock adjustment form."""
    variant = variant_for_shop_or_404(shop=request.shop, pk=variant_pk)  # type: ignore[attr-defined]
    form = StockAdjustmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == StockAdjustmentForm.RECEIPT:
                inventory.receive_stock(
                    variant=variant, quantity=data["quantity"], by=request.user, note=data["note"]
                )
            else:
                inventory.set_stock(
                    variant=variant, quantity=data["quantity"], by=request.user, note=data["note"]
                )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Stock updated."))
            return redirect("catalog:seller-inventory-variant", variant_pk=variant.pk)
    page = Paginator(movements_of_variant(variant=variant), 50).get_page(request.GET.get("page"))
    context = {
        "variant": variant,
        "form": form,
        "threshold_form": ThresholdForm(
            initial={"low_stock_threshold": variant.low_stock_threshold}
        ),
        "page": page,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "catalog/seller/inventory_variant.html", context, status=status)


@seller_required
@require_POST
def inventory_threshold(request: HttpRequest, variant_pk: int) -> HttpResponse:
    variant = variant_for_shop_or_404(shop=request.shop, pk=variant_pk)  # type: ignore[attr-defined]
    form = ThresholdForm(request.POST)
    if form.is_valid():
        products.set_low_stock_threshold(
            variant=variant, threshold=form.cleaned_data["low_stock_threshold"]
        )
        messages.success(request, _("Alert level saved."))
    else:
        messages.error(request, _("The alert level is a whole number, 0 or more."))
    return redirect("catalog:seller-inventory-variant", variant_pk=variant.pk)
