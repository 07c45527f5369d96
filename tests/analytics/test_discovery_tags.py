"""The discovery template tags render product cards at a fixed query cost, and the admin shows
views and associations read-only."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.models import AssociationKind, ProductAssociation, ProductView
from analytics.services.discovery import record_product_view
from tests.accounts.factories import UserFactory
from tests.analytics.factories import ProductViewFactory
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

TAGS = {
    "guess": "{% load discovery %}{% guess_you_like request limit=limit %}",
    "recent": "{% load discovery %}{% recently_viewed request limit=limit %}",
    "also": "{% load discovery %}{% also_viewed product limit=limit %}",
}


def render(tag: str, limit: int = 8, **context) -> str:
    return Template(TAGS[tag]).render(Context({"limit": limit, **context}))


def associate(product, others):
    ProductAssociation.objects.bulk_create(
        ProductAssociation(
            product=product,
            other=other,
            kind=AssociationKind.VIEWED,
            score=100 - index,
            computed_at=timezone.now(),
        )
        for index, other in enumerate(others)
    )


def test_recently_viewed_renders_my_products_as_cards(shop, user, make_request):
    product = ProductFactory(shop=shop, title="Bubble tea kettle", slug="bubble-tea-kettle")
    request = make_request(user=user)
    record_product_view(request=request, product=product)

    html = render("recent", request=request)

    assert "Recently viewed" in html
    assert "Bubble tea kettle" in html
    assert 'href="/p/bubble-tea-kettle/"' in html


def test_an_anonymous_visitor_sees_their_own_recently_viewed_only(shop, make_request):
    mine = ProductFactory(shop=shop, title="Mine")
    theirs = ProductFactory(shop=shop, title="Theirs")
    me, them = make_request(), make_request()
    record_product_view(request=me, product=mine)
    record_product_view(request=them, product=theirs)

    html = render("recent", request=make_request(session=me.session))

    assert "Mine" in html
    assert "Theirs" not in html


def test_recently_viewed_can_leave_out_the_product_on_screen(shop, user, make_request):
    on_screen = ProductFactory(shop=shop, title="On screen")
    earlier = ProductFactory(shop=shop, title="Seen earlier")
    request = make_request(user=user)
    for product in (earlier, on_screen):
        record_product_view(request=request, product=product)

    template = "{% load discovery %}{% recently_viewed request exclude=product %}"
    html = Template(template).render(Context({"request": request, "product": on_screen}))

    assert "Seen earlier" in html
    assert "On screen" not in html


def test_a_row_without_products_renders_nothing(shop, make_request):
    product = ProductFactory(shop=shop)

    assert render("recent", request=make_request()).strip() == ""
    assert render("also", product=product).strip() == ""


def test_also_viewed_renders_the_associated_products(shop):
    product, other = ProductFactory(shop=shop), ProductFactory(shop=shop, title="Matching lid")
    associate(product, [other])

    html = render("also", product=product)

    assert "Customers who viewed this also viewed" in html
    assert "Matching lid" in html


def test_guess_you_like_falls_back_to_best_sellers_for_a_new_visitor(shop, make_request):
    ProductFactory(shop=shop, title="Everyone buys this", sales_count=70)

    html = render("guess", request=make_request())

    assert "Guess you like" in html
    assert "Everyone buys this" in html


def render_counting_queries(tag: str, **context) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        html = render(tag, **context)
    return html, len(captured)


@pytest.mark.parametrize("tag", ["guess", "recent", "also"])
def test_each_tag_costs_the_same_queries_for_two_or_eight_cards(tag, shop, make_request):
    counts = []
    for size in (2, 8):
        category, shopper, anchor = CategoryFactory(), UserFactory(), ProductFactory(shop=shop)
        seen = [ProductFactory(shop=shop, category=category) for _ in range(size)]
        unseen = [ProductFactory(shop=shop, category=category) for _ in range(size)]
        for product in seen:
            ProductViewFactory(user=shopper, product=product)
        associate(anchor, seen)
        shown = unseen if tag == "guess" else seen

        html, queries = render_counting_queries(
            tag, request=make_request(user=shopper), product=anchor, limit=size
        )

        assert [f'/p/{product.slug}/"' in html for product in shown] == [True] * size
        counts.append(queries)
    assert counts[0] == counts[1] <= 3


def test_admin_lists_views_and_associations_read_only(client_as, staff_user, shop, user):
    product, other = ProductFactory(shop=shop), ProductFactory(shop=shop)
    ProductViewFactory(user=user, product=product)
    associate(product, [other])
    client = client_as(staff_user)

    for model in ("productview", "productassociation"):
        assert client.get(f"/admin/analytics/{model}/").status_code == 200
        assert client.get(f"/admin/analytics/{model}/add/").status_code == 403
    assert client.get("/admin/analytics/productview/?signed_in=no").status_code == 200


def test_the_product_page_records_the_view_and_shows_it_on_the_next_page(client, shop):
    first = ProductFactory(shop=shop, title="Enamel teapot")
    second = ProductFactory(shop=shop, title="Tea cups")

    assert client.get(f"/p/{first.slug}/").status_code == 200
    html = client.get(f"/p/{second.slug}/").content.decode()

    assert ProductView.objects.filter(user__isnull=True).count() == 2
    recently = html[html.index('id="recently-viewed"') :]
    assert f'href="/p/{first.slug}/"' in recently


def test_the_product_page_shows_customers_also_viewed(client, shop):
    product, other = ProductFactory(shop=shop), ProductFactory(shop=shop, title="Tea tray")
    associate(product, [other])

    html = client.get(f"/p/{product.slug}/").content.decode()

    assert 'id="also-viewed"' in html
    assert "Tea tray" in html


def test_the_home_page_guesses_from_what_i_looked_at(client, shop):
    tea = CategoryFactory()
    client.get(f"/p/{ProductFactory(shop=shop, category=tea).slug}/")
    ProductFactory(shop=shop, category=tea, title="Oolong sampler")
    ProductFactory(shop=shop, title="Best-selling umbrella", sales_count=500)

    html = client.get("/").content.decode()

    row = html[html.index('id="guess-you-like"') :]
    assert row.index("Oolong sampler") < row.index("Best-selling umbrella")
