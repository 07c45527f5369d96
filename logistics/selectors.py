"""Reads of shipments for the seller's and the buyer's pages, scoped to who asks and prefetched
so a page's query count does not grow with its rows. Nothing here writes."""

from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.http import Http404

from marketplace.sellers.models import Shop
from orders.models import Order, OrderLine

from .models import Carrier, CarrierService, Shipment, ShipmentItem, TrackingEvent


def _with_details(qs: QuerySet[Shipment]) -> QuerySet[Shipment]:
    return qs.select_related("carrier", "customs").prefetch_related(
        "packages",
        Prefetch("items", queryset=ShipmentItem.objects.select_related("line").order_by("line_id")),
        Prefetch("events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-pk")),
    )


def shipments_of_order(*, order: Order) -> QuerySet[Shipment]:
    """The order's shipments, oldest first, with packages, items, events and customs."""
    return _with_details(Shipment.objects.filter(order=order)).order_by("created_at", "pk")


def shipment_for_shop_or_404(*, shop: Shop, pk: int) -> Shipment:
    """The shop's own shipment; another shop's id is a 404."""
    shipment = (
        Shipment.objects.filter(shop=shop, pk=pk).select_related("order__group", "carrier").first()
    )
    if shipment is None:
        raise Http404
    return shipment


def order_to_track_or_404(*, user: Any, number: str) -> Order:
    """The user's own order (for its tracking page); another shopper's number is a 404."""
    order = Order.objects.filter(buyer=user, number=number).select_related("shop", "group").first()
    if order is None:
        raise Http404
    return order


def unshipped_quantities(*, order: Order) -> dict[int, int]:
    """How many of each order line no shipment carries yet (booked or not), by line id."""
    shipped = dict(
        ShipmentItem.objects.filter(shipment__order=order)
        .values("line_id")
        .annotate(total=Sum("quantity"))
        .values_list("line_id", "total")
    )
    lines = OrderLine.objects.filter(order=order).values_list("pk", "quantity")
    return {pk: quantity - (shipped.get(pk) or 0) for pk, quantity in lines}


def bookable_services(*, country: str) -> QuerySet[CarrierService]:
    """Active service levels of active carriers serving ``country`` (empty list: everywhere)."""
    carriers = Carrier.objects.filter(is_active=True)
    serving = [
        carrier.pk for carrier in carriers if not carrier.countries or country in carrier.countries
    ]
    return (
        CarrierService.objects.filter(is_active=True, carrier_id__in=serving)
        .select_related("carrier")
        .order_by("carrier__name", "days_max")
    )
