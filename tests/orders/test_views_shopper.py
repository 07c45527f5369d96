"""The shopper's order pages: only one's own orders (another shopper's number is a 404 and
changes nothing), the status tabs, the order page, and its buttons."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.models import ProductStatus
from marketplace.core.states import history_of
from orders.models import CartLine, DiscountSource, FundedBy, Order, OrderDiscount, OrderStatus
from orders.services.lifecycle import ship_order
from tests.catalog.factories import VariantFactory
from tests.orders.factories import placed_order
from tests.orders.lifecycle_support import cancellations_of, owner_of

pytestmark = pytest.mark.django_db


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- Who may see -----------------------------------------------------------------------------


def test_the_pages_need_a_login(client):
    order = placed_order()
    for url in ("/orders/", f"/orders/{order.number}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_shoppers_order_is_not_found(client_as, user, other_user):
    order = placed_order(buyer=user)
    client = client_as(other_user)
    assert client.get(f"/orders/{order.number}/").status_code == 404
    assert order.number not in client.get("/orders/").content.decode()


@pytest.mark.parametrize("action", ["cancel", "confirm", "buy-again"])
def test_another_shopper_cannot_act_on_an_order(client_as, user, other_user, action):
    order = placed_order(buyer=user, status=OrderStatus.PAID)
    response = client_as(other_user).post(
        f"/orders/{order.number}/{action}/", {"reason": "changed_mind"}
    )
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and not history_of(order).exists()
    assert not CartLine.objects.exists()


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_tabs_with_counts_and_filters_by_tab(client_as, user):
    waiting = placed_order(buyer=user)
    paid = placed_order(buyer=user, status=OrderStatus.PAID)
    placed_order(buyer=user, status=OrderStatus.DELIVERED, has_open_after_sales=True)
    client = client_as(user)
    response = client.get("/orders/")
    assert [(slug, count) for slug, _label, count in response.context["tabs"]] == [
        ("", 3),
        ("to-pay", 1),
        ("to-ship", 1),
        ("shipped", 1),
        ("to-review", 0),
        ("after-sales", 1),
    ]
    to_pay = client.get("/orders/?tab=to-pay")
    assert list(to_pay.context["page"].object_list) == [waiting]
    page = to_pay.content.decode()
    assert waiting.number in page and paid.number not in page
    assert "Pay by" in page
    assert f"/payments/pay/{waiting.group.number}/" in page
    assert list(client.get("/orders/?tab=nonsense").context["page"].object_list) != []


def test_the_list_shows_lines_shop_and_total(client_as, user):
    order = placed_order(buyer=user, quantity=2)
    order.lines.update(options="Colour: Red", image_url="/media/x.jpg")
    page = client_as(user).get("/orders/").content.decode()
    line = order.lines.get()
    for text in (order.shop.name, line.title, "Colour: Red", "/media/x.jpg", "\u00d7 2", "$20.00"):
        assert text in page


def test_the_list_takes_the_same_queries_for_one_or_many_orders(client_as, user):
    placed_order(buyer=user)
    client = client_as(user)
    one = page_queries(client, "/orders/")
    for _ in range(4):
        placed_order(buyer=user, quantity=2)
    assert page_queries(client, "/orders/") == one
    assert one <= 14


# --- The order page --------------------------------------------------------------------------


def test_the_order_page_shows_timeline_address_discounts_and_tracking(client_as, user):
    order = placed_order(buyer=user, status=OrderStatus.PAID, note_to_seller="Ring twice")
    OrderDiscount.objects.create(
        order=order,
        source=DiscountSource.PROMOTION,
        label="滿300減30: 30.00 off",
        amount=Decimal("30.00"),
        funded_by=FundedBy.SHOP,
        shop_funded=Decimal("30.00"),
    )
    ship_order(order=order, by=owner_of(order.shop), carrier="Black Cat", tracking_number="TW99")
    client = client_as(user)
    response = client.get(f"/orders/{order.number}/")
    page = response.content.decode()
    for text in ("滿300減30: 30.00 off", "Black Cat", "TW99", "1 Test Road", "Ring twice"):
        assert text in page
    assert [step.status for step in response.context["timeline"]] == ["pending_payment", "shipped"]
    assert response.context["can_confirm"] and not response.context["can_cancel"]
    assert "Cancel the order" not in page
    queries = page_queries(client, f"/orders/{order.number}/")
    assert queries <= 16


def test_a_waiting_order_offers_cancel_and_the_pay_by_deadline(client_as, user):
    order = placed_order(buyer=user)
    page = client_as(user).get(f"/orders/{order.number}/").content.decode()
    assert "Cancel the order" in page and "pay by" in page
    assert "Confirm receipt" not in page


# --- Cancel ----------------------------------------------------------------------------------


def test_the_buyer_cancels_with_a_reason(client_as, user):
    order = placed_order(buyer=user)
    response = client_as(user).post(
        f"/orders/{order.number}/cancel/", {"reason": "cheaper", "details": "Saw it at 8.00"}
    )
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.number}/"
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.cancel_reason == "I found it cheaper elsewhere: Saw it at 8.00"
    assert cancellations_of(order) == 1


@pytest.mark.parametrize("data", [{"reason": "other", "details": " "}, {"reason": "nonsense"}, {}])
def test_a_bad_cancellation_form_changes_nothing(client_as, user, data):
    order = placed_order(buyer=user)
    response = client_as(user).post(f"/orders/{order.number}/cancel/", data)
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_a_shipped_order_cannot_be_cancelled_from_the_page(client_as, user):
    order = placed_order(buyer=user, status=OrderStatus.SHIPPED)
    response = client_as(user).post(f"/orders/{order.number}/cancel/", {"reason": "changed_mind"})
    assert response.status_code == 400
    assert "can no longer be cancelled" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED


def test_the_buttons_answer_only_to_post(client_as, user):
    order = placed_order(buyer=user)
    client = client_as(user)
    for action in ("cancel", "confirm", "buy-again"):
        assert client.get(f"/orders/{order.number}/{action}/").status_code == 405


# --- Confirm receipt -------------------------------------------------------------------------


def test_the_buyer_confirms_receipt(client_as, user):
    order = placed_order(buyer=user, status=OrderStatus.DELIVERED, delivered_at=timezone.now())
    response = client_as(user).post(f"/orders/{order.number}/confirm/", follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert "the order is completed" in response.content.decode()


def test_confirming_too_early_says_why_and_changes_nothing(client_as, user):
    order = placed_order(buyer=user, status=OrderStatus.PAID)
    response = client_as(user).post(f"/orders/{order.number}/confirm/", follow=True)
    assert "only once the order has shipped" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


# --- Buy again -------------------------------------------------------------------------------


def test_buy_again_adds_what_is_still_on_sale_and_names_the_rest(client_as, user):
    order = placed_order(buyer=user, quantity=2, status=OrderStatus.COMPLETED)
    gone = VariantFactory(stock=5)
    line = order.lines.get()
    order.lines.create(
        variant=gone,
        product=gone.product,
        title=gone.product.title,
        sku=gone.sku,
        unit_price=gone.price,
        quantity=1,
    )
    gone.product.status = ProductStatus.DELISTED
    gone.product.save(update_fields=["status"])
    order.lines.create(title="Vanished", sku="X", unit_price=1, quantity=1)
    response = client_as(user).post(f"/orders/{order.number}/buy-again/", follow=True)
    cart_lines = list(CartLine.objects.filter(cart__user=user))
    assert [(c.variant_id, c.quantity) for c in cart_lines] == [(line.variant_id, 2)]
    page = response.content.decode()
    assert "1 item added to your cart." in page
    assert gone.product.title in page and "Vanished" in page


def test_buy_again_with_nothing_left_stays_on_the_order(client_as, user):
    order = placed_order(buyer=user, status=OrderStatus.COMPLETED)
    order.lines.update(variant=None)
    response = client_as(user).post(f"/orders/{order.number}/buy-again/")
    assert response["Location"] == f"/orders/{order.number}/"
    assert not CartLine.objects.exists()


def test_my_orders_is_in_the_account_menu(client_as, user):
    page = client_as(user).get(reverse("accounts:profile")).content.decode()
    assert 'href="/orders/"' in page
    assert Order.objects.count() == 0
