"""The seller's delivery pages under /seller/shipping/: shipping templates with their regions,
which products use which template, and the shop's delivery settings. Orders' flat rate
(/seller/shipping/) stays the fallback for shops without templates; the pages link each other.

Templates are fetched only through ``template_for_shop_or_404``: another shop's id is a 404.
Clerks see the pages; the services let only the owner and managers change anything.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.sellers.access import MANAGERS, seller_required

from ..errors import LogisticsError
from ..forms_templates import (
    AssignForm,
    DeliverySettingsForm,
    RegionFormSet,
    TemplateForm,
    region_initial,
    region_terms,
)
from ..models import ShippingTemplate
from ..services import templates as service

TEMPLATES = "logistics/seller/delivery"
PAGE_SIZE = 50


def _rights(request: HttpRequest) -> dict[str, Any]:
    return {"can_manage": request.membership.role in MANAGERS}  # type: ignore[attr-defined]


@seller_required
def template_list(request: HttpRequest) -> HttpResponse:
    templates = service.templates_for_shop(shop=request.shop)  # type: ignore[attr-defined]
    return render(
        request, f"{TEMPLATES}/template_list.html", {"templates": templates, **_rights(request)}
    )


@seller_required
def template_create(request: HttpRequest) -> HttpResponse:
    return _template_form(request, template=None)


@seller_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = service.template_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    return _template_form(request, template=template)


def _template_form(request: HttpRequest, *, template: ShippingTemplate | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    initial = {"name": template.name, "basis": template.basis} if template else None
    form = TemplateForm(data, initial=initial)
    regions = RegionFormSet(
        data, prefix="regions", initial=region_initial(template) if template else None
    )
    if data is not None and form.is_valid() and regions.is_valid():
        try:
            saved = service.save_template(
                shop=request.shop,  # type: ignore[attr-defined]
                by=request.user,
                name=form.cleaned_data["name"],
                basis=form.cleaned_data["basis"],
                regions=region_terms(regions),
                template=template,
            )
        except LogisticsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Shipping template %(name)s saved.") % {"name": saved.name})
            return redirect("logistics:seller-shipping-templates")
    context = {"template": template, "form": form, "regions": regions, **_rights(request)}
    return render(request, f"{TEMPLATES}/template_form.html", context)


@seller_required(roles=MANAGERS)
@require_POST
def template_default(request: HttpRequest, pk: int) -> HttpResponse:
    template = service.template_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    return _act(
        request,
        lambda: service.set_default_template(template=template, by=request.user),
        done=_("%(name)s is now the default template.") % {"name": template.name},
    )


@seller_required(roles=MANAGERS)
@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = service.template_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    return _act(
        request,
        lambda: service.delete_template(template=template, by=request.user),
        done=_("Shipping template %(name)s deleted.") % {"name": template.name},
    )


def _act(request: HttpRequest, action: Any, *, done: str) -> HttpResponse:
    try:
        action()
    except LogisticsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("logistics:seller-shipping-templates")


@seller_required
def product_templates(request: HttpRequest) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    products = service.products_for_assignment(shop=shop)
    templates = service.templates_for_shop(shop=shop)
    form = AssignForm(request.POST or None, products=products, templates=templates)
    if form.is_valid():
        try:
            count = service.assign_template(
                shop=shop,
                by=request.user,
                product_ids=[product.pk for product in form.cleaned_data["products"]],
                template=form.cleaned_data["template"],
            )
        except LogisticsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Shipping template set for %(count)s products.") % {"count": count}
            )
            return redirect(request.get_full_path())
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "templates": templates, **_rights(request)}
    return render(request, f"{TEMPLATES}/products.html", context)


@seller_required
def delivery_settings(request: HttpRequest) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    current = service.delivery_settings_of(shop=shop)
    initial = {
        "ships_from_country": current.ships_from_country,
        "ships_from_region": current.ships_from_region,
        "handling_hours": current.handling_hours,
        "offers_eco_packaging": current.offers_eco_packaging,
    }
    form = DeliverySettingsForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            service.update_delivery_settings(shop=shop, by=request.user, **form.cleaned_data)
        except LogisticsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Delivery settings saved."))
            return redirect("logistics:seller-shipping-settings")
    return render(request, f"{TEMPLATES}/settings.html", {"form": form, **_rights(request)})
