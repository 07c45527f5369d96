"""Demo carriers and shipments: "Demo Express" (the sandbox, with express, standard and economy
service) and "Harbour Post" (the sandbox too, standard and economy); then orders of the demo
shopper at the demo merchant's shop (Demo Outfitters), paid and shipped through the services as
the merchant would ship them, booked at different moments in the past so the sandbox shows one
in every state - label created, picked up, in transit, out for delivery, delivered, a delivery
problem, returned - and one to Japan with its customs declaration. They keep moving: the beat
job polls the sandbox, which advances with the clock (``LOGISTICS_SANDBOX_TIME_SCALE``).

Idempotent: every demo order has a fixed idempotency key and every shipment a fixed booking key
(chosen so the sandbox's tracking number ends in 98 or 99 where a problem is wanted), and a
shipment is made only if its booking key is not used yet.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from marketplace.accounts.models import Address, User
from marketplace.accounts.services import create_address
from orders.demo.shops import OUTFITTERS, SHOPPER, demo_shops, stocked_variants
from orders.errors import OrdersError
from orders.models import OrderStatus
from orders.services.checkout import place_order
from orders.services.lifecycle import mark_paid

from ..errors import LogisticsError
from ..models import Carrier, CarrierService, DutyRate, ServiceLevel, Shipment
from ..services.shipments import PackageSpec, create_shipment
from ..services.tracking import poll_shipment

KEYS = uuid.UUID("6f1b8a52-3c1e-5a7e-9d55-1c0a7e0d4b10")
CARRIERS = (
    (
        "Demo Express",
        "demo-express",
        "https://marketplace.example/track/{number}",
        (
            (ServiceLevel.EXPRESS, "Express", 1, 2),
            (ServiceLevel.STANDARD, "Standard", 2, 4),
            (ServiceLevel.ECONOMY, "Economy", 5, 9),
        ),
    ),
    (
        "Harbour Post",
        "harbour-post",
        "",
        (
            (ServiceLevel.STANDARD, "Registered mail", 3, 6),
            (ServiceLevel.ECONOMY, "Surface", 7, 14),
        ),
    ),
)
JAPAN = {"recipient": "Lin Mei", "phone": "+81312345678", "country": "JP", "city": "Osaka"}


@dataclass(frozen=True)
class DemoShipment:
    name: str
    carrier: str
    service: str
    hours_ago: float  # real hours since booking (the sandbox runs at its time scale)
    ending: str = ""  # the tracking number's last two digits ("98": a problem, "99": returned)
    abroad: bool = False


SHIPMENTS = (
    DemoShipment("label-created", "demo-express", ServiceLevel.STANDARD, 0),
    DemoShipment("picked-up", "demo-express", ServiceLevel.STANDARD, 0.04),
    DemoShipment("in-transit", "harbour-post", ServiceLevel.ECONOMY, 0.5),
    DemoShipment("out-for-delivery", "demo-express", ServiceLevel.EXPRESS, 0.38),
    DemoShipment("delivered", "demo-express", ServiceLevel.EXPRESS, 6),
    DemoShipment("delivery-problem", "demo-express", ServiceLevel.STANDARD, 1.0, ending="98"),
    DemoShipment("returned", "harbour-post", ServiceLevel.STANDARD, 3, ending="99"),
    DemoShipment("to-japan", "demo-express", ServiceLevel.EXPRESS, 0.2, abroad=True),
)


def run(*, log: Callable[[str], None]) -> None:
    carriers = ensure_carriers()
    DutyRate.objects.get_or_create(
        country="JP", defaults={"duty_percent": 5, "tax_percent": 10, "de_minimis": 80}
    )
    shopper = User.objects.filter(email=SHOPPER).first()
    shop = demo_shops().get(OUTFITTERS)
    if shopper is None or shop is None:
        log("logistics: no demo shopper or merchant yet, no demo shipments")
        return
    variants = stocked_variants(shop.shop, count=1)
    home = shopper.addresses.order_by("-is_default", "pk").first()
    if not variants or home is None:
        log("logistics: the demo merchant has nothing in stock, no demo shipments")
        return
    made = 0
    for spec in SHIPMENTS:
        address = _japan(shopper) if spec.abroad else home
        made += _ensure(
            spec,
            shopper=shopper,
            owner=shop.owner,
            variant_id=variants[0].pk,
            address=address,
            carrier=carriers[spec.carrier],
            log=log,
        )
    log(f"logistics: {len(carriers)} carriers, {made} demo shipments booked")


def ensure_carriers() -> dict[str, Carrier]:
    carriers = {}
    for name, code, url, services in CARRIERS:
        carrier, _created = Carrier.objects.get_or_create(
            code=code,
            defaults={"name": name, "adapter": "sandbox", "tracking_url_template": url},
        )
        for level, label, low, high in services:
            CarrierService.objects.get_or_create(
                carrier=carrier,
                level=level,
                defaults={"name": label, "days_min": low, "days_max": high},
            )
        carriers[code] = carrier
    return carriers


def booking_key(name: str, ending: str) -> uuid.UUID:
    """A fixed key for the demo shipment whose sandbox number ends in ``ending`` if asked."""
    for attempt in range(10_000):
        key = uuid.uuid5(KEYS, f"{name}-{attempt}")
        if not ending or f"{key.int % 100:02d}" == ending:
            return key
    raise ValueError(ending)


def _ensure(
    spec: DemoShipment,
    *,
    shopper: User,
    owner: User,
    variant_id: int,
    address: Address,
    carrier: Carrier,
    log: Callable[[str], None],
) -> int:
    key = booking_key(spec.name, spec.ending)
    if Shipment.objects.filter(booking_key=key).exists():
        return 0
    booked_at = timezone.now() - timedelta(hours=spec.hours_ago)
    try:
        group = place_order(
            buyer=shopper,
            pairs=[(variant_id, 2 if spec.abroad else 1)],
            address=address,
            idempotency_key=uuid.uuid5(KEYS, f"order-{spec.name}"),
            now=booked_at - timedelta(minutes=30),
            durable=False,
        )
        mark_paid(group=group, reference="demo payment", durable=False)
        order = group.orders.get()
        if order.status != OrderStatus.PAID:
            return 0
        shipment = create_shipment(
            order=order,
            by=owner,
            carrier=carrier,
            service=spec.service,
            packages=[PackageSpec(weight_grams=650 if spec.abroad else 400)],
            booking_key=key,
            now=booked_at,
        )
    except (OrdersError, LogisticsError) as error:
        log(f"logistics: demo shipment {spec.name} not made: {error.message}")
        return 0
    poll_shipment(shipment=shipment, now=timezone.now())
    return 1


def _japan(shopper: User) -> Address:
    address = shopper.addresses.filter(country=JAPAN["country"]).first()
    return address or create_address(
        user=shopper, street="1-1 Umeda, Kita-ku", postcode="530-0001", **JAPAN
    )
