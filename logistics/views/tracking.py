"""The buyer's tracking page of an order, ``/orders/<number>/tracking/``: every parcel of it
with its carrier, tracking number, estimated delivery and every event the carrier reported.
Another shopper's number is a 404."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..selectors import order_to_track_or_404, shipments_of_order, unshipped_quantities


@login_required
@require_GET
def order_tracking(request: HttpRequest, number: str) -> HttpResponse:
    order = order_to_track_or_404(user=request.user, number=number)
    shipments = list(shipments_of_order(order=order).exclude(tracking_number=""))
    for shipment in shipments:
        shipment.carrier_page = shipment.carrier.tracking_url(shipment.tracking_number)  # type: ignore[attr-defined]
    context = {
        "order": order,
        "shipments": shipments,
        "items_waiting": sum(unshipped_quantities(order=order).values()),
    }
    return render(request, "logistics/shopper/tracking.html", context)
