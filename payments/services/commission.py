"""Which commission rate is in force for a category at a moment. Reads only; never writes.

A category's rate is its latest ``CommissionRate`` whose ``valid_from`` is not after the moment;
a category without one uses its parent's, then its grandparent's (the tree has three levels),
then ``PAYMENTS_DEFAULT_COMMISSION_PERCENT``. A rate staff add later (or dated in the future)
never changes the rate found for an earlier moment.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings

from catalog.models import MAX_CATEGORY_DEPTH, Category

from ..models import CommissionRate


@dataclass(frozen=True)
class RateInForce:
    percent: Decimal
    rate: CommissionRate | None  # None: the platform's default


def default_rate() -> RateInForce:
    return RateInForce(percent=Decimal(settings.PAYMENTS_DEFAULT_COMMISSION_PERCENT), rate=None)


def rates_in_force(
    *, categories: Iterable[Category | None], at: datetime
) -> dict[int | None, RateInForce]:
    """The rate in force at ``at`` for each category (by id; ``None``: no category, the default),
    in one query whatever the number of categories (pass them with their parents loaded)."""
    wanted = {category.pk: category for category in categories if category is not None}
    chains = {pk: _chain(category) for pk, category in wanted.items()}
    ids = {pk for chain in chains.values() for pk in chain}
    latest: dict[int, CommissionRate] = {}
    for rate in CommissionRate.objects.filter(category_id__in=ids, valid_from__lte=at).order_by(
        "category_id", "-valid_from", "-pk"
    ):
        latest.setdefault(rate.category_id, rate)
    found: dict[int | None, RateInForce] = {None: default_rate()}
    for pk, chain in chains.items():
        rate = next((latest[c] for c in chain if c in latest), None)
        found[pk] = RateInForce(percent=rate.percent, rate=rate) if rate else default_rate()
    return found


def rate_in_force(*, category: Category | None, at: datetime) -> RateInForce:
    """The rate in force at ``at`` for one category."""
    return rates_in_force(categories=[category], at=at)[category.pk if category else None]


def _chain(category: Category) -> list[int]:
    """The category's id and its ancestors' ids, nearest first (no query when the parents came
    with ``select_related``)."""
    chain: list[int] = []
    node: Category | None = category
    while node is not None and len(chain) < MAX_CATEGORY_DEPTH:
        chain.append(node.pk)
        node = node.parent
    return chain
