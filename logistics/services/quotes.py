"""Checkout's delivery options per shop: shipping templates, delivery estimates, eco packaging,
CO2 and import duties. ``settings.ORDERS_SHIPPING_QUOTE`` names ``quote_delivery``.

For one shop, from the cart lines (SKU, quantity) and the address:

- each line's product uses its own template or the shop's default; lines of one template are
  priced together (by weight: the SKUs' weights times quantities, partial weights rounded up to a
  whole additional step; by items; or flat), and a shop with products on several templates
  pays the sum of the templates' prices;
- a service level is offered when every template has a served region for the address at that
  level (a province/state row beats its country's row, which beats an "everywhere else" row);
  no level served: no options, and checkout says the shop does not deliver there;
- the estimate is the fastest active carrier service of the level that serves the country (or
  ``DEFAULT_TRANSIT``) plus the shop's handling time plus the current peak
  period's extra days;
- a shop without templates (or with a product left without one) keeps orders' flat rate;
- shops offering eco packaging get an eco twin of each option at the same price (the option
  code plus ``-eco``, which the order keeps in ``delivery_option``); every option carries its CO2
  estimate, and, for an address in another country, the estimated duties and taxes (DDP) from
  ``DutyRate``.

Without an address (the cart page) the shop's own country is quoted, without CO2 or duties.
It never writes, and ``quote_deliveries`` quotes every shop of a cart in the same few queries
however many shops and lines it holds (orders calls it through ``quote_delivery.for_shops``).
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from catalog.models import Variant
from marketplace.core.money import CENT
from marketplace.sellers.models import Shop
from orders.shipping import DeliveryOption, flat_rate_options

from ..models import (
    CarrierService,
    DutyRate,
    PeakPeriod,
    PricingBasis,
    ProductShippingTemplate,
    ServiceLevel,
    ShippingRegion,
    ShippingTemplate,
    ShopLogistics,
)
from .co2 import DistanceBand, co2_grams, distance_band, normalise_region
from .peak import current_peak

ECO_SUFFIX = "-eco"
HOURS_PER_DAY = 24
LEVELS = (ServiceLevel.ECONOMY, ServiceLevel.STANDARD, ServiceLevel.EXPRESS)
ZERO = Decimal("0.00")
LEVEL_LABELS = {
    ServiceLevel.ECONOMY: gettext_lazy("Economy delivery"),
    ServiceLevel.STANDARD: gettext_lazy("Standard delivery"),
    ServiceLevel.EXPRESS: gettext_lazy("Express delivery"),
}

Line = tuple[Variant, int]


@dataclass(frozen=True)
class Transit:
    days_min: int
    days_max: int


# Days in transit per level when no active carrier service of the level serves the country.
DEFAULT_TRANSIT = {
    ServiceLevel.ECONOMY: Transit(5, 10),
    ServiceLevel.STANDARD: Transit(3, 5),
    ServiceLevel.EXPRESS: Transit(1, 2),
}


@dataclass(frozen=True)
class Destination:
    country: str
    region: str
    is_address: bool  # False: no address yet, the shop's own country is quoted


@dataclass(frozen=True)
class Parcel:
    """What a group of lines weighs, counts and is worth (list prices)."""

    grams: int
    items: int
    value: Decimal

    @classmethod
    def of(cls, lines: Iterable[Line]) -> "Parcel":
        lines = list(lines)
        return cls(
            grams=sum(variant.weight_grams * quantity for variant, quantity in lines),
            items=sum(quantity for _variant, quantity in lines),
            value=sum((variant.price * quantity for variant, quantity in lines), ZERO),
        )


# --- Entry points ------------------------------------------------------------------------------


def quote_delivery(
    *, shop: Shop, lines: Sequence[Line] = (), address: Any = None
) -> list[DeliveryOption]:
    """The shop's delivery options for these lines to this address, cheapest first."""
    return quote_deliveries(requests=[(shop, lines)], address=address)[0]


def quote_deliveries(
    *,
    requests: Sequence[tuple[Shop, Sequence[Line]]],
    address: Any = None,
    now: datetime | None = None,
) -> list[list[DeliveryOption]]:
    """Every shop's options (one list per request, in order), in a fixed handful of queries."""
    if not requests:
        return []
    now = now or timezone.now()
    shop_ids = [shop.pk for shop, _lines in requests]
    shop_settings = _shop_settings(shop_ids)
    product_ids = {variant.product_id for _shop, lines in requests for variant, _q in lines}
    templates, assigned = _templates(shop_ids, product_ids)
    context = _Context(now=now, needs_estimates=bool(templates))
    return [
        _quote_shop(
            shop=shop,
            lines=list(lines),
            address=address,
            logistics=shop_settings[shop.pk],
            templates=templates.get(shop.pk, []),
            assigned=assigned,
            context=context,
        )
        for shop, lines in requests
    ]


# Orders quotes a whole cart with one call when the quote function offers it.
quote_delivery.for_shops = quote_deliveries  # type: ignore[attr-defined]


# --- Pure pricing ------------------------------------------------------------------------------


def region_price(*, region: ShippingRegion, basis: str, parcel: Parcel) -> Decimal:
    """What ``parcel`` pays under this region's row: first step, additional steps rounded up,
    nothing over a free threshold."""
    if region.free_over_amount is not None and parcel.value >= region.free_over_amount:
        return ZERO
    if region.free_over_grams is not None and parcel.grams >= region.free_over_grams:
        return ZERO
    price = region.first_price
    if basis != PricingBasis.FLAT and region.additional_units:
        units = parcel.grams if basis == PricingBasis.WEIGHT else parcel.items
        steps = math.ceil(max(0, units - region.first_units) / region.additional_units)
        price += region.additional_price * steps
    return price.quantize(CENT, rounding=ROUND_HALF_UP)


def matching_region(
    *, regions: Iterable[ShippingRegion], level: str, destination: Destination
) -> ShippingRegion | None:
    """The most specific row of ``level`` covering the destination: province or state, then
    country, then "everywhere else"; None when no row covers it."""
    best: tuple[int, ShippingRegion] | None = None
    for region in regions:
        if region.level != level:
            continue
        rank = _specificity(region, destination)
        if rank is not None and (best is None or rank > best[0]):
            best = (rank, region)
    return best[1] if best else None


def estimated_duties(*, value: Decimal, rate: DutyRate) -> Decimal:
    """Duty on the goods' value, then import tax on value plus duty; nothing up to the
    destination's de minimis. Each rounded HALF_UP to the cent."""
    if value <= rate.de_minimis:
        return ZERO
    duty = (value * rate.duty_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    tax = ((value + duty) * rate.tax_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return duty + tax


def delivery_choice(code: str) -> tuple[str, bool]:
    """The service level and the eco-packaging wish an order's ``delivery_option`` code
    records ("standard-eco" -> ("standard", True)); shipments read it back with this."""
    level = code.removesuffix(ECO_SUFFIX)
    return level, level != code


def handling_days(hours: int) -> int:
    return math.ceil(hours / HOURS_PER_DAY)


def estimate_text(*, transit: Transit, handling: int, peak: PeakPeriod | None) -> str:
    extra = peak.extra_days if peak else 0
    low = transit.days_min + handling + extra
    high = transit.days_max + handling + extra
    if low == high:
        text = ngettext("%(days)s day", "%(days)s days", high) % {"days": high}
    else:
        text = _("%(low)s-%(high)s days") % {"low": low, "high": high}
    if peak and extra:
        text += " " + ngettext(
            "(includes %(days)s extra day for %(peak)s)",
            "(includes %(days)s extra days for %(peak)s)",
            extra,
        ) % {"days": extra, "peak": peak.name}
    return text


def co2_text(grams: int, band: DistanceBand) -> str:
    amount = f"{grams} g" if grams < 1000 else f"{Decimal(grams) / 1000:.1f} kg"
    return _("About %(amount)s of CO2e (%(band)s, estimate)") % {
        "amount": amount,
        "band": band.label,
    }


def _specificity(region: ShippingRegion, destination: Destination) -> int | None:
    countries = [code.upper() for code in region.countries]
    if not countries:
        return 0
    if destination.country.upper() not in countries:
        return None
    if not region.provinces:
        return 1
    wanted = normalise_region(destination.region)
    return 2 if wanted and wanted in {normalise_region(p) for p in region.provinces} else None


# --- One shop ----------------------------------------------------------------------------------


class _Context:
    """What every shop of one quote shares, read at most once: the peak period, the carriers'
    transit times and the destination's duty rate."""

    def __init__(self, *, now: datetime, needs_estimates: bool) -> None:
        self.peak = current_peak(now=now) if needs_estimates else None
        self._services: list[tuple[str, int, int, list[str]]] | None = None
        self._duty_rates: dict[str, DutyRate | None] = {}

    def transit(self, *, level: str, country: str) -> Transit:
        if self._services is None:
            self._services = list(
                CarrierService.objects.filter(is_active=True, carrier__is_active=True)
                .order_by("days_max", "days_min", "pk")
                .values_list("level", "days_min", "days_max", "carrier__countries")
            )
        for service_level, days_min, days_max, countries in self._services:
            if service_level == level and (not countries or country.upper() in countries):
                return Transit(days_min, days_max)
        return DEFAULT_TRANSIT[level]

    def duty_rate(self, country: str) -> DutyRate | None:
        if country not in self._duty_rates:
            self._duty_rates[country] = DutyRate.objects.filter(country=country.upper()).first()
        return self._duty_rates[country]


def _quote_shop(
    *,
    shop: Shop,
    lines: list[Line],
    address: Any,
    logistics: ShopLogistics,
    templates: list[ShippingTemplate],
    assigned: dict[int, int],
    context: _Context,
) -> list[DeliveryOption]:
    destination = _destination(address, logistics)
    groups = _groups(lines, templates=templates, assigned=assigned)
    if groups is None:
        options = flat_rate_options(shop=shop, lines=lines, address=address)
    else:
        options = _template_options(
            groups, destination=destination, logistics=logistics, context=context
        )
    return _with_extras(
        options, lines=lines, destination=destination, logistics=logistics, context=context
    )


def _destination(address: Any, logistics: ShopLogistics) -> Destination:
    if address is None or not getattr(address, "country", ""):
        return Destination(logistics.ships_from_country, logistics.ships_from_region, False)
    return Destination(address.country.upper(), address.region or "", True)


def _groups(
    lines: list[Line], *, templates: list[ShippingTemplate], assigned: dict[int, int]
) -> list[tuple[ShippingTemplate, Parcel]] | None:
    """The lines per template, or None when the shop's flat rate applies (no templates, a
    product without one, or a template in another currency than the goods)."""
    if not templates or not lines:
        return None
    by_id = {template.pk: template for template in templates}
    default = next((template for template in templates if template.is_default), None)
    grouped: dict[int, list[Line]] = {}
    for variant, quantity in lines:
        template = by_id.get(assigned.get(variant.product_id, 0)) or default
        if template is None or template.currency != variant.product.currency:
            return None
        grouped.setdefault(template.pk, []).append((variant, quantity))
    return [(by_id[pk], Parcel.of(group)) for pk, group in grouped.items()]


def _template_options(
    groups: list[tuple[ShippingTemplate, Parcel]],
    *,
    destination: Destination,
    logistics: ShopLogistics,
    context: _Context,
) -> list[DeliveryOption]:
    quoted: list[tuple[Decimal, int, DeliveryOption]] = []
    for level in LEVELS:
        prices = []
        for template, parcel in groups:
            region = matching_region(
                regions=template.regions.all(), level=level, destination=destination
            )
            if region is None or not region.is_served:
                break
            prices.append(region_price(region=region, basis=template.basis, parcel=parcel))
        else:
            transit = context.transit(level=level, country=destination.country)
            estimate = estimate_text(
                transit=transit,
                handling=handling_days(logistics.handling_hours),
                peak=context.peak,
            )
            price = sum(prices, ZERO)
            option = DeliveryOption(level, str(LEVEL_LABELS[level]), price, estimate)
            quoted.append((price, transit.days_max, option))
    return [option for _price, _days, option in sorted(quoted, key=lambda q: (q[0], q[1]))]


def _with_extras(
    options: list[DeliveryOption],
    *,
    lines: list[Line],
    destination: Destination,
    logistics: ShopLogistics,
    context: _Context,
) -> list[DeliveryOption]:
    """Each option with its CO2 estimate and the duties (for another country), followed by its
    eco-packaging twin when the shop offers it."""
    parcel = Parcel.of(lines)
    duties = _duties(
        parcel, lines=lines, destination=destination, logistics=logistics, context=context
    )
    band = distance_band(
        origin_country=logistics.ships_from_country,
        origin_region=logistics.ships_from_region,
        destination_country=destination.country,
        destination_region=destination.region,
    )
    result = []
    for option in options:
        for eco in (False, True) if logistics.offers_eco_packaging else (False,):
            note = ""
            if destination.is_address:
                note = co2_text(
                    co2_grams(weight_grams=parcel.grams, band=band, eco_packaging=eco), band
                )
            result.append(
                DeliveryOption(
                    f"{option.code}{ECO_SUFFIX}" if eco else option.code,
                    _("%(option)s, eco packaging") % {"option": option.label}
                    if eco
                    else option.label,
                    option.price,
                    option.estimate,
                    note=note,
                    duties=duties,
                )
            )
    return result


def _duties(
    parcel: Parcel,
    *,
    lines: list[Line],
    destination: Destination,
    logistics: ShopLogistics,
    context: _Context,
) -> Decimal | None:
    """The estimated duties and taxes for an address abroad with a known rate, in the base
    currency the rates' de minimis is in; None otherwise."""
    if not destination.is_address or destination.country == logistics.ships_from_country.upper():
        return None
    if any(variant.product.currency != settings.DEFAULT_CURRENCY for variant, _q in lines):
        return None
    rate = context.duty_rate(destination.country)
    return estimated_duties(value=parcel.value, rate=rate) if rate else None


# --- Loading -----------------------------------------------------------------------------------


def _shop_settings(shop_ids: list[int]) -> dict[int, ShopLogistics]:
    """Each shop's delivery settings; the defaults for a shop that never saved any."""
    found = {row.shop_id: row for row in ShopLogistics.objects.filter(shop_id__in=shop_ids)}
    return {shop_id: found.get(shop_id) or ShopLogistics(shop_id=shop_id) for shop_id in shop_ids}


def _templates(
    shop_ids: list[int], product_ids: set[int]
) -> tuple[dict[int, list[ShippingTemplate]], dict[int, int]]:
    """The shops' templates with their regions, and the template chosen per product."""
    regions = Prefetch("regions", queryset=ShippingRegion.objects.order_by("position", "pk"))
    templates = list(
        ShippingTemplate.objects.filter(shop_id__in=shop_ids).prefetch_related(regions)
    )
    by_shop: dict[int, list[ShippingTemplate]] = {}
    for template in templates:
        by_shop.setdefault(template.shop_id, []).append(template)
    assigned: dict[int, int] = {}
    if templates and product_ids:
        assigned = dict(
            ProductShippingTemplate.objects.filter(
                product_id__in=product_ids, template_id__in=[t.pk for t in templates]
            ).values_list("product_id", "template_id")
        )
    return by_shop, assigned
