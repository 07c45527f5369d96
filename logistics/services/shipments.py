"""Shipping an order (or part of it): the shipment is reserved, booked with the carrier's
adapter, labelled, and the order moves to shipped through ``orders`` on its first shipment.

``create_shipment`` first reserves, in one short transaction with the order row locked: the
shipment with its packages and items (never more of a line than is left to ship across all the
order's shipments), its customs declaration when it crosses a border, eco packaging and CO2
from the buyer's delivery option. Then ``book_shipment`` calls the adapter outside any
transaction with the shipment's ``booking_key`` (a retried booking is the same parcel), renders
the label PDF, and records the booking in a second short transaction that also ships the order.
A booking the carrier refused or could not take leaves the shipment reserved and unbooked: the
seller books it again or discards it. Only the order's shop people may do any of this.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.errors import OrderError
from orders.models import Order, OrderStatus
from orders.services.lifecycle import is_shop_member, ship_order

from .. import adapters
from ..errors import ShipmentError
from ..events import shipment_booked
from ..models import (
    Carrier,
    CarrierService,
    Shipment,
    ShipmentItem,
    ShipmentPackage,
    ShipmentStatus,
    ShopLogistics,
    TrackingEvent,
)
from ..selectors import unshipped_quantities
from . import co2
from .customs import declare_customs
from .labels import render_label
from .peak import current_peak
from .quotes import delivery_choice

SHIPPABLE = (OrderStatus.PAID, OrderStatus.SHIPPED)
MAX_PACKAGES = 20
MAX_PACKAGE_GRAMS = 70_000
TRACKING_NUMBER_MAX = 100
BOOKED_EVENT_ID = "booked"


@dataclass(frozen=True)
class PackageSpec:
    weight_grams: int
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None


def create_shipment(
    *,
    order: Order,
    by: Any,
    carrier: Carrier,
    service: str,
    packages: Sequence[PackageSpec],
    items: Mapping[int, int] | None = None,
    tracking_number: str = "",
    booking_key: uuid.UUID | None = None,
    now: datetime | None = None,
) -> Shipment:
    """The items (by order line id; all that is left to ship if None) are on their way with the
    carrier: booked, labelled, and the order shipped. A refused booking raises ``CarrierError``
    and leaves the shipment reserved for ``book_shipment`` or ``discard_shipment``.
    ``booking_key``: the caller's own idempotency key (a new one if None)."""
    now = now or timezone.now()
    adapter = _adapter(carrier)
    tracking_number = _checked_tracking_number(
        carrier=carrier, shipment_id=None, given=tracking_number, required=not adapter.books
    )
    shipment = reserve_shipment(
        order=order,
        by=by,
        carrier=carrier,
        service=service,
        packages=packages,
        items=items,
        booking_key=booking_key,
        now=now,
    )
    return book_shipment(shipment=shipment, by=by, tracking_number=tracking_number, now=now)


def reserve_shipment(
    *,
    order: Order,
    by: Any,
    carrier: Carrier,
    service: str,
    packages: Sequence[PackageSpec],
    items: Mapping[int, int] | None = None,
    booking_key: uuid.UUID | None = None,
    now: datetime,
) -> Shipment:
    """The shipment exists, unbooked, holding its items, packages and customs declaration."""
    _check_shop_member(order=order, by=by)
    carrier_service = _service(carrier=carrier, level=service)
    specs = _checked_packages(packages)
    destination = order.group.country
    if carrier.countries and destination not in carrier.countries:
        raise ShipmentError(
            _("%(carrier)s does not deliver to %(country)s.")
            % {"carrier": carrier.name, "country": destination},
            code="country_not_served",
        )
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("group", "shop").get(pk=order.pk)
        _check_shippable(order)
        wanted = _checked_items(order=order, items=items)
        origin_country, origin_region = _ships_from(order)
        weight = sum(spec.weight_grams for spec in specs)
        _level, eco = delivery_choice(order.delivery_option)
        shipment = Shipment.objects.create(
            order=order,
            shop=order.shop,
            carrier=carrier,
            service=carrier_service.level,
            weight_grams=weight,
            eco_packaging=eco,
            co2_grams=co2.co2_grams(
                weight_grams=weight,
                band=co2.distance_band(
                    origin_country=origin_country,
                    origin_region=origin_region,
                    destination_country=destination,
                    destination_region=order.group.region,
                ),
                eco_packaging=eco,
            ),
            destination_country=destination,
            origin_country=origin_country,
            estimated_delivery=_estimated_delivery(carrier_service, now=now),
            booking_key=booking_key or uuid.uuid4(),
            created_by=by if getattr(by, "pk", None) else None,
        )
        ShipmentPackage.objects.bulk_create(
            ShipmentPackage(
                shipment=shipment,
                weight_grams=spec.weight_grams,
                length_cm=spec.length_cm,
                width_cm=spec.width_cm,
                height_cm=spec.height_cm,
            )
            for spec in specs
        )
        ShipmentItem.objects.bulk_create(
            ShipmentItem(shipment=shipment, line_id=line_id, quantity=quantity)
            for line_id, quantity in sorted(wanted.items())
        )
        declare_customs(shipment=shipment)
    return shipment


def book_shipment(
    *, shipment: Shipment, by: Any, tracking_number: str = "", now: datetime | None = None
) -> Shipment:
    """The reserved shipment is booked with its carrier and labelled, and the order shipped if it
    was not yet; a shipment already booked is returned as it is."""
    now = now or timezone.now()
    order = shipment.order
    _check_shop_member(order=order, by=by)
    if shipment.tracking_number:
        return shipment
    _check_shippable(order)
    adapter = _adapter(shipment.carrier)
    tracking_number = _checked_tracking_number(
        carrier=shipment.carrier,
        shipment_id=shipment.pk,
        given=tracking_number,
        required=not adapter.books,
    )
    booking = adapter.book(shipment=shipment, tracking_number=tracking_number, now=now)
    shipment.tracking_number = booking.tracking_number[:TRACKING_NUMBER_MAX]
    shipment.carrier_reference = booking.carrier_reference[:200]
    shipment.estimated_delivery = booking.estimated_delivery or shipment.estimated_delivery
    label = ContentFile(render_label(shipment=shipment), name=f"{shipment.tracking_number}.pdf")
    shipment.label.save(label.name, label, save=False)
    try:
        with transaction.atomic():
            _record_booking(shipment=shipment, by=by, now=now)
    except (ShipmentError, IntegrityError) as error:
        shipment.label.delete(save=False)
        shipment.tracking_number = ""
        if isinstance(error, IntegrityError):
            raise ShipmentError(
                _("Another shipment of this carrier already has this tracking number."),
                code="tracking_number_taken",
            ) from error
        raise
    return shipment


def discard_shipment(*, shipment: Shipment, by: Any) -> None:
    """The unbooked shipment is gone and its items are free to ship again."""
    _check_shop_member(order=shipment.order, by=by)
    if shipment.tracking_number:
        raise ShipmentError(
            _("A booked shipment cannot be discarded; the carrier has it."), code="booked"
        )
    Shipment.objects.filter(pk=shipment.pk, tracking_number="").delete()


def _record_booking(*, shipment: Shipment, by: Any, now: datetime) -> None:
    order = Order.objects.select_for_update().get(pk=shipment.order_id)
    _check_shippable(order)  # not cancelled while the carrier was being asked
    claimed = Shipment.objects.filter(pk=shipment.pk, tracking_number="").update(
        tracking_number=shipment.tracking_number,
        carrier_reference=shipment.carrier_reference,
        estimated_delivery=shipment.estimated_delivery,
        label=shipment.label.name,
        next_poll_at=now,
        last_event_at=now,
    )
    if not claimed:
        raise ShipmentError(_("This shipment was booked meanwhile."), code="already_booked")
    TrackingEvent.objects.create(
        shipment=shipment,
        external_id=BOOKED_EVENT_ID,
        status=ShipmentStatus.LABEL_CREATED,
        occurred_at=now,
        location=shipment.origin_country,
        description=_("Label created; waiting for the carrier to pick it up"),
    )
    if order.status == OrderStatus.PAID:
        try:
            ship_order(
                order=order,
                by=by,
                carrier=shipment.carrier.name,
                tracking_number=shipment.tracking_number,
            )
        except OrderError as error:
            raise ShipmentError(error.message, code=error.code) from error
    shipment_id, order_id = shipment.pk, order.pk
    transaction.on_commit(
        lambda: shipment_booked.send(sender=Shipment, shipment_id=shipment_id, order_id=order_id),
        robust=True,
    )


# --- Checks ------------------------------------------------------------------------------------


def _check_shop_member(*, order: Order, by: Any) -> None:
    if not is_shop_member(order=order, user=by):
        raise ShipmentError(_("Only the shop's own people can ship its orders."), code="not_seller")


def _check_shippable(order: Order) -> None:
    if order.status not in SHIPPABLE:
        raise ShipmentError(
            _("Only a paid order can be shipped (this one is “%(status)s”).")
            % {"status": order.get_status_display()},
            code="not_paid",
        )


def _service(*, carrier: Carrier, level: str) -> CarrierService:
    service = CarrierService.objects.filter(carrier=carrier, level=level, is_active=True).first()
    if not carrier.is_active or service is None:
        raise ShipmentError(
            _("Choose a carrier and a service level it offers."), code="no_such_service"
        )
    return service


def _checked_packages(packages: Sequence[PackageSpec]) -> list[PackageSpec]:
    specs = list(packages)
    if not specs:
        raise ShipmentError(_("Add at least one package with its weight."), code="no_packages")
    if len(specs) > MAX_PACKAGES:
        raise ShipmentError(
            _("A shipment has at most %(count)d packages.") % {"count": MAX_PACKAGES},
            code="too_many_packages",
        )
    for spec in specs:
        if not 1 <= spec.weight_grams <= MAX_PACKAGE_GRAMS:
            raise ShipmentError(
                _("Each package weighs between 1 g and %(max)d g.") % {"max": MAX_PACKAGE_GRAMS},
                code="bad_weight",
            )
    return specs


def _checked_items(*, order: Order, items: Mapping[int, int] | None) -> dict[int, int]:
    """The items to ship by line id: each no more than is left of its line (read with the order
    row locked, so two shipments at once cannot both take the last units)."""
    left = unshipped_quantities(order=order)
    if items is None:
        wanted = {line_id: quantity for line_id, quantity in left.items() if quantity > 0}
    else:
        wanted = {int(line_id): int(quantity) for line_id, quantity in items.items() if quantity}
    if not wanted:
        raise ShipmentError(_("Nothing is left to ship in this order."), code="nothing_to_ship")
    for line_id, quantity in wanted.items():
        if line_id not in left:
            raise ShipmentError(_("That item is not in this order."), code="not_in_order")
        if quantity < 0 or quantity > left[line_id]:
            raise ShipmentError(
                _("Only %(left)d of an item are left to ship; you asked for %(asked)d.")
                % {"left": left[line_id], "asked": quantity},
                code="too_many",
            )
    return wanted


def _adapter(carrier: Carrier) -> adapters.Adapter:
    try:
        return adapters.get(carrier.adapter)
    except KeyError as error:
        raise ShipmentError(
            _("This carrier cannot be booked here; choose another one."), code="no_adapter"
        ) from error


def _checked_tracking_number(
    *, carrier: Carrier, shipment_id: int | None, given: str, required: bool
) -> str:
    number = (given or "").strip()
    if not required:
        return ""
    if not number:
        raise ShipmentError(
            _("Enter the tracking number the carrier gave you."), code="tracking_required"
        )
    if len(number) > TRACKING_NUMBER_MAX:
        raise ShipmentError(
            _("A tracking number has at most %(max)d characters.") % {"max": TRACKING_NUMBER_MAX},
            code="too_long",
        )
    taken = Shipment.objects.filter(carrier=carrier, tracking_number=number)
    if taken.exclude(pk=shipment_id).exists():
        raise ShipmentError(
            _("Another shipment of this carrier already has this tracking number."),
            code="tracking_number_taken",
        )
    return number


# --- Origin, estimate, CO2 ---------------------------------------------------------------------


def _ships_from(order: Order) -> tuple[str, str]:
    row = ShopLogistics.objects.filter(shop_id=order.shop_id).first()
    if row is None:
        return str(ShopLogistics._meta.get_field("ships_from_country").get_default()), ""
    return row.ships_from_country, row.ships_from_region


def _estimated_delivery(service: CarrierService, *, now: datetime) -> date:
    peak = current_peak(now=now)
    days = service.days_max + (peak.extra_days if peak else 0)
    return (timezone.localtime(now) + timedelta(days=days)).date()
