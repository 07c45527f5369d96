"""Logistics factories: carriers with their service levels."""

import factory

from logistics.models import Carrier, CarrierService, ServiceLevel


class CarrierFactory(factory.django.DjangoModelFactory):
    """An active sandbox carrier serving everywhere (no service levels: see ``carrier_with``)."""

    class Meta:
        model = Carrier

    name = factory.Sequence(lambda n: f"Carrier {n}")
    code = factory.Sequence(lambda n: f"carrier-{n}")
    adapter = "sandbox"
    tracking_url_template = "https://track.example/{number}"


def carrier_with(*levels: str, **kwargs) -> Carrier:
    """A carrier offering these service levels (standard only if none given)."""
    carrier = CarrierFactory(**kwargs)
    days = {
        ServiceLevel.EXPRESS: (1, 2),
        ServiceLevel.STANDARD: (2, 4),
        ServiceLevel.ECONOMY: (5, 9),
    }
    for level in levels or (ServiceLevel.STANDARD,):
        low, high = days[level]
        CarrierService.objects.create(
            carrier=carrier, level=level, name=str(level).title(), days_min=low, days_max=high
        )
    return carrier
