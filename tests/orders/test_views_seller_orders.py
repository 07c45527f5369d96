"""The seller's order pages: the list by status with search, an order's page, the private note,
shipping and marking delivered; only the shop's own people get in (another shop's order is a
404 and nothing changes), and each role does what the services allow it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.core.states import history_of
from marketplace.notifications.models import Notification
from marketplace.sellers.models import MemberRole
from orders.models import Order, OrderStatus
from tests.catalog.factories import VariantFactory
from tests.orders.factories import placed_order
from tests.orders.lifecycle_support import member_of, owner_of
from tests.sellers.factories import ShopFactory

pytestmark = pytest.mark.django_db

SHIPMENT = {"carrier": "Black Cat", "tracking_number": "TW123456789"}


def order_of(shop, **kwargs) -> Order:
    """An order placed with ``shop`` (a new variant of it, in stock)."""
    return placed_order(variant=VariantFactory(product__shop=shop, stock=10), **kwargs)


def url(name: str, order: Order | None = None) -> str:
    if order is None:
        return reverse(f"orders:{name}")
    return reverse(f"orders:{name}", kwargs={"number": order.number})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def snapshot(order: Order) -> tuple:
    order.refresh_from_db()
    return (
        order.status,
        order.carrier,
        order.tracking_number,
        order.seller_note,
        order.shipped_at,
        order.delivered_at,
        history_of(order).count(),
    )


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_the_shops_orders_with_tabs_and_counts(client_as):
    paid = placed_order(status=OrderStatus.PAID)
    shop = paid.shop
    waiting = order_of(shop)
    shipped = order_of(shop, status=OrderStatus.SHIPPED)
    elsewhere = placed_order(status=OrderStatus.PAID)

    response = client_as(owner_of(shop)).get(url("seller-orders"))

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [shipped, waiting, paid]
    assert [(slug, count) for slug, _label, count in response.context["tabs"]] == [
        ("", 3),
        (OrderStatus.PAID, 1),
        (OrderStatus.PENDING_PAYMENT, 1),
        (OrderStatus.SHIPPED, 1),
        (OrderStatus.DELIVERED, 0),
        (OrderStatus.COMPLETED, 0),
        (OrderStatus.CANCELLED, 0),
    ]
    html = response.content.decode()
    assert paid.number in html and elsewhere.number not in html
    assert paid.buyer.get_full_name() in html and paid.lines.get().title in html


def test_the_list_filters_by_status_and_ignores_an_unknown_one(client_as):
    paid = placed_order(status=OrderStatus.PAID)
    waiting = order_of(paid.shop)
    client = client_as(owner_of(paid.shop))

    to_ship = client.get(url("seller-orders"), {"status": OrderStatus.PAID})
    assert list(to_ship.context["page"].object_list) == [paid]
    assert to_ship.context["status"] == OrderStatus.PAID

    unknown = client.get(url("seller-orders"), {"status": "lost"})
    assert unknown.status_code == 200
    assert unknown.context["status"] == ""
    assert list(unknown.context["page"].object_list) == [waiting, paid]


@pytest.mark.parametrize(
    "query",
    [
        lambda order: order.number,
        lambda order: order.number[-8:],  # part of the number
        lambda order: order.buyer.email.upper(),
        lambda order: order.buyer.display_name.split()[0][1:],  # part of the name
        lambda order: order.lines.get().title.upper(),
        lambda order: order.lines.get().sku.lower(),
    ],
    ids=["number", "part-of-number", "buyer-email", "buyer-name", "product-title", "sku"],
)
def test_the_list_finds_an_order_by(client_as, query):
    wanted = placed_order(status=OrderStatus.PAID)
    wanted.buyer.display_name = "Mei-Ling Chen"
    wanted.buyer.save(update_fields=["display_name"])
    other = order_of(wanted.shop, status=OrderStatus.PAID)
    other.buyer.display_name = "Arthur Dent"
    other.buyer.save(update_fields=["display_name"])

    response = client_as(owner_of(wanted.shop)).get(url("seller-orders"), {"q": query(wanted)})

    assert list(response.context["page"].object_list) == [wanted]


def test_a_search_keeps_the_status_and_says_when_nothing_matches(client_as):
    paid = placed_order(status=OrderStatus.PAID)
    client = client_as(owner_of(paid.shop))

    other_status = client.get(
        url("seller-orders"), {"status": OrderStatus.SHIPPED, "q": paid.number}
    )
    assert list(other_status.context["page"].object_list) == []
    assert "No order matches." in other_status.content.decode()

    same_status = client.get(url("seller-orders"), {"status": OrderStatus.PAID, "q": paid.number})
    assert list(same_status.context["page"].object_list) == [paid]


def test_a_search_never_finds_another_shops_order(client_as):
    mine = placed_order(status=OrderStatus.PAID)
    theirs = placed_order(status=OrderStatus.PAID)

    response = client_as(owner_of(mine.shop)).get(url("seller-orders"), {"q": theirs.number})

    assert list(response.context["page"].object_list) == []
    assert url("seller-order", theirs) not in response.content.decode()


def test_the_list_pages_keep_the_filter(client_as):
    first = placed_order(status=OrderStatus.PAID)
    for _ in range(25):
        order_of(first.shop, status=OrderStatus.PAID)
    client = client_as(owner_of(first.shop))

    page_one = client.get(url("seller-orders"), {"status": OrderStatus.PAID})
    assert len(page_one.context["page"].object_list) == 25
    assert f"?status={OrderStatus.PAID}&amp;page=2" in page_one.content.decode()

    page_two = client.get(url("seller-orders"), {"status": OrderStatus.PAID, "page": 2})
    assert list(page_two.context["page"].object_list) == [first]


def test_the_lists_queries_do_not_grow_with_its_orders(client_as):
    first = placed_order(status=OrderStatus.PAID)
    client = client_as(owner_of(first.shop))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("seller-orders"))
        assert response.status_code == 200
        return len(captured)

    one = queries()
    for status in (OrderStatus.PENDING_PAYMENT, OrderStatus.SHIPPED, OrderStatus.COMPLETED):
        order_of(first.shop, status=status, note_to_seller="Ring twice")
        order_of(first.shop, status=status)
    seven = queries()

    assert seven == one


# --- An order's page -------------------------------------------------------------------------


def test_the_order_page_shows_lines_address_and_buyers_note(client_as):
    order = placed_order(status=OrderStatus.PAID, note_to_seller="Leave it at the door")

    response = client_as(owner_of(order.shop)).get(url("seller-order", order))

    assert response.status_code == 200
    html = response.content.decode()
    line = order.lines.get()
    assert order.number in html and line.title in html and line.sku in html
    assert order.group.street in html and "Leave it at the door" in html
    assert response.context["can_ship"] is True
    # logistics is installed: the page sends the seller to its shipping page instead of the form.
    assert f'href="/seller/orders/{order.number}/shipments/"' in html
    assert 'action="{}"'.format(url("seller-order-ship", order)) not in html


def test_the_order_page_of_an_unpaid_order_says_not_to_ship(client_as):
    order = placed_order()

    response = client_as(owner_of(order.shop)).get(url("seller-order", order))

    html = response.content.decode()
    assert response.context["can_ship"] is False
    assert "Do not ship yet." in html
    assert url("seller-order-ship", order) not in html


def test_an_unknown_order_number_is_not_found(client_as):
    order = placed_order()

    response = client_as(owner_of(order.shop)).get(
        reverse("orders:seller-order", kwargs={"number": "G000000000000-9"})
    )

    assert response.status_code == 404


# --- The note --------------------------------------------------------------------------------


def test_the_owner_saves_a_note(client_as):
    order = placed_order(status=OrderStatus.PAID)

    response = client_as(owner_of(order.shop)).post(
        url("seller-order-note", order), {"seller_note": "  Gift wrap, VIP  "}, follow=True
    )

    assert response.redirect_chain == [(url("seller-order", order), 302)]
    assert messages_of(response) == ["Note saved."]
    order.refresh_from_db()
    assert order.seller_note == "Gift wrap, VIP"
    assert "Gift wrap, VIP" in response.content.decode()


def test_an_empty_note_clears_it(client_as):
    order = placed_order(status=OrderStatus.PAID, seller_note="Old")

    client_as(owner_of(order.shop)).post(url("seller-order-note", order), {"seller_note": ""})

    order.refresh_from_db()
    assert order.seller_note == ""


def test_a_note_too_long_is_refused_and_changes_nothing(client_as):
    order = placed_order(status=OrderStatus.PAID, seller_note="Old")

    response = client_as(owner_of(order.shop)).post(
        url("seller-order-note", order), {"seller_note": "x" * 2001}
    )

    assert response.status_code == 400
    assert "2000 characters" in response.content.decode()
    order.refresh_from_db()
    assert order.seller_note == "Old"


def test_the_buyer_never_sees_the_sellers_note(client_as):
    order = placed_order(status=OrderStatus.PAID)
    client_as(owner_of(order.shop)).post(
        url("seller-order-note", order), {"seller_note": "Difficult customer"}
    )

    page = client_as(order.buyer).get(reverse("orders:detail", kwargs={"number": order.number}))

    assert page.status_code == 200
    assert "Difficult customer" not in page.content.decode()


# --- Shipping --------------------------------------------------------------------------------


def test_the_owner_ships_a_paid_order_and_the_buyer_is_told(
    client_as, django_capture_on_commit_callbacks, run_outbox
):
    order = placed_order(status=OrderStatus.PAID)
    owner = owner_of(order.shop)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(owner).post(
            url("seller-order-ship", order),
            {"carrier": " Black Cat ", "tracking_number": "TW123456789"},
            follow=True,
        )

    assert response.redirect_chain == [(url("seller-order", order), 302)]
    assert messages_of(response) == ["Marked shipped: the buyer is told the tracking number."]
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert (order.carrier, order.tracking_number) == ("Black Cat", "TW123456789")
    assert order.shipped_at is not None
    change = history_of(order).get()
    assert (change.to_status, change.by_id) == (OrderStatus.SHIPPED, owner.pk)
    assert run_outbox() == 1  # the worker writes the notices
    notice = Notification.objects.get(user=order.buyer)
    assert notice.kind == "order_shipped"
    assert notice.url == reverse("orders:detail", kwargs={"number": order.number})
    html = response.content.decode()
    assert "TW123456789" in html
    assert url("seller-order-ship", order) not in html  # no second shipping form


@pytest.mark.parametrize(
    "data, message",
    [
        ({"carrier": "", "tracking_number": "TW1"}, "This field is required."),
        ({"carrier": "Black Cat", "tracking_number": ""}, "This field is required."),
        ({"carrier": "   ", "tracking_number": "TW1"}, "This field is required."),
        ({"carrier": "Black Cat", "tracking_number": "9" * 101}, "at most 100 characters"),
    ],
    ids=["no-carrier", "no-tracking", "blank-carrier", "tracking-too-long"],
)
def test_shipping_without_a_proper_carrier_and_tracking_number_is_refused(
    client_as, django_capture_on_commit_callbacks, run_outbox, data, message
):
    order = placed_order(status=OrderStatus.PAID)
    before = snapshot(order)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_as(owner_of(order.shop)).post(url("seller-order-ship", order), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot(order) == before
    assert callbacks == [] and run_outbox() == 0 and not Notification.objects.exists()


@pytest.mark.parametrize(
    "status", [OrderStatus.PENDING_PAYMENT, OrderStatus.SHIPPED, OrderStatus.CANCELLED]
)
def test_shipping_an_order_not_waiting_to_ship_is_refused_with_a_message(
    client_as, django_capture_on_commit_callbacks, run_outbox, status
):
    order = placed_order(status=status)
    before = snapshot(order)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_as(owner_of(order.shop)).post(url("seller-order-ship", order), SHIPMENT)

    assert response.status_code == 400
    assert "Only a paid order waiting to ship can be shipped." in response.content.decode()
    assert snapshot(order) == before
    assert callbacks == [] and run_outbox() == 0 and not Notification.objects.exists()


def test_shipping_twice_keeps_the_first_shipment(client_as):
    order = placed_order(status=OrderStatus.PAID)
    client = client_as(owner_of(order.shop))
    client.post(url("seller-order-ship", order), SHIPMENT)

    again = client.post(
        url("seller-order-ship", order), {"carrier": "Other", "tracking_number": "X2"}
    )

    assert again.status_code == 400
    assert "Only a paid order waiting to ship can be shipped." in again.content.decode()
    order.refresh_from_db()
    assert (order.carrier, order.tracking_number) == ("Black Cat", "TW123456789")
    assert history_of(order).count() == 1


# --- Marking delivered -----------------------------------------------------------------------


def test_the_owner_marks_a_shipped_order_delivered(
    client_as, django_capture_on_commit_callbacks, run_outbox
):
    order = placed_order(status=OrderStatus.SHIPPED)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(owner_of(order.shop)).post(
            url("seller-order-deliver", order), follow=True
        )

    assert response.redirect_chain == [(url("seller-order", order), 302)]
    assert messages_of(response) == ["Marked delivered."]
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED and order.delivered_at is not None
    assert history_of(order).get().to_status == OrderStatus.DELIVERED
    assert run_outbox() == 1
    assert Notification.objects.get(user=order.buyer).kind == "order_delivered"
    assert url("seller-order-deliver", order) not in response.content.decode()


@pytest.mark.parametrize("status", [OrderStatus.PAID, OrderStatus.DELIVERED])
def test_marking_an_order_not_shipped_delivered_is_refused_with_a_message(client_as, status):
    order = placed_order(status=status)
    before = snapshot(order)

    response = client_as(owner_of(order.shop)).post(url("seller-order-deliver", order), follow=True)

    assert messages_of(response) == ["Only a shipped order can be marked delivered."]
    assert snapshot(order) == before


# --- Roles -----------------------------------------------------------------------------------


def test_a_clerk_sees_the_orders_ships_and_writes_notes(client_as):
    order = placed_order(status=OrderStatus.PAID)
    clerk = member_of(order.shop, MemberRole.CLERK)
    client = client_as(clerk)

    assert order.number in client.get(url("seller-orders")).content.decode()
    assert client.get(url("seller-order", order)).status_code == 200
    client.post(url("seller-order-note", order), {"seller_note": "Packed"})
    client.post(url("seller-order-ship", order), SHIPMENT)

    order.refresh_from_db()
    assert order.seller_note == "Packed"
    assert order.status == OrderStatus.SHIPPED
    assert history_of(order).get().by_id == clerk.pk


def test_a_clerk_cannot_mark_delivered_and_is_not_offered_to(client_as):
    order = placed_order(status=OrderStatus.SHIPPED)
    client = client_as(member_of(order.shop, MemberRole.CLERK))
    before = snapshot(order)

    page = client.get(url("seller-order", order))
    assert page.context["can_deliver"] is False
    assert url("seller-order-deliver", order) not in page.content.decode()

    response = client.post(url("seller-order-deliver", order), follow=True)

    assert messages_of(response) == [
        "Only the shop's owner or managers can mark an order delivered."
    ]
    assert snapshot(order) == before


def test_a_manager_marks_delivered(client_as):
    order = placed_order(status=OrderStatus.SHIPPED)
    client = client_as(member_of(order.shop, MemberRole.MANAGER))

    page = client.get(url("seller-order", order))
    assert page.context["can_deliver"] is True
    assert url("seller-order-deliver", order) in page.content.decode()

    client.post(url("seller-order-deliver", order))

    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


# --- Who may not -----------------------------------------------------------------------------


ORDER_PAGES = [
    ("get", "seller-order", {}),
    ("post", "seller-order-note", {"seller_note": "Mine now"}),
    ("post", "seller-order-ship", SHIPMENT),
    ("post", "seller-order-deliver", {}),
]


@pytest.mark.parametrize("role", [MemberRole.OWNER, MemberRole.MANAGER, MemberRole.CLERK])
@pytest.mark.parametrize("method, name, data", ORDER_PAGES, ids=[p[1] for p in ORDER_PAGES])
@pytest.mark.parametrize("status", [OrderStatus.PAID, OrderStatus.SHIPPED])
def test_another_shops_people_get_a_404_and_change_nothing(
    client_as, django_capture_on_commit_callbacks, run_outbox, role, method, name, data, status
):
    order = placed_order(status=status)
    other_shop = ShopFactory()
    intruder = owner_of(other_shop) if role == MemberRole.OWNER else member_of(other_shop, role)
    before = snapshot(order)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = getattr(client_as(intruder), method)(url(name, order), data)

    assert response.status_code == 404
    assert snapshot(order) == before
    assert callbacks == [] and run_outbox() == 0 and not Notification.objects.exists()


def test_another_shops_owner_does_not_see_the_order_in_their_list(client_as):
    order = placed_order(status=OrderStatus.PAID)
    intruder = owner_of(ShopFactory())

    response = client_as(intruder).get(url("seller-orders"))

    assert list(response.context["page"].object_list) == []
    assert [count for _slug, _label, count in response.context["tabs"]] == [0] * 7
    assert order.number not in response.content.decode()


@pytest.mark.parametrize("method, name, data", ORDER_PAGES, ids=[p[1] for p in ORDER_PAGES])
def test_a_shopper_without_a_shop_is_sent_to_apply_and_changes_nothing(
    client_as, method, name, data
):
    order = placed_order(status=OrderStatus.SHIPPED)
    before = snapshot(order)

    # The buyer of the order is no seller either.
    response = getattr(client_as(order.buyer), method)(url(name, order), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("sellers:apply")
    assert snapshot(order) == before


def test_a_shopper_without_a_shop_cannot_open_the_list(client_as, user):
    placed_order(status=OrderStatus.PAID)

    response = client_as(user).get(url("seller-orders"))

    assert response.status_code == 302 and response["Location"] == reverse("sellers:apply")


@pytest.mark.parametrize(
    "method, name, data",
    [("get", "seller-orders", {}), *ORDER_PAGES],
    ids=["seller-orders", *(p[1] for p in ORDER_PAGES)],
)
def test_a_guest_is_sent_to_log_in(client, method, name, data):
    order = placed_order(status=OrderStatus.SHIPPED)
    before = snapshot(order)
    target = url(name) if name == "seller-orders" else url(name, order)

    response = getattr(client, method)(target, data)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert snapshot(order) == before


@pytest.mark.parametrize("name", ["seller-order-note", "seller-order-ship", "seller-order-deliver"])
def test_the_actions_refuse_a_get(client_as, name):
    order = placed_order(status=OrderStatus.SHIPPED)

    response = client_as(owner_of(order.shop)).get(url(name, order))

    assert response.status_code == 405
