"""The seller's promotions, coupons, flash sales and delivery prices (seller dashboard).

Every object is fetched through a selector scoped to ``request.shop``, so another shop's id is a
404. Clerks see the lists and the forms; creating, changing and ending are for the owner and
managers (the services refuse the others, and the create and end views do not let them in).
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.sellers.access import MANAGERS, seller_required

from ..errors import PromotionError
from ..forms import (
    CouponForm,
    FlashSaleForm,
    OfferStatusForm,
    PromotionForm,
    ShippingRateForm,
    coupon_initial,
    flash_sale_initial,
    promotion_initial,
)
from ..services import coupons, flash_sales, promotions

PAGE_SIZE = 25
TEMPLATES = "orders/seller/promotions"


def _list(
    request: HttpRequest, rows: Callable[..., Any], template: str, *, heading: str
) -> HttpResponse:
    """A status-filtered, paginated list of the shop's offers (templates extend _offer_list)."""
    form = OfferStatusForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = Paginator(rows(shop=request.shop, status=status), PAGE_SIZE).get_page(  # type: ignore[attr-defined]
        request.GET.get("page")
    )
    query = urlencode({"status": status}) if status else ""
    context = {
        "form": form,
        "page": page,
        "status": status,
        "query": query,
        "heading": heading,
        **_rights(request),
    }
    return render(request, f"{TEMPLATES}/{template}", context)


def _rights(request: HttpRequest) -> dict[str, Any]:
    return {"can_manage": request.membership.role in MANAGERS}  # type: ignore[attr-defined]


def _submit(
    request: HttpRequest, form: Form, action: Callable[[], Any], *, done: str, to: str
) -> HttpResponse | None:
    """Run ``action`` for a valid posted form: a redirect to ``to``, or None with the service's
    refusal on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        action()
    except PromotionError as error:
        form.add_error(None, error.message)
        return None
    messages.success(request, done)
    return redirect(to)


def _end(request: HttpRequest, action: Callable[[], Any], *, done: str, to: str) -> HttpResponse:
    try:
        action()
    except PromotionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(to)


# --- Promotions -------------------------------------------------------------------------------


@seller_required
@require_GET
def promotion_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request, promotions.promotions_for_shop, "promotion_list.html", heading=_("Promotions")
    )


@seller_required(roles=MANAGERS)
def promotion_create(request: HttpRequest) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    form = PromotionForm(request.POST or None, shop=shop, initial=PromotionForm.window_initial())
    response = _submit(
        request,
        form,
        lambda: promotions.create_promotion(shop=shop, by=request.user, terms=form.terms()),
        done=_("Promotion created."),
        to="orders:seller-promotions",
    )
    context = {"form": form, "promotion": None, **_rights(request)}
    return response or render(request, f"{TEMPLATES}/promotion_form.html", context)


@seller_required
def promotion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    promotion = promotions.promotion_for_shop_or_404(shop=shop, pk=pk)
    form = PromotionForm(request.POST or None, shop=shop, initial=promotion_initial(promotion))
    response = _submit(
        request,
        form,
        lambda: promotions.update_promotion(
            promotion=promotion, by=request.user, terms=form.terms()
        ),
        done=_("Promotion saved."),
        to="orders:seller-promotions",
    )
    context = {
        "form": form,
        "promotion": promotion,
        "status": promotions.status_of(promotion),
        **_rights(request),
    }
    return response or render(request, f"{TEMPLATES}/promotion_form.html", context)


@seller_required(roles=MANAGERS)
@require_POST
def promotion_end(request: HttpRequest, pk: int) -> HttpResponse:
    promotion = promotions.promotion_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    return _end(
        request,
        lambda: promotions.end_promotion(promotion=promotion, by=request.user),
        done=_("The promotion has ended."),
        to="orders:seller-promotions",
    )


# --- Coupons ----------------------------------------------------------------------------------


@seller_required
@require_GET
def coupon_list(request: HttpRequest) -> HttpResponse:
    return _list(request, coupons.coupons_for_shop, "coupon_list.html", heading=_("Coupons"))


@seller_required(roles=MANAGERS)
def coupon_create(request: HttpRequest) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    form = CouponForm(request.POST or None, shop=shop, initial=CouponForm.window_initial())
    response = _submit(
        request,
        form,
        lambda: coupons.create_coupon(shop=shop, by=request.user, terms=form.terms()),
        done=_("Coupon created."),
        to="orders:seller-coupons",
    )
    context = {"form": form, "coupon": None, **_rights(request)}
    return response or render(request, f"{TEMPLATES}/coupon_form.html", context)


@seller_required
def coupon_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    coupon = coupons.coupon_for_shop_or_404(shop=shop, pk=pk)
    form = CouponForm(request.POST or None, shop=shop, initial=coupon_initial(coupon))
    response = _submit(
        request,
        form,
        lambda: coupons.update_coupon(coupon=coupon, by=request.user, terms=form.terms()),
        done=_("Coupon saved."),
        to="orders:seller-coupons",
    )
    context = {
        "form": form,
        "coupon": coupon,
        "status": promotions.status_of(coupon),
        **_rights(request),
    }
    return response or render(request, f"{TEMPLATES}/coupon_form.html", context)


@seller_required(roles=MANAGERS)
@require_POST
def coupon_end(request: HttpRequest, pk: int) -> HttpResponse:
    coupon = coupons.coupon_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    return _end(
        request,
        lambda: coupons.end_coupon(coupon=coupon, by=request.user),
        done=_("The coupon has ended."),
        to="orders:seller-coupons",
    )


# --- Flash sales ------------------------------------------------------------------------------


@seller_required
@require_GET
def flash_sale_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request, flash_sales.flash_sales_for_shop, "flash_sale_list.html", heading=_("Flash sales")
    )


@seller_required(roles=MANAGERS)
def flash_sale_create(request: HttpRequest) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    form = FlashSaleForm(request.POST or None, shop=shop, initial=_flash_window())
    response = _submit(
        request,
        form,
        lambda: flash_sales.create_flash_sale(
            shop=shop,
            variant=form.cleaned_data["variant"],
            by=request.user,
            **form.service_kwargs(),
        ),
        done=_("Flash sale created."),
        to="orders:seller-flash-sales",
    )
    context = {"form": form, "flash_sale": None, **_rights(request)}
    return response or render(request, f"{TEMPLATES}/flash_sale_form.html", context)


def _flash_window() -> dict[str, Any]:
    """A day from now, as a suggestion."""
    start = PromotionForm.window_initial()["starts_at"]
    return {"starts_at": start, "ends_at": start + timedelta(days=1)}


@seller_required
def flash_sale_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    flash_sale = flash_sales.flash_sale_for_shop_or_404(shop=shop, pk=pk)
    form = FlashSaleForm(
        request.POST or None,
        shop=shop,
        flash_sale=flash_sale,
        initial=flash_sale_initial(flash_sale),
    )
    response = _submit(
        request,
        form,
        lambda: flash_sales.update_flash_sale(
            flash_sale=flash_sale, by=request.user, **form.service_kwargs()
        ),
        done=_("Flash sale saved."),
        to="orders:seller-flash-sales",
    )
    context = {
        "form": form,
        "flash_sale": flash_sale,
        "status": promotions.status_of(flash_sale),
        **_rights(request),
    }
    return response or render(request, f"{TEMPLATES}/flash_sale_form.html", context)


@seller_required(roles=MANAGERS)
@require_POST
def flash_sale_end(request: HttpRequest, pk: int) -> HttpResponse:
    flash_sale = flash_sales.flash_sale_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    return _end(
        request,
        lambda: flash_sales.end_flash_sale(flash_sale=flash_sale, by=request.user),
        done=_("The flash sale has ended."),
        to="orders:seller-flash-sales",
    )


# --- Delivery prices --------------------------------------------------------------------------


@seller_required
def shipping(request: HttpRequest) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    rate = promotions.shipping_rate_of(shop=shop)
    initial = {"flat_rate": rate.flat_rate, "express_rate": rate.express_rate} if rate else {}
    form = ShippingRateForm(request.POST or None, initial=initial)
    response = _submit(
        request,
        form,
        lambda: promotions.set_shipping_rate(
            shop=shop,
            flat_rate=form.cleaned_data["flat_rate"],
            express_rate=form.cleaned_data["express_rate"],
            by=request.user,
        ),
        done=_("Delivery prices saved."),
        to="orders:seller-shipping",
    )
    context = {"form": form, "rate": rate, **_rights(request)}
    return response or render(request, f"{TEMPLATES}/shipping.html", context)
