"""Demo accounts of DESIGN.md (password demo-pass-123), each with a verified e-mail address."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.utils import timezone

from marketplace.core.seeding import DEMO_PASSWORD

from .models import Address, User
from .roles import sync_staff_groups

DEMO_ACCOUNT_AGE = timedelta(days=400)
DEMO_ACCOUNTS = [
    ("shopper@example.com", "Demo Shopper", {}),
    ("merchant@example.com", "Demo Merchant", {}),
    ("staff@example.com", "Demo Staff", {"is_staff": True, "is_superuser": True}),
]


def run(*, options: dict[str, Any], log: Callable[[str], None]) -> None:
    sync_staff_groups()
    for email, name, flags in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email, defaults={"display_name": name, **flags}
        )
        if created:
            # Demo accounts are regulars, not brand-new sign-ups (risk control treats those
            # with care: a new account paying a large amount is held for review).
            user.set_password(DEMO_PASSWORD)
            user.date_joined = timezone.now() - DEMO_ACCOUNT_AGE
            user.save(update_fields=["password", "date_joined"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    shopper = User.objects.get(email="shopper@example.com")
    if not shopper.addresses.exists():
        Address.objects.create(
            user=shopper,
            recipient="Demo Shopper",
            phone="+886 2 2345 6789",
            country="TW",
            region="Taipei",
            city="Taipei",
            street="No. 7, Section 5, Xinyi Road",
            postcode="110",
            is_default=True,
        )
        Address.objects.create(
            user=shopper,
            recipient="王小明",
            phone="+86 21 5555 0100",
            country="CN",
            region="上海市",
            city="上海",
            street="浦东新区世纪大道 100 号",
            postcode="200120",
        )
    log("demo accounts: shopper@example.com, merchant@example.com, staff@example.com")
