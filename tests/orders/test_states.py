"""The order and order-group state tables: every allowed move is made (with history), every
other move is refused and changes nothing."""

import itertools

import pytest

from marketplace.core.states import IllegalTransition, history_of, transition
from orders.models import GroupStatus, Order, OrderGroup, OrderStatus
from orders.states import GROUP, ORDER
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db

ORDER_MOVES = sorted(itertools.product(OrderStatus.values, OrderStatus.values))
GROUP_MOVES = sorted(itertools.product(GroupStatus.values, GroupStatus.values))

EXPECTED_ORDER = {
    ("pending_payment", "paid"),
    ("pending_payment", "cancelled"),
    ("paid", "shipped"),
    ("paid", "cancelled"),
    ("shipped", "delivered"),
    ("delivered", "completed"),
}
EXPECTED_GROUP = {
    ("pending_payment", "paid"),
    ("pending_payment", "cancelled"),
    ("paid", "cancelled"),
}


def test_the_order_table_is_the_documented_life_cycle():
    allowed = {(a, b) for a, targets in ORDER.items() for b in targets}
    assert allowed == EXPECTED_ORDER
    assert set(ORDER) == set(OrderStatus.values)


def test_the_group_table_is_the_documented_life_cycle():
    allowed = {(a, b) for a, targets in GROUP.items() for b in targets}
    assert allowed == EXPECTED_GROUP
    assert set(GROUP) == set(GroupStatus.values)


@pytest.mark.parametrize(("current", "to"), ORDER_MOVES)
def test_an_order_moves_only_as_the_table_allows(current, to):
    order = placed_order()
    Order.objects.filter(pk=order.pk).update(status=current)
    order.refresh_from_db()
    if (current, to) in EXPECTED_ORDER:
        transition(order, to=to, allowed=ORDER, reason="test")
        order.refresh_from_db()
        assert order.status == to
        change = history_of(order).get()
        assert (change.from_status, change.to_status) == (current, to)
    else:
        with pytest.raises(IllegalTransition):
            transition(order, to=to, allowed=ORDER)
        order.refresh_from_db()
        assert order.status == current
        assert not history_of(order).exists()


@pytest.mark.parametrize(("current", "to"), GROUP_MOVES)
def test_a_group_moves_only_as_the_table_allows(current, to):
    group = placed_order().group
    OrderGroup.objects.filter(pk=group.pk).update(status=current)
    group.refresh_from_db()
    if (current, to) in EXPECTED_GROUP:
        transition(group, to=to, allowed=GROUP)
        group.refresh_from_db()
        assert group.status == to
    else:
        with pytest.raises(IllegalTransition):
            transition(group, to=to, allowed=GROUP)
        group.refresh_from_db()
        assert group.status == current
