"""Which brands a merchant may list: owned brands always, authorised brands until the
authorisation ends. The catalogue asks ``can_sell_brand``; it never reads MerchantBrand itself.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..events import brand_authorisation_expired
from ..models import BrandRelation, Merchant, MerchantBrand


def can_sell_brand(
    *, merchant: Merchant, brand_name: str, today: datetime.date | None = None
) -> bool:
    """True if the merchant owns the brand, or holds an authorisation in force today."""
    name = " ".join(brand_name.split())
    if not name:
        return False
    today = today or timezone.localdate()
    in_force = Q(relation=BrandRelation.OWNER) | Q(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        relation=BrandRelation.AUTHORISED,
    )
    return (
        MerchantBrand.objects.filter(merchant=merchant, name__iexact=name, revoked_at__isnull=True)
        .filter(in_force)
        .exists()
    )


def is_brand_in_force(*, brand: MerchantBrand, today: datetime.date) -> bool:
    """The same rule as ``can_sell_brand``, for a brand row already loaded."""
    if brand.revoked_at is not None:
        return False
    return brand.relation == BrandRelation.OWNER or (
        brand.valid_until is None or brand.valid_until >= today
    )


def revoke_expired_brand_authorisations(*, today: datetime.date, now: datetime.datetime) -> int:
    """Authorisations that ended before ``today`` stop, each once; returns how many stopped."""
    expired = MerchantBrand.objects.filter(
        relation=BrandRelation.AUTHORISED, valid_until__lt=today, revoked_at__isnull=True
    ).values_list("pk", "merchant_id", "name")
    revoked = 0
    with transaction.atomic(savepoint=False):
        for brand_id, merchant_id, name in expired:
            if MerchantBrand.objects.filter(pk=brand_id, revoked_at__isnull=True).update(
                revoked_at=now
            ):
                revoked += 1
                _send_expired(merchant_id=merchant_id, brand_name=name)
    return revoked


def _send_expired(*, merchant_id: int, brand_name: str) -> None:
    transaction.on_commit(
        lambda: brand_authorisation_expired.send(
            sender=MerchantBrand, merchant_id=merchant_id, brand_name=brand_name
        )
    )
