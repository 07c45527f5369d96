"""The status history staff read on admin pages (orders, products, shops)."""

import pytest

from marketplace.core.admin_display import status_history_html
from orders.models import Order
from orders.services.lifecycle import cancel_order
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db


def test_a_history_lists_each_change_with_who_and_why(user):
    order = placed_order(buyer=user)
    cancel_order(order=order, by=user, reason="Wrong <colour>", initiator="buyer")

    html = status_history_html(order)

    assert "pending_payment → cancelled" in html
    assert user.email in html or str(user) in html
    assert "Wrong &lt;colour&gt;" in html  # escaped


def test_no_history_is_a_dash():
    assert status_history_html(placed_order()) == "—"
    assert status_history_html(Order()) == "—"  # not saved yet: no query
