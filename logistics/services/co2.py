"""CO2 estimate of a parcel, from its weight and how far it goes (a distance band).

The estimate is deliberately rough and says so to the buyer: it is meant to compare options
(eco packaging, buying closer to home), not to account for emissions. It is pure arithmetic on
values: no database, no network. Shipments store the same figure (``Shipment.co2_grams``).

    grams CO2e = last mile + packaging + weight (kg) x distance (km) x intensity (g per kg-km)

The factors are rounded from published default intensities (GLEC Framework, UK DEFRA conversion
factors) for parcels:

- distance per band: same province/state 50 km, same country 400 km, same continent 2,500 km,
  intercontinental 9,000 km;
- intensity: road 0.11 g per kg-km within a country; 0.30 within a continent (road, sea and
  some air mixed); 0.60 between continents (mostly air freight);
- last mile (van to the door, per parcel): 180 g;
- packaging (per parcel): a new box with fill 120 g; eco packaging (reused or minimal, no
  extra fill) 40 g.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class DistanceBand(models.TextChoices):
    SAME_REGION = "same_region", _("same province or state")
    SAME_COUNTRY = "same_country", _("same country")
    SAME_CONTINENT = "same_continent", _("same continent")
    INTERCONTINENTAL = "intercontinental", _("another continent")


@dataclass(frozen=True)
class BandFactor:
    km: Decimal
    grams_per_kg_km: Decimal


FACTORS: dict[str, BandFactor] = {
    DistanceBand.SAME_REGION: BandFactor(Decimal(50), Decimal("0.11")),
    DistanceBand.SAME_COUNTRY: BandFactor(Decimal(400), Decimal("0.11")),
    DistanceBand.SAME_CONTINENT: BandFactor(Decimal(2500), Decimal("0.30")),
    DistanceBand.INTERCONTINENTAL: BandFactor(Decimal(9000), Decimal("0.60")),
}
LAST_MILE_GRAMS = Decimal(180)
PACKAGING_GRAMS = Decimal(120)
ECO_PACKAGING_GRAMS = Decimal(40)

# The continents of the countries the address book offers (marketplace.accounts.countries).
# A country missing here is treated as on another continent than any other country.
COUNTRIES_BY_CONTINENT = {
    "asia": "TW HK MO CN SG MY JP KR BD BN KH IN ID IL KW LA MN MM NP PK PH QA SA LK TH AE VN",
    "europe": "AT BE CZ DK FI FR DE GR HU IE IT LU NL NO PL PT RO ES SE CH TR UA GB",
    "north_america": "US CA MX",
    "south_america": "AR BR CL CO PE",
    "africa": "EG KE NG ZA",
    "oceania": "AU NZ",
}
CONTINENTS: dict[str, str] = {
    code: continent for continent, codes in COUNTRIES_BY_CONTINENT.items() for code in codes.split()
}


def distance_band(
    *,
    origin_country: str,
    origin_region: str = "",
    destination_country: str,
    destination_region: str = "",
) -> DistanceBand:
    """How far a parcel from the origin goes to the destination, as a band."""
    if origin_country.upper() == destination_country.upper():
        if origin_region and same_region(origin_region, destination_region):
            return DistanceBand.SAME_REGION
        return DistanceBand.SAME_COUNTRY
    continent = CONTINENTS.get(origin_country.upper())
    if continent is not None and continent == CONTINENTS.get(destination_country.upper()):
        return DistanceBand.SAME_CONTINENT
    return DistanceBand.INTERCONTINENTAL


def same_region(first: str, second: str) -> bool:
    """Two province or state names written the same way, whatever the case and spacing."""
    return normalise_region(first) == normalise_region(second) != ""


def normalise_region(name: str) -> str:
    return " ".join(name.split()).casefold()


def co2_grams(*, weight_grams: int, band: DistanceBand | str, eco_packaging: bool) -> int:
    """Estimated grams of CO2e for one parcel of ``weight_grams`` over ``band``."""
    factor = FACTORS[band]
    transport = Decimal(weight_grams) / 1000 * factor.km * factor.grams_per_kg_km
    packaging = ECO_PACKAGING_GRAMS if eco_packaging else PACKAGING_GRAMS
    total = LAST_MILE_GRAMS + packaging + transport
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))
