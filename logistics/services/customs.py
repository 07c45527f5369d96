"""Customs declarations of shipments to another country: what the parcel holds (description,
HS code, country of origin, quantity, value, weight), its total in the order's currency, the
incoterm, and the duties and taxes estimated from the destination's ``DutyRate``.

Values are what the buyer paid for each unit (the line's total after discounts, per unit, rounded
half up to the cent); the declared total is the sum of the items' values, so the page adds up.
DDP (the sender pays duties) when the buyer paid the duties at checkout - the delivery option's
code carries ``ddp`` (e.g. ``standard-ddp``) - otherwise DAP. Never talks to a carrier.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction

from marketplace.core.money import CENT
from orders.models import Order
from payments.services.currencies import exchange_rates

from ..models import CustomsDeclaration, CustomsItem, DutyRate, Incoterm, Shipment

DDP_OPTION = "ddp"  # a part of the delivery option code
HUNDRED = Decimal(100)


def is_cross_border(shipment: Shipment) -> bool:
    return bool(shipment.origin_country) and (
        shipment.origin_country != shipment.destination_country
    )


def incoterm_for(order: Order) -> str:
    return Incoterm.DDP if DDP_OPTION in order.delivery_option.split("-") else Incoterm.DAP


def declare_customs(*, shipment: Shipment) -> CustomsDeclaration | None:
    """The shipment's customs declaration, written from its items (None within one country).
    Runs inside the caller's transaction."""
    if not is_cross_border(shipment):
        return None
    order = shipment.order
    items = shipment.items.select_related("line__product", "line__variant").order_by("line_id")
    with transaction.atomic(savepoint=False):
        declaration = CustomsDeclaration.objects.create(
            shipment=shipment, incoterm=incoterm_for(order), currency=order.currency
        )
        total = Decimal("0")
        for item in items:
            line = item.line
            product = line.product
            unit_value = (line.total / line.quantity).quantize(CENT, rounding=ROUND_HALF_UP)
            total += unit_value * item.quantity
            unit_weight = line.variant.weight_grams if line.variant else 0
            CustomsItem.objects.create(
                declaration=declaration,
                description=((product.customs_description if product else "") or line.title)[:200],
                hs_code=product.hs_code if product else "",
                origin_country=(product.origin_country if product else "")
                or shipment.origin_country,
                quantity=item.quantity,
                unit_value=unit_value,
                weight_grams=unit_weight * item.quantity,
            )
        declaration.total_value = total
        declaration.estimated_duties = estimate_duties(
            country=shipment.destination_country, value=total, currency=order.currency
        )
        CustomsDeclaration.objects.filter(pk=declaration.pk).update(
            total_value=declaration.total_value, estimated_duties=declaration.estimated_duties
        )
    return declaration


def estimate_duties(*, country: str, value: Decimal, currency: str) -> Decimal:
    """Duty on the value, then import tax on value + duty (each rounded half up to the cent);
    nothing up to the country's de minimis (in the base currency) or without a rate."""
    rate = DutyRate.objects.filter(country=country).first()
    if rate is None or value <= 0:
        return Decimal("0.00")
    if _in_base_currency(value, currency) <= rate.de_minimis:
        return Decimal("0.00")
    duty = (value * rate.duty_percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    tax = ((value + duty) * rate.tax_percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    return duty + tax


def _in_base_currency(value: Decimal, currency: str) -> Decimal:
    if currency == settings.DEFAULT_CURRENCY:
        return value
    rate = exchange_rates().get(currency)  # units of ``currency`` per unit of the base
    return value / rate if rate else value
