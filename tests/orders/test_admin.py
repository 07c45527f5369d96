"""Staff pages of orders: read-only, and "Cancel (staff)" with a reason, through cancel_order."""

import pytest
from django.urls import reverse

from orders.models import Order, OrderStatus
from tests.accounts.factories import UserFactory
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db


def cancel_url(order) -> str:
    return reverse("admin:orders_order_cancel", args=[order.pk])


def stock_of(order) -> int:
    line = order.lines.select_related("variant").get()
    line.variant.refresh_from_db()
    return line.variant.stock


def test_the_order_page_offers_cancel_and_shows_the_history(client_as, staff_user):
    order = placed_order(status=OrderStatus.PAID)

    url = reverse("admin:orders_order_change", args=[order.pk])
    html = client_as(staff_user).get(url).content.decode()

    assert cancel_url(order) in html and "Status history" in html


def test_staff_cancel_a_paid_order_with_a_reason_and_the_stock_comes_back(client_as, staff_user):
    order = placed_order(status=OrderStatus.PAID)
    before = stock_of(order)

    response = client_as(staff_user).post(cancel_url(order), {"reason": "Fraud suspected"})

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, "Fraud suspected")
    assert stock_of(order) == before + 1


def test_a_cancellation_without_a_reason_asks_again_and_changes_nothing(client_as, staff_user):
    order = placed_order(status=OrderStatus.PAID)

    response = client_as(staff_user).post(cancel_url(order), {"reason": "  "})

    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID


def test_a_shipped_order_is_refused_with_the_reason(client_as, staff_user):
    order = placed_order(status=OrderStatus.SHIPPED)

    response = client_as(staff_user).post(cancel_url(order), {"reason": "Late"}, follow=True)

    assert "can no longer be cancelled" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED


def test_the_list_action_cancels_each_order_it_can(client_as, staff_user):
    paid = placed_order(status=OrderStatus.PAID)
    shipped = placed_order(status=OrderStatus.SHIPPED)

    client_as(staff_user).post(
        reverse("admin:orders_order_changelist"),
        {
            "action": "cancel_selected",
            "_selected_action": [paid.pk, shipped.pk],
            "confirm": "1",
            "reason": "Shop closed",
        },
    )

    assert Order.objects.get(pk=paid.pk).status == OrderStatus.CANCELLED
    assert Order.objects.get(pk=shipped.pk).status == OrderStatus.SHIPPED


def test_staff_without_the_order_permission_are_refused(client_as):
    order = placed_order(status=OrderStatus.PAID)
    clerk = UserFactory(is_staff=True)

    response = client_as(clerk).post(cancel_url(order), {"reason": "No"})

    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID


def test_an_unknown_or_malformed_order_id_is_not_found(client_as, staff_user):
    client = client_as(staff_user)

    for object_id in ("999999", "abc"):
        url = reverse("admin:orders_order_cancel", args=[object_id])
        assert client.get(url).status_code == 404
