"""The seller's shipping of an order (seller dashboard): the form - carrier and service level,
the packages with their weights, how many of each item go (a part of the order is fine) - and
the order's shipments with their labels, booking again or discarding one the carrier did not
take.

The order comes through ``order_for_shop_or_404`` and shipments through
``shipment_for_shop_or_404``: another shop's number or id is a 404. Who may ship is the
services' guard (every member of the shop's staff may).
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.sellers.access import seller_required
from orders.models import Order
from orders.selectors import order_for_shop_or_404

from ..errors import CarrierError, LogisticsError
from ..models import Carrier, CarrierService
from ..selectors import (
    bookable_services,
    shipment_for_shop_or_404,
    shipments_of_order,
    unshipped_quantities,
)
from ..services.shipments import (
    MAX_PACKAGE_GRAMS,
    MAX_PACKAGES,
    SHIPPABLE,
    TRACKING_NUMBER_MAX,
    PackageSpec,
    book_shipment,
    create_shipment,
    discard_shipment,
)


class PackageForm(forms.Form):
    weight_grams = forms.IntegerField(
        label=gettext_lazy("Weight (g)"), min_value=1, max_value=MAX_PACKAGE_GRAMS
    )
    length_cm = forms.IntegerField(
        label=gettext_lazy("Length (cm)"), min_value=1, max_value=300, required=False
    )
    width_cm = forms.IntegerField(
        label=gettext_lazy("Width (cm)"), min_value=1, max_value=300, required=False
    )
    height_cm = forms.IntegerField(
        label=gettext_lazy("Height (cm)"), min_value=1, max_value=300, required=False
    )


PackageFormSet = forms.formset_factory(
    PackageForm, extra=2, min_num=1, validate_min=True, max_num=MAX_PACKAGES, validate_max=True
)


class ShipForm(forms.Form):
    """Carrier and service as one choice, a tracking number for carriers that do not issue
    one, and a quantity field per order line still to ship (``line_<id>``)."""

    service = forms.ChoiceField(label=gettext_lazy("Carrier and service"))
    tracking_number = forms.CharField(
        label=gettext_lazy("Tracking number"),
        max_length=TRACKING_NUMBER_MAX,
        required=False,
        help_text=gettext_lazy(
            "Only for carriers tracked by number (you booked the parcel with them yourself)."
        ),
    )

    def __init__(
        self, *args: Any, services: list[CarrierService], left: list[tuple[Any, int]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [
            (
                f"{service.carrier_id}:{service.level}",
                _("%(carrier)s: %(service)s (%(low)d-%(high)d days)")
                % {
                    "carrier": service.carrier.name,
                    "service": service.name,
                    "low": service.days_min,
                    "high": service.days_max,
                },
            )
            for service in services
        ]
        self.line_fields = []
        for line, quantity in left:
            name = f"line_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{line.title} ({line.sku})",
                min_value=0,
                max_value=quantity,
                initial=quantity,
            )
            self.line_fields.append(name)

    def carrier_and_level(self) -> tuple[Carrier, str]:
        carrier_id, _sep, level = self.cleaned_data["service"].partition(":")
        carrier = Carrier.objects.filter(pk=int(carrier_id)).first()
        if carrier is None:
            raise Http404
        return carrier, level

    def items(self) -> dict[int, int]:
        return {
            int(name.removeprefix("line_")): self.cleaned_data[name]
            for name in self.line_fields
            if self.cleaned_data.get(name)
        }


@seller_required
@require_http_methods(["GET", "POST"])
def ship(request: HttpRequest, number: str) -> HttpResponse:
    order = order_for_shop_or_404(shop=request.shop, number=number)  # type: ignore[attr-defined]
    services = list(bookable_services(country=order.group.country))
    data = request.POST if request.method == "POST" else None
    form = ShipForm(data, services=services, left=_lines_left(order))
    packages = PackageFormSet(data, prefix="packages")
    if data is not None and form.is_valid() and packages.is_valid():
        carrier, level = form.carrier_and_level()
        specs = [
            PackageSpec(**{key: value for key, value in package.items() if value is not None})
            for package in packages.cleaned_data
            if package
        ]
        try:
            shipment = create_shipment(
                order=order,
                by=request.user,
                carrier=carrier,
                service=level,
                packages=specs,
                items=form.items(),
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except CarrierError as error:
            # The shipment is reserved (its items held); the page lists it to book again.
            messages.error(
                request,
                _("%(reason)s The shipment is saved: book it again or discard it below.")
                % {"reason": error.message},
            )
            return redirect("logistics:ship", number=order.number)
        except LogisticsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Shipped with %(carrier)s: tracking number %(number)s. Print the label.")
                % {"carrier": carrier.name, "number": shipment.tracking_number},
            )
            return redirect("logistics:ship", number=order.number)
    left = _lines_left(order)
    context = {
        "order": order,
        "form": form,
        "packages": packages,
        "shipments": list(shipments_of_order(order=order)),
        "can_ship": order.status in SHIPPABLE and bool(left) and bool(services),
        "has_services": bool(services),
    }
    status = 400 if data is not None else 200
    return render(request, "logistics/seller/ship.html", context, status=status)


def _lines_left(order: Order) -> list[tuple[Any, int]]:
    left = unshipped_quantities(order=order)
    return [(line, left[line.pk]) for line in order.lines.all() if left.get(line.pk, 0) > 0]


@seller_required
@require_POST
def book(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = shipment_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    tracking_number = (request.POST.get("tracking_number") or "")[:TRACKING_NUMBER_MAX]
    try:
        book_shipment(shipment=shipment, by=request.user, tracking_number=tracking_number)
    except LogisticsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Booked: print the label."))
    return redirect("logistics:ship", number=shipment.order.number)


@seller_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = shipment_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    try:
        discard_shipment(shipment=shipment, by=request.user)
    except LogisticsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Discarded: its items can be shipped again."))
    return redirect("logistics:ship", number=shipment.order.number)


@seller_required
def label(request: HttpRequest, pk: int) -> FileResponse:
    shipment = shipment_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    if not shipment.label:
        raise Http404
    return FileResponse(
        shipment.label.open("rb"),
        content_type="application/pdf",
        filename=f"label-{shipment.tracking_number}.pdf",
    )
