"""Pages of delivery operations: the seller's delivery performance (its own shop only), the
staff report in admin (staff with the permission only), peak periods in admin (a bad window is
refused and changes nothing) and the peak notice buyers see only while a peak period is on."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from logistics.models import LateDispatch, PeakPeriod, ShipmentStatus
from logistics.services.peak import peak_for_buyers
from marketplace.sellers.models import MemberRole
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.logistics.factories import CarrierFactory, paid_order, shipment
from tests.sellers.factories import ShopFactory

pytestmark = pytest.mark.django_db

PERFORMANCE_URL = "/seller/shipping/performance/"
REPORT_URL = "/admin/logistics/deliveryperformance/"
PEAK_ADD_URL = "/admin/logistics/peakperiod/add/"


def owner_of(shop):
    return shop.merchant.members.get(role=MemberRole.OWNER).user


@pytest.fixture
def two_shops():
    """Each shop has a shipment with a carrier of its own and a late order."""
    mine, theirs = ShopFactory(name="My Shop"), ShopFactory(name="Their Shop")
    for shop, carrier_name in ((mine, "Mine Express"), (theirs, "Theirs Post")):
        carrier = CarrierFactory(name=carrier_name)
        shipment(order=paid_order(shop=shop), carrier=carrier, status=ShipmentStatus.DELIVERED)
        late = paid_order(shop=shop, paid_at=timezone.now() - timedelta(days=3))
        LateDispatch.objects.create(
            order=late, shop=shop, due_at=late.paid_at + timedelta(hours=48)
        )
    return mine, theirs


# --- The seller's page -----------------------------------------------------------------------


def test_the_seller_sees_the_delivery_figures_of_its_own_shop(client_as, two_shops):
    mine, theirs = two_shops
    mine_late = LateDispatch.objects.get(shop=mine).order.number
    theirs_late = LateDispatch.objects.get(shop=theirs).order.number

    response = client_as(owner_of(mine)).get(PERFORMANCE_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Mine Express" in html
    assert mine_late in html
    assert "100.0&nbsp;%" in html  # 1 late of 1 due
    assert "Theirs Post" not in html
    assert theirs_late not in html
    assert [c.carrier_name for c in response.context["report"].carriers] == ["Mine Express"]
    assert [s.shop_name for s in response.context["report"].shops] == ["My Shop"]


def test_the_other_shop_sees_only_its_own(client_as, two_shops):
    mine, theirs = two_shops

    html = client_as(owner_of(theirs)).get(PERFORMANCE_URL).content.decode()

    assert "Theirs Post" in html
    assert "Mine Express" not in html
    assert LateDispatch.objects.get(shop=mine).order.number not in html


def test_the_page_is_linked_in_the_seller_navigation(client_as, two_shops):
    html = client_as(owner_of(two_shops[0])).get("/seller/").content.decode()

    assert f'href="{PERFORMANCE_URL}"' in html


def test_a_shopper_without_a_shop_is_sent_to_apply(client_as):
    response = client_as(UserFactory()).get(PERFORMANCE_URL)

    assert response.status_code == 302
    assert response["Location"] == "/seller/apply/"


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(PERFORMANCE_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_seller_page_costs_a_fixed_number_of_queries(
    client_as, two_shops, django_assert_max_num_queries
):
    client = client_as(owner_of(two_shops[0]))
    client.get(PERFORMANCE_URL)
    for _ in range(4):
        shipment(order=paid_order(shop=two_shops[0]))
    with django_assert_max_num_queries(20):
        assert client.get(PERFORMANCE_URL).status_code == 200


# --- The staff report ------------------------------------------------------------------------


def test_staff_see_every_carrier_and_shop(client_as, staff_user, two_shops):
    response = client_as(staff_user).get(REPORT_URL)

    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Mine Express", "Theirs Post", "My Shop", "Their Shop"):
        assert name in html


def test_the_report_is_linked_from_the_admin_index(client_as, staff_user):
    html = client_as(staff_user).get("/admin/").content.decode()

    assert f'href="{REPORT_URL}"' in html


def test_a_merchant_cannot_open_the_staff_report(client_as, two_shops):
    response = client_as(owner_of(two_shops[0])).get(REPORT_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_need_the_reports_permission(client_as):
    clerk = UserFactory(is_staff=True)
    assert client_as(clerk).get(REPORT_URL).status_code == 403

    clerk.user_permissions.add(Permission.objects.get(codename="view_deliveryperformance"))
    clerk = type(clerk).objects.get(pk=clerk.pk)  # fresh permission cache

    assert client_as(clerk).get(REPORT_URL).status_code == 200


# --- Peak periods in admin -------------------------------------------------------------------


def peak_form(*, name: str, starts, ends, extra_days: int = 2) -> dict:
    return {
        "name": name,
        "starts_at_0": starts.strftime("%Y-%m-%d"),
        "starts_at_1": starts.strftime("%H:%M:%S"),
        "ends_at_0": ends.strftime("%Y-%m-%d"),
        "ends_at_1": ends.strftime("%H:%M:%S"),
        "extra_days": extra_days,
        "poll_minutes": 15,
    }


def test_staff_add_a_peak_period(client_as, staff_user):
    starts = timezone.localtime().replace(microsecond=0) + timedelta(days=3)

    response = client_as(staff_user).post(
        PEAK_ADD_URL, peak_form(name="11.11", starts=starts, ends=starts + timedelta(days=5))
    )

    assert response.status_code == 302
    peak = PeakPeriod.objects.get()
    assert (peak.name, peak.starts_at, peak.extra_days) == ("11.11", starts, 2)


@pytest.mark.parametrize(
    ("days", "extra_days", "message"),
    [
        (-1, 2, "The peak period must end after it starts."),
        (0, 2, "The peak period must end after it starts."),
        (63, 2, "A peak period lasts at most 62 days."),
        (5, 31, "Add at most 30 extra days to delivery estimates."),
    ],
)
def test_a_bad_window_is_refused_and_nothing_saved(
    client_as, staff_user, days, extra_days, message
):
    starts = timezone.localtime().replace(microsecond=0)

    response = client_as(staff_user).post(
        PEAK_ADD_URL,
        peak_form(
            name="Bad", starts=starts, ends=starts + timedelta(days=days), extra_days=extra_days
        ),
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PeakPeriod.objects.exists()


def test_overlapping_peak_periods_are_refused_but_a_period_may_be_edited(client_as, staff_user):
    starts = timezone.localtime().replace(microsecond=0) + timedelta(days=10)
    first = PeakPeriod.objects.create(
        name="12.12", starts_at=starts, ends_at=starts + timedelta(days=4)
    )
    client = client_as(staff_user)

    response = client.post(
        PEAK_ADD_URL,
        peak_form(name="Year end", starts=starts + timedelta(days=3), ends=starts + timedelta(7)),
    )
    assert response.status_code == 200
    assert "This window overlaps the peak period “12.12”." in response.content.decode()
    assert PeakPeriod.objects.count() == 1

    response = client.post(
        f"/admin/logistics/peakperiod/{first.pk}/change/",
        peak_form(name="12.12", starts=starts, ends=starts + timedelta(days=6), extra_days=3),
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.ends_at, first.extra_days) == (starts + timedelta(days=6), 3)


# --- The buyers' notice ----------------------------------------------------------------------


def on_sale_product():
    product = ProductFactory()
    VariantFactory(product=product, stock=5)
    return product


def render_notice() -> str:
    return Template("{% load logistics_peak %}{% peak_notice %}").render(Context({}))


def test_buyers_see_the_peak_notice_on_product_pages_during_the_window(client):
    now = timezone.now()
    PeakPeriod.objects.create(
        name="11.11",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=2),
        extra_days=3,
    )
    product = on_sale_product()

    html = client.get(f"/p/{product.slug}/").content.decode()

    assert 'id="peak-notice"' in html
    assert "Deliveries take up to 3 extra days during 11.11" in html


@pytest.mark.parametrize(
    ("starts_in", "ends_in"),
    [(timedelta(hours=1), timedelta(days=2)), (-timedelta(days=3), -timedelta(seconds=1))],
)
def test_no_peak_notice_before_or_after_the_window(client, starts_in, ends_in):
    now = timezone.now()
    PeakPeriod.objects.create(name="11.11", starts_at=now + starts_in, ends_at=now + ends_in)
    product = on_sale_product()

    html = client.get(f"/p/{product.slug}/").content.decode()

    assert 'id="peak-notice"' not in html
    assert render_notice().strip() == ""


def test_the_notice_says_one_extra_day_in_the_singular():
    now = timezone.now()
    PeakPeriod.objects.create(
        name="618",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=1),
        extra_days=1,
    )

    assert "Deliveries take up to 1 extra day during 618" in render_notice()


def test_buyers_see_the_peak_notice_at_checkout(client_as, user):
    now = timezone.now()
    PeakPeriod.objects.create(
        name="12.12", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=2)
    )
    client = client_as(user)
    AddressFactory(user=user)
    client.post("/cart/add/", {"variant": VariantFactory(stock=5).pk, "quantity": 1})

    response = client.get("/checkout/")

    assert response.status_code == 200
    assert "Deliveries take up to 2 extra days during 12.12" in response.content.decode()


def test_the_cached_peak_starts_and_ends_at_the_exact_edges():
    now = timezone.now()
    peak = PeakPeriod.objects.create(
        name="11.11", starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=5)
    )
    assert peak_for_buyers(now=now) is None  # caches the coming peak

    with CaptureQueriesContext(connection) as queries:
        assert peak_for_buyers(now=peak.starts_at - timedelta(microseconds=1)) is None
        assert peak_for_buyers(now=peak.starts_at) == peak
        assert peak_for_buyers(now=peak.ends_at - timedelta(microseconds=1)) == peak
        assert peak_for_buyers(now=peak.ends_at) is None
    assert len(queries) == 0


def test_a_peak_period_added_in_admin_shows_at_once(client, client_as, staff_user):
    product = on_sale_product()
    assert 'id="peak-notice"' not in client.get(f"/p/{product.slug}/").content.decode()
    starts = timezone.localtime().replace(microsecond=0) - timedelta(hours=1)

    client_as(staff_user).post(
        PEAK_ADD_URL, peak_form(name="618", starts=starts, ends=starts + timedelta(days=2))
    )

    html = client.get(f"/p/{product.slug}/").content.decode()
    assert "Deliveries take up to 2 extra days during 618" in html
