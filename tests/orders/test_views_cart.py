"""The cart pages: adding from the product page (htmx and plain), the cart grouped by shop with
prices from the quote, changing lines, another shopper's line refused, the header's counter,
the page's query count, and the staff admin."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from catalog.services.inventory import take_stock
from orders.models import Cart, CartLine
from orders.selectors_cart import cart_count_for_request
from orders.services import cart as carts
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.sellers.factories import ShopFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ADD = "/cart/add/"


def line_url(line) -> str:
    return f"/cart/lines/{line.pk}/"


def lines_of(cart):
    return sorted(
        CartLine.objects.filter(cart=cart).values_list(
            "variant_id", "quantity", "is_saved_for_later"
        )
    )


def header_count(html: str) -> str:
    match = re.search(r'id="cart-count"[^>]*>(\d+)<', html)
    assert match, "no #cart-count in the page"
    return match.group(1)


@pytest.fixture
def shopper_cart(user):
    return Cart.objects.create(user=user)


def test_the_urls_are_where_the_other_pages_expect_them():
    assert reverse("orders:cart") == "/cart/"
    assert reverse("orders:cart-add") == ADD
    assert reverse("orders:cart-line", args=[7]) == "/cart/lines/7/"


# --- Adding --------------------------------------------------------------------------------


def test_a_guest_adds_without_javascript_and_lands_on_the_cart(client):
    variant = VariantFactory(stock=10, product=ProductFactory(title="Teapot"))

    response = client.post(ADD, {"variant": variant.pk, "quantity": "2"})

    assert response.status_code == 302
    assert response["Location"] == "/cart/"
    page = client.get("/cart/").content.decode()
    assert "Added to your cart." in page
    assert "Teapot" in page
    assert header_count(page) == "2"
    cart = Cart.objects.get(token=client.session[carts.SESSION_KEY])
    assert cart.user is None
    assert lines_of(cart) == [(variant.pk, 2, False)]


def test_adding_with_htmx_answers_a_message_and_the_counter_out_of_band(client_as, user):
    variant = VariantFactory(stock=10)

    response = client_as(user).post(ADD, {"variant": variant.pk, "quantity": "3"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Added to your cart." in html
    assert re.search(r'<span class="badge badge-count" id="cart-count" hx-swap-oob="true">3<', html)
    assert lines_of(Cart.objects.get(user=user)) == [(variant.pk, 3, False)]


def test_a_refused_add_with_htmx_says_why_and_changes_nothing(client_as, user, shopper_cart):
    variant = VariantFactory(stock=2)

    response = client_as(user).post(ADD, {"variant": variant.pk, "quantity": "5"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="alert alert-error"' in html
    assert "Only 2 units" in html
    assert 'hx-swap-oob="true">0<' in html
    assert lines_of(shopper_cart) == []


def test_a_refused_add_without_javascript_goes_back_to_the_product(client_as, user, shopper_cart):
    variant = VariantFactory(stock=50, product=ProductFactory(min_order_quantity=10))

    client = client_as(user)
    response = client.post(ADD, {"variant": variant.pk, "quantity": "3"})

    assert response.status_code == 302
    assert response["Location"] == variant.product.get_absolute_url()
    assert "at least 10 units" in client.get(response["Location"]).content.decode()
    assert lines_of(shopper_cart) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"variant": "", "quantity": "1"}, "Choose an option first."),
        ({"variant": "999999", "quantity": "1"}, "Choose an option first."),
        ({"variant": "abc"}, "Choose an option first."),
        ({"quantity": "two"}, "whole number"),
    ],
)
def test_bad_add_forms_are_refused_with_a_message(client_as, user, shopper_cart, data, message):
    variant = VariantFactory(stock=5)
    data = {"variant": variant.pk, **data}

    response = client_as(user).post(ADD, data, **HTMX)

    assert message in response.content.decode()
    assert lines_of(shopper_cart) == []


def test_a_posted_price_is_ignored(client):
    variant = VariantFactory(stock=10, price="25.00")

    client.post(ADD, {"variant": variant.pk, "quantity": "2", "price": "0.01", "total": "0.02"})

    page = client.get("/cart/").content.decode()
    assert "0.01" not in page and "0.02" not in page
    assert re.search(r'class="cart-unit-price">US\$25\.00<', page)
    assert re.search(r'id="cart-grand-total">US\$[\d,.]+<', page)
    assert re.search(r'class="cart-line-total"><strong>US\$50\.00<', page)


def test_get_on_add_is_not_allowed(client):
    assert client.get(ADD).status_code == 405


# --- The cart page -------------------------------------------------------------------------


def test_an_empty_cart_says_so_with_a_link_home(client):
    html = client.get("/cart/").content.decode()

    assert 'id="cart-empty"' in html
    assert 'href="/"' in html
    assert header_count(html) == "0"


def test_lines_are_grouped_by_shop_with_links_options_and_totals(client_as, user, shopper_cart):
    north, south = ShopFactory(name="North Shop"), ShopFactory(name="South Shop")
    kettle = VariantFactory(stock=5, price="30.00", product=ProductFactory(shop=north))
    mug = VariantFactory(stock=5, price="4.00", product=ProductFactory(shop=north))
    lamp = VariantFactory(stock=5, price="12.00", product=ProductFactory(shop=south))
    for variant, quantity in ((kettle, 1), (lamp, 2), (mug, 3)):
        carts.add_to_cart(cart=shopper_cart, variant=variant, quantity=quantity)

    html = client_as(user).get("/cart/").content.decode()

    sections = re.findall(r'<section class="card cart-shop" id="cart-shop-(\d+)"', html)
    assert sorted(map(int, sections)) == sorted([north.pk, south.pk])
    north_html = html.split(f'id="cart-shop-{north.pk}"')[1].split("</section>")[0]
    assert f'href="/s/{north.slug}/">North Shop</a>' in north_html
    assert kettle.product.get_absolute_url() in north_html
    assert mug.product.get_absolute_url() in north_html
    assert lamp.product.get_absolute_url() not in north_html
    assert "US$42.00" in north_html  # 30 + 3 x 4 before delivery
    assert "Saved for later" not in html
    assert 'id="checkout-link"' in html or 'id="checkout-blocked"' in html
    assert header_count(html) == "6"


def test_problems_are_shown_next_to_the_line_and_block_checkout(client_as, user, shopper_cart):
    variant = VariantFactory(stock=5)
    line = carts.add_to_cart(cart=shopper_cart, variant=variant, quantity=4)
    take_stock(variant=variant, quantity=3)  # 2 left for a line of 4

    html = client_as(user).get("/cart/").content.decode()

    assert f'id="cart-line-problems-{line.pk}"' in html
    assert 'id="checkout-blocked"' in html
    assert re.search(r'<button class="btn btn-primary" type="button" disabled', html)
    assert 'id="checkout-link"' not in html


def test_saved_lines_are_listed_apart_and_left_out_of_the_total(client_as, user, shopper_cart):
    kept = VariantFactory(stock=5, product=ProductFactory(title="Kept Vase"))
    line = carts.add_to_cart(cart=shopper_cart, variant=kept, quantity=2)
    carts.save_for_later(cart=shopper_cart, line_id=line.pk)

    html = client_as(user).get("/cart/").content.decode()

    saved = html.split('id="cart-saved"')[1]
    assert "Kept Vase" in saved
    assert 'value="move"' in saved
    assert 'id="cart-total"' not in html
    assert header_count(html) == "0"


# --- Changing lines ------------------------------------------------------------------------


def test_updating_a_quantity_with_htmx_swaps_the_body_with_new_totals(client_as, user):
    cart = Cart.objects.create(user=user)
    variant = VariantFactory(stock=10, price="7.00")
    line = carts.add_to_cart(cart=cart, variant=variant, quantity=1)

    response = client_as(user).post(line_url(line), {"action": "update", "quantity": "3"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="cart-body"')
    assert re.search(r'class="cart-line-total"><strong>US\$21\.00<', html)
    assert 'id="cart-count" hx-swap-oob="true">3<' in html
    assert lines_of(cart) == [(variant.pk, 3, False)]


def test_a_quantity_change_without_an_action_is_an_update(client_as, user):
    cart = Cart.objects.create(user=user)
    variant = VariantFactory(stock=10)
    line = carts.add_to_cart(cart=cart, variant=variant)

    client_as(user).post(line_url(line), {"quantity": "4"}, **HTMX)

    assert lines_of(cart) == [(variant.pk, 4, False)]


def test_a_refused_change_shows_the_error_in_the_body_and_changes_nothing(client_as, user):
    cart = Cart.objects.create(user=user)
    variant = VariantFactory(stock=3)
    line = carts.add_to_cart(cart=cart, variant=variant, quantity=2)

    for quantity in ("9", "x", "-1"):
        response = client_as(user).post(
            line_url(line), {"action": "update", "quantity": quantity}, **HTMX
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="cart-error"' in html
        assert lines_of(cart) == [(variant.pk, 2, False)]


def test_save_move_and_remove_with_htmx(client_as, user):
    cart = Cart.objects.create(user=user)
    variant = VariantFactory(stock=10)
    line = carts.add_to_cart(cart=cart, variant=variant, quantity=2)
    client = client_as(user)

    html = client.post(line_url(line), {"action": "save"}, **HTMX).content.decode()
    assert lines_of(cart) == [(variant.pk, 2, True)]
    assert 'id="cart-saved"' in html and 'hx-swap-oob="true">0<' in html

    html = client.post(line_url(line), {"action": "move"}, **HTMX).content.decode()
    assert lines_of(cart) == [(variant.pk, 2, False)]
    assert 'hx-swap-oob="true">2<' in html

    html = client.post(line_url(line), {"action": "remove"}, **HTMX).content.decode()
    assert lines_of(cart) == []
    assert 'id="cart-empty"' in html and 'hx-swap-oob="true">0<' in html


def test_changes_without_javascript_redirect_to_the_cart(client_as, user):
    cart = Cart.objects.create(user=user)
    variant = VariantFactory(stock=3)
    line = carts.add_to_cart(cart=cart, variant=variant)
    client = client_as(user)

    response = client.post(line_url(line), {"action": "update", "quantity": "2"})
    assert response.status_code == 302 and response["Location"] == "/cart/"
    assert lines_of(cart) == [(variant.pk, 2, False)]

    response = client.post(line_url(line), {"action": "update", "quantity": "50"})
    assert response.status_code == 302
    assert "Only 3 units" in client.get("/cart/").content.decode()
    assert lines_of(cart) == [(variant.pk, 2, False)]

    client.post(line_url(line), {"action": "remove"})
    assert lines_of(cart) == []


def test_another_shoppers_line_is_not_found_and_unchanged(client_as, user, other_user):
    Cart.objects.create(user=user)
    theirs = Cart.objects.create(user=other_user)
    variant = VariantFactory(stock=10)
    line = carts.add_to_cart(cart=theirs, variant=variant, quantity=2)
    client = client_as(user)

    for data in ({"action": "update", "quantity": "5"}, {"action": "remove"}, {"action": "save"}):
        assert client.post(line_url(line), data, **HTMX).status_code == 404
        assert client.post(line_url(line), data).status_code == 404

    assert client.post(line_url(line), {"action": "remove"}).status_code == 404
    assert Client().post(line_url(line), {"action": "remove"}).status_code == 404  # a guest
    assert lines_of(theirs) == [(variant.pk, 2, False)]


# --- Header, login, queries ----------------------------------------------------------------


def test_the_header_counter_shows_units_to_buy_on_every_page(client_as, user, shopper_cart):
    carts.add_to_cart(cart=shopper_cart, variant=VariantFactory(stock=9), quantity=4)

    html = client_as(user).get("/").content.decode()

    assert header_count(html) == "4"


def test_the_counter_costs_no_query_for_a_guest_without_a_cart(rf, django_assert_num_queries):
    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    request.user, request.session = AnonymousUser(), SessionStore()
    with django_assert_num_queries(0):
        assert cart_count_for_request(request) == 0


def test_the_counter_is_one_query_for_a_shopper(rf, user, shopper_cart, django_assert_num_queries):
    carts.add_to_cart(cart=shopper_cart, variant=VariantFactory(stock=9), quantity=2)
    request = rf.get("/")
    request.user = user
    with django_assert_num_queries(1):
        assert cart_count_for_request(request) == 2


def test_a_guest_cart_made_on_the_product_page_merges_on_login(client, password, user):
    mine, theirs = VariantFactory(stock=10), VariantFactory(stock=10)
    account = Cart.objects.create(user=user)
    carts.add_to_cart(cart=account, variant=mine, quantity=1)
    client.post(ADD, {"variant": mine.pk, "quantity": "2"})
    client.post(ADD, {"variant": theirs.pk, "quantity": "1"})

    client.post("/accounts/login/", {"login": user.email, "password": password})

    assert lines_of(account) == sorted([(mine.pk, 3, False), (theirs.pk, 1, False)])
    assert Cart.objects.filter(user__isnull=True).count() == 0
    assert header_count(client.get("/cart/").content.decode()) == "4"


def _fill(cart, *, shops: int, lines_per_shop: int) -> None:
    for _ in range(shops):
        shop = ShopFactory()
        for _ in range(lines_per_shop):
            variant = VariantFactory(stock=20, product=ProductFactory(shop=shop))
            carts.add_to_cart(cart=cart, variant=variant, quantity=2)


def _queries_for_cart_page(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/cart/").status_code == 200
    return len(captured)


def test_the_cart_page_costs_the_same_queries_however_many_lines(client_as, user, other_user):
    small, large = Cart.objects.create(user=user), Cart.objects.create(user=other_user)
    _fill(small, shops=3, lines_per_shop=1)
    _fill(large, shops=3, lines_per_shop=4)

    small_count = _queries_for_cart_page(client_as(user))
    large_count = _queries_for_cart_page(client_as(other_user))

    assert large_count == small_count
    assert small_count <= 30


# --- Product page and admin ----------------------------------------------------------------


def test_the_product_page_posts_to_the_cart_with_the_minimum_quantity(client):
    variant = VariantFactory(stock=50, product=ProductFactory(min_order_quantity=6))

    html = client.get(variant.product.get_absolute_url()).content.decode()

    form = html.split('id="add-to-cart"')[1].split("</form>")[0]
    assert f'hx-post="{ADD}"' in form and f'action="{ADD}"' in form
    assert f'id="variant-id" value="{variant.pk}"' in form
    assert 'name="quantity" value="6" min="6"' in form


def test_staff_find_a_cart_by_email_and_read_its_lines(client_as, staff_user, user, shopper_cart):
    variant = VariantFactory(stock=5)
    carts.add_to_cart(cart=shopper_cart, variant=variant, quantity=2)
    client = client_as(staff_user)

    found = client.get("/admin/orders/cart/", {"q": user.email}).content.decode()
    detail = client.get(f"/admin/orders/cart/{shopper_cart.pk}/change/").content.decode()

    assert f"/admin/orders/cart/{shopper_cart.pk}/change/" in found
    assert variant.sku in detail
    assert 'name="_save"' not in detail
