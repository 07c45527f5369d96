"""The delivery operations demo: the coming 11.11 and 12.12 as peak periods, and a late
dispatch on a paid order of the demo merchant's shop, whose owner is told; a second run changes
nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from catalog import seed as catalog_seed
from logistics import seed as logistics_seed
from logistics.demo.ops import peak_window
from logistics.models import LateDispatch, PeakPeriod, ShopLogistics
from marketplace.accounts import seed as accounts_seed
from marketplace.notifications.models import Notification
from marketplace.sellers.demo import onboarding
from orders import seed as orders_seed
from orders.models import OrderStatus
from tests.sellers.conftest import private_files  # noqa: F401 - the fixture, used below

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


def seed() -> list[str]:
    lines: list[str] = []
    with transaction.atomic():  # as seed_demo runs them
        accounts_seed.run(options={}, log=lines.append)
        onboarding.run(log=lines.append)
        catalog_seed.run(options={"demo_per_leaf": 1}, log=lines.append)
        orders_seed.run(options={}, log=lines.append)
        logistics_seed.run(options={}, log=lines.append)
    return lines


def test_demo_has_peak_periods_and_a_late_dispatch_and_a_second_run_adds_nothing(
    run_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        seed()
    run_outbox()

    names = sorted(PeakPeriod.objects.values_list("name", flat=True))
    assert [name.split()[0] for name in names] == ["11.11", "12.12"]
    late = LateDispatch.objects.select_related("order", "shop").get()
    assert late.order.status == OrderStatus.PAID
    assert late.due_at < timezone.now()
    hours = ShopLogistics.objects.get(shop=late.shop).handling_hours  # the demo's promise
    assert late.due_at == late.order.paid_at + timedelta(hours=hours)
    owner = late.shop.merchant.members.get(role="owner").user
    assert owner.email == "merchant@example.com"
    assert Notification.objects.filter(user=owner, kind="logistics_late_dispatch").count() == 1

    with django_capture_on_commit_callbacks():
        seed()
    run_outbox()

    assert PeakPeriod.objects.count() == 2
    assert LateDispatch.objects.get().pk == late.pk
    assert Notification.objects.filter(kind="logistics_late_dispatch").count() == 1


@pytest.mark.parametrize(
    ("now", "expected_start"),
    [
        (datetime(2026, 12, 5, tzinfo=UTC), datetime(2027, 11, 10, tzinfo=UTC)),
        (datetime(2026, 11, 12, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC)),
        (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC)),
    ],
)
def test_the_demo_peak_is_the_festival_on_now_or_next(settings, now, expected_start):
    settings.TIME_ZONE = "UTC"
    starts_at, ends_at = peak_window(month=11, day=11, now=now)

    assert starts_at == expected_start
    assert ends_at == expected_start + timedelta(days=6)
