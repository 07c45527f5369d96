"""The cart's services: adding, every refusal (changing nothing), the minimum order quantity,
stock, saving for later, merging a guest's cart on login through the real login view, and lines
of another cart refused."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory

from catalog.models import ProductStatus
from marketplace.sellers.models import ShopStatus
from orders.errors import CartError
from orders.models import Cart, CartLine
from orders.services import cart as carts
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cart(user):
    return Cart.objects.create(user=user)


def lines_of(cart):
    return sorted(
        CartLine.objects.filter(cart=cart).values_list(
            "variant_id", "quantity", "is_saved_for_later"
        )
    )


# --- Adding --------------------------------------------------------------------------------


def test_adding_makes_a_line_and_adding_again_increases_it(cart):
    variant = VariantFactory(stock=10)

    line = carts.add_to_cart(cart=cart, variant=variant, quantity=2)
    again = carts.add_to_cart(cart=cart, variant=variant, quantity=3)

    assert again.pk == line.pk
    assert lines_of(cart) == [(variant.pk, 5, False)]
    assert carts.cart_count(cart) == 5


@pytest.mark.parametrize("quantity", [0, -1, 1000, True])
def test_a_bad_quantity_is_refused(cart, quantity):
    variant = VariantFactory(stock=2000)

    with pytest.raises(CartError) as error:
        carts.add_to_cart(cart=cart, variant=variant, quantity=quantity)

    assert error.value.code in {"bad_quantity", "too_many_units"}
    assert lines_of(cart) == []


def test_increasing_past_999_is_refused_and_the_line_is_unchanged(cart):
    variant = VariantFactory(stock=2000)
    carts.add_to_cart(cart=cart, variant=variant, quantity=990)

    with pytest.raises(CartError, match="999"):
        carts.add_to_cart(cart=cart, variant=variant, quantity=10)

    assert lines_of(cart) == [(variant.pk, 990, False)]


@pytest.mark.parametrize("status", [ProductStatus.DELISTED, ProductStatus.DRAFT])
def test_a_product_off_sale_is_refused(cart, status):
    variant = VariantFactory(stock=5, product=ProductFactory(status=status))

    with pytest.raises(CartError, match="no longer on sale"):
        carts.add_to_cart(cart=cart, variant=variant)

    assert lines_of(cart) == []


def test_an_inactive_variant_is_refused(cart):
    variant = VariantFactory(stock=5, is_active=False)

    with pytest.raises(CartError) as error:
        carts.add_to_cart(cart=cart, variant=variant)

    assert error.value.code == "not_on_sale"
    assert lines_of(cart) == []


@pytest.mark.parametrize(
    ("status", "word"), [(ShopStatus.SUSPENDED, "suspended"), (ShopStatus.CLOSED, "closed")]
)
def test_a_shop_that_is_not_open_is_refused(cart, status, word):
    variant = VariantFactory(stock=5)
    shop = variant.product.shop
    shop.status = status
    shop.save(update_fields=["status"])

    with pytest.raises(CartError, match=word) as error:
        carts.add_to_cart(cart=cart, variant=variant)

    assert error.value.code == "shop_not_open"
    assert lines_of(cart) == []


def test_more_than_the_stock_is_refused_with_what_is_left(cart):
    variant = VariantFactory(stock=3)
    carts.add_to_cart(cart=cart, variant=variant, quantity=2)

    with pytest.raises(CartError, match="Only 3 units"):
        carts.add_to_cart(cart=cart, variant=variant, quantity=2)

    assert lines_of(cart) == [(variant.pk, 2, False)]


def test_a_sold_out_variant_is_refused(cart):
    variant = VariantFactory()

    with pytest.raises(CartError, match="sold out"):
        carts.add_to_cart(cart=cart, variant=variant)

    assert lines_of(cart) == []


def test_the_101st_line_is_refused(cart):
    product = ProductFactory()
    variants = [VariantFactory(product=product, stock=1) for _ in range(carts.MAX_LINES + 1)]
    CartLine.objects.bulk_create(
        CartLine(cart=cart, variant=variant, quantity=1) for variant in variants[:-1]
    )

    with pytest.raises(CartError, match="100 different items"):
        carts.add_to_cart(cart=cart, variant=variants[-1])

    assert CartLine.objects.filter(cart=cart).count() == carts.MAX_LINES


def test_below_the_minimum_order_quantity_is_refused_with_the_minimum(cart):
    variant = VariantFactory(stock=100, product=ProductFactory(min_order_quantity=12))

    with pytest.raises(CartError, match="at least 12 units") as error:
        carts.add_to_cart(cart=cart, variant=variant, quantity=5)

    assert error.value.code == "below_minimum"
    assert lines_of(cart) == []


def test_the_minimum_order_quantity_or_more_is_accepted(cart):
    variant = VariantFactory(stock=100, product=ProductFactory(min_order_quantity=12))

    carts.add_to_cart(cart=cart, variant=variant, quantity=12)
    carts.add_to_cart(cart=cart, variant=variant, quantity=1)

    assert lines_of(cart) == [(variant.pk, 13, False)]


# --- Changing lines ------------------------------------------------------------------------


def test_set_quantity_changes_the_line_and_zero_removes_it(cart):
    variant = VariantFactory(stock=10)
    line = carts.add_to_cart(cart=cart, variant=variant)

    carts.set_quantity(cart=cart, line_id=line.pk, quantity=4)
    assert lines_of(cart) == [(variant.pk, 4, False)]

    assert carts.set_quantity(cart=cart, line_id=line.pk, quantity=0) is None
    assert lines_of(cart) == []


def test_set_quantity_over_the_stock_or_below_the_minimum_changes_nothing(cart):
    variant = VariantFactory(stock=20, product=ProductFactory(min_order_quantity=5))
    line = carts.add_to_cart(cart=cart, variant=variant, quantity=6)

    with pytest.raises(CartError, match="Only 20 units"):
        carts.set_quantity(cart=cart, line_id=line.pk, quantity=21)
    with pytest.raises(CartError, match="at least 5"):
        carts.set_quantity(cart=cart, line_id=line.pk, quantity=4)

    assert lines_of(cart) == [(variant.pk, 6, False)]


def test_save_for_later_and_move_back(cart):
    variant = VariantFactory(stock=10)
    line = carts.add_to_cart(cart=cart, variant=variant, quantity=2)

    carts.save_for_later(cart=cart, line_id=line.pk)
    assert lines_of(cart) == [(variant.pk, 2, True)]
    assert carts.cart_count(cart) == 0
    assert carts.active_pairs(cart) == []

    carts.move_to_cart(cart=cart, line_id=line.pk)
    assert lines_of(cart) == [(variant.pk, 2, False)]
    assert carts.active_pairs(cart) == [(variant.pk, 2)]


def test_moving_back_lowers_the_quantity_to_the_stock_left(cart):
    variant = VariantFactory(stock=10)
    line = carts.add_to_cart(cart=cart, variant=variant, quantity=8)
    carts.save_for_later(cart=cart, line_id=line.pk)
    from catalog.services.inventory import take_stock

    take_stock(variant=variant, quantity=7)

    carts.move_to_cart(cart=cart, line_id=line.pk)

    assert lines_of(cart) == [(variant.pk, 3, False)]


def test_moving_back_a_sold_out_line_is_refused(cart):
    variant = VariantFactory(stock=2)
    line = carts.add_to_cart(cart=cart, variant=variant, quantity=2)
    carts.save_for_later(cart=cart, line_id=line.pk)
    from catalog.services.inventory import take_stock

    take_stock(variant=variant, quantity=2)

    with pytest.raises(CartError, match="sold out"):
        carts.move_to_cart(cart=cart, line_id=line.pk)

    assert lines_of(cart) == [(variant.pk, 2, True)]


def test_adding_a_saved_line_again_brings_it_back_to_the_cart(cart):
    variant = VariantFactory(stock=10)
    line = carts.add_to_cart(cart=cart, variant=variant, quantity=2)
    carts.save_for_later(cart=cart, line_id=line.pk)

    carts.add_to_cart(cart=cart, variant=variant, quantity=1)

    assert lines_of(cart) == [(variant.pk, 3, False)]


def test_remove_line_and_remove_variants(cart):
    first, second, saved = (VariantFactory(stock=5) for _ in range(3))
    line = carts.add_to_cart(cart=cart, variant=first)
    carts.add_to_cart(cart=cart, variant=second)
    kept = carts.add_to_cart(cart=cart, variant=saved)
    carts.save_for_later(cart=cart, line_id=kept.pk)

    carts.remove_line(cart=cart, line_id=line.pk)
    carts.remove_variants(cart=cart, variant_ids=[second.pk, saved.pk])

    assert lines_of(cart) == [(saved.pk, 1, True)]


def test_another_carts_line_is_refused_and_unchanged(cart, other_user):
    theirs = Cart.objects.create(user=other_user)
    variant = VariantFactory(stock=10)
    line = carts.add_to_cart(cart=theirs, variant=variant, quantity=2)

    for change in (
        lambda: carts.set_quantity(cart=cart, line_id=line.pk, quantity=5),
        lambda: carts.set_quantity(cart=cart, line_id=line.pk, quantity=0),
        lambda: carts.remove_line(cart=cart, line_id=line.pk),
        lambda: carts.save_for_later(cart=cart, line_id=line.pk),
        lambda: carts.move_to_cart(cart=cart, line_id=line.pk),
    ):
        with pytest.raises(CartError) as error:
            change()
        assert error.value.code == "line_not_found"

    assert lines_of(theirs) == [(variant.pk, 2, False)]


# --- Finding and counting ------------------------------------------------------------------


def _request(user=None):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    from django.contrib.auth.models import AnonymousUser

    request.user = user or AnonymousUser()
    return request


def test_cart_for_request_finds_or_makes_the_accounts_cart(user):
    request = _request(user)

    assert carts.cart_for_request(request) is None
    made = carts.cart_for_request(request, create=True)

    assert made.user == user
    assert carts.cart_for_request(request) == made
    assert carts.cart_for_request(request, create=True) == made


def test_a_guest_cart_lives_by_the_token_in_the_session(db):
    request = _request()

    assert carts.cart_for_request(request) is None
    made = carts.cart_for_request(request, create=True)

    assert made.user is None
    assert request.session[carts.SESSION_KEY] == str(made.token)
    assert carts.cart_for_request(request) == made


def test_a_malformed_or_foreign_token_finds_no_cart(user):
    owned = Cart.objects.create(user=user)
    request = _request()
    request.session[carts.SESSION_KEY] = "not-a-uuid"
    assert carts.cart_for_request(request) is None

    request.session[carts.SESSION_KEY] = str(owned.token)  # an account's cart is not a guest's
    assert carts.cart_for_request(request) is None


def test_cart_count_sums_the_lines_to_buy(cart, django_assert_num_queries):
    first, second = VariantFactory(stock=9), VariantFactory(stock=9)
    carts.add_to_cart(cart=cart, variant=first, quantity=2)
    carts.add_to_cart(cart=cart, variant=second, quantity=3)

    with django_assert_num_queries(1):
        assert carts.cart_count(cart) == 5
    assert carts.cart_count(None) == 0


# --- Merging on login ----------------------------------------------------------------------


def test_merge_sums_quantities_up_to_the_stock_and_keeps_saved_lines(cart):
    shared, only_guest, saved, over = (VariantFactory(stock=s) for s in (10, 10, 10, 4))
    guest = Cart.objects.create()
    carts.add_to_cart(cart=cart, variant=shared, quantity=2)
    carts.add_to_cart(cart=cart, variant=over, quantity=3)
    carts.add_to_cart(cart=guest, variant=shared, quantity=3)
    carts.add_to_cart(cart=guest, variant=only_guest, quantity=1)
    carts.add_to_cart(cart=guest, variant=over, quantity=3)
    saved_line = carts.add_to_cart(cart=guest, variant=saved, quantity=2)
    carts.save_for_later(cart=guest, line_id=saved_line.pk)

    merged = carts.merge_carts(guest=guest, into=cart)

    assert merged == cart
    assert lines_of(cart) == sorted(
        [
            (shared.pk, 5, False),
            (only_guest.pk, 1, False),
            (saved.pk, 2, True),
            (over.pk, 4, False),
        ]
    )
    assert not Cart.objects.filter(pk=guest.pk).exists()


def _guest_client_with_cart(*variants):
    client = Client()
    guest = Cart.objects.create()
    for variant in variants:
        carts.add_to_cart(cart=guest, variant=variant, quantity=2)
    session = client.session
    session[carts.SESSION_KEY] = str(guest.token)
    session.save()
    client.cookies["sessionid"] = session.session_key
    return client, guest


def test_logging_in_merges_the_guest_cart_into_the_accounts_cart(password):
    shopper = UserFactory()
    mine, theirs = VariantFactory(stock=10), VariantFactory(stock=10)
    account = Cart.objects.create(user=shopper)
    carts.add_to_cart(cart=account, variant=mine, quantity=1)
    client, guest = _guest_client_with_cart(mine, theirs)

    response = client.post("/accounts/login/", {"login": shopper.email, "password": password})

    assert response.status_code == 302
    assert lines_of(account) == sorted([(mine.pk, 3, False), (theirs.pk, 2, False)])
    assert not Cart.objects.filter(pk=guest.pk).exists()
    assert carts.SESSION_KEY not in client.session


def test_logging_in_without_an_account_cart_adopts_the_guest_cart(password):
    shopper = UserFactory()
    variant = VariantFactory(stock=10)
    client, guest = _guest_client_with_cart(variant)

    client.post("/accounts/login/", {"login": shopper.email, "password": password})

    guest.refresh_from_db()
    assert guest.user == shopper
    assert lines_of(guest) == [(variant.pk, 2, False)]
