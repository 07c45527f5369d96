"""Recording product views: one row per visitor and product within the repeat window, signed-in
users and anonymous sessions kept apart, anonymous views handed to the account at sign-in."""

from datetime import timedelta

import pytest
from django.contrib.auth import login
from django.utils import timezone

from analytics.models import ProductView
from analytics.services.discovery import (
    VIEW_RETENTION,
    VISITOR_SESSION_KEY,
    prune_product_views,
    record_product_view,
)
from catalog.signals_storefront import product_viewed
from tests.analytics.factories import ProductViewFactory
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(shop):
    return ProductFactory(shop=shop)


def test_the_product_page_signal_records_a_view_of_the_signed_in_user(product, user, make_request):
    product_viewed.send(sender=None, request=make_request(user=user), product=product)

    view = ProductView.objects.get()
    assert (view.user, view.product, view.session_key) == (user, product, "")


def test_an_anonymous_view_is_kept_under_a_visitor_key_in_the_session(product, make_request):
    request = make_request()

    record_product_view(request=request, product=product)

    key = request.session[VISITOR_SESSION_KEY]
    assert len(key) == 32
    view = ProductView.objects.get()
    assert (view.user, view.session_key) == (None, key)


def test_a_repeat_view_within_the_window_adds_nothing(product, user, make_request):
    start = timezone.now()
    record_product_view(request=make_request(user=user), product=product, now=start)

    for minutes in (1, 29):
        later = start + timedelta(minutes=minutes)
        record_product_view(request=make_request(user=user), product=product, now=later)

    assert list(ProductView.objects.values_list("viewed_at", flat=True)) == [start]


def test_an_anonymous_repeat_view_adds_nothing(product, make_request):
    request = make_request()
    record_product_view(request=request, product=product)

    record_product_view(request=make_request(session=request.session), product=product)

    assert ProductView.objects.count() == 1


def test_recording_a_view_costs_one_query(product, user, make_request, django_assert_num_queries):
    for _ in range(2):
        with django_assert_num_queries(1):
            record_product_view(request=make_request(user=user), product=product)


def test_a_view_after_the_window_is_a_new_row(product, user, make_request):
    start = timezone.now()
    record_product_view(request=make_request(user=user), product=product, now=start)

    record_product_view(
        request=make_request(user=user), product=product, now=start + timedelta(minutes=31)
    )

    assert ProductView.objects.count() == 2


def test_the_same_product_seen_by_two_visitors_is_two_rows(product, user, other_user, make_request):
    anonymous = make_request()
    for request in (make_request(user=user), make_request(user=other_user), anonymous, anonymous):
        record_product_view(request=request, product=product)

    assert ProductView.objects.filter(user=user).count() == 1
    assert ProductView.objects.filter(user=other_user).count() == 1
    assert ProductView.objects.filter(user__isnull=True).count() == 1


def test_two_anonymous_sessions_are_two_visitors(product, make_request):
    record_product_view(request=make_request(), product=product)
    record_product_view(request=make_request(), product=product)

    assert ProductView.objects.values("session_key").distinct().count() == 2


def test_crawlers_are_not_recorded(product, make_request):
    request = make_request(user_agent="Mozilla/5.0 (compatible; Googlebot/2.1)")

    record_product_view(request=request, product=product)

    assert not ProductView.objects.exists()
    assert VISITOR_SESSION_KEY not in request.session


def test_signing_in_hands_the_anonymous_views_to_the_account(shop, user, make_request):
    seen, someone_elses = ProductFactory(shop=shop), ProductFactory(shop=shop)
    request = make_request()
    record_product_view(request=request, product=seen)
    record_product_view(request=make_request(), product=someone_elses)

    login(request, user, backend="django.contrib.auth.backends.ModelBackend")

    assert list(ProductView.objects.filter(user=user).values_list("product", flat=True)) == [
        seen.pk
    ]
    assert ProductView.objects.get(product=someone_elses).user is None


def test_old_views_are_pruned(product, user):
    now = timezone.now()
    kept = ProductViewFactory(user=user, product=product, viewed_at=now - VIEW_RETENTION)
    ProductViewFactory(user=user, product=product, viewed_at=now - VIEW_RETENTION - timedelta(1))

    assert prune_product_views(now=now) == 1
    assert list(ProductView.objects.all()) == [kept]
