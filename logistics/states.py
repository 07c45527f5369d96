"""The shipment life cycle as data (moved by ``core.states.transition``, which keeps history).

label created -> picked up -> in transit -> out for delivery -> delivered, with a delivery problem
(exception) possible on the way and resolved by any later progress, or returned to sender.

A shipment's status is not pushed step by step: ``services.tracking`` computes it from the whole
set of tracking events (the furthest progress; a problem reported after it; delivered beats
returned), so the table allows every move that computation can make from a set that only grows.
"""

from .models import ShipmentStatus as S

# How far along each progress status is.
PROGRESS_RANK = {
    S.LABEL_CREATED: 0,
    S.PICKED_UP: 1,
    S.IN_TRANSIT: 2,
    S.OUT_FOR_DELIVERY: 3,
}
TERMINAL = (S.DELIVERED, S.RETURNED)
# Shipments the carriers are still asked about.
ACTIVE = (S.LABEL_CREATED, S.PICKED_UP, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.EXCEPTION)


def _later_progress(status: str) -> set[str]:
    return {other for other, rank in PROGRESS_RANK.items() if rank > PROGRESS_RANK[status]}


SHIPMENT: dict[str, set[str]] = {
    **{
        status: _later_progress(status) | {S.EXCEPTION, S.DELIVERED, S.RETURNED}
        for status in PROGRESS_RANK
    },
    S.EXCEPTION: set(PROGRESS_RANK) | {S.DELIVERED, S.RETURNED},
    # A "delivered" scan that arrives after the parcel was reported returned still wins.
    S.RETURNED: {S.DELIVERED},
    S.DELIVERED: set(),
}
