"""Stock changes only through the inventory service: never below zero, always with a movement,
the product total in step, and one low-stock notice per fall."""

import random

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from catalog import events
from catalog.errors import InventoryError, OutOfStock
from catalog.models import MovementReason, Product, StockMovement, Variant
from catalog.services.inventory import (
    Sale,
    receive_stock,
    return_stock,
    set_stock,
    take_stock,
    take_stock_of_lines,
)
from marketplace.notifications.models import Notification
from marketplace.notifications.rendering import render_notification
from marketplace.sellers.models import MemberRole
from tests.sellers.factories import MerchantMemberFactory
from tests.threads import run_together

from .factories import ProductFactory, VariantFactory


def ledger_total(variant: Variant) -> int:
    return StockMovement.objects.filter(variant=variant).aggregate(t=Sum("quantity"))["t"] or 0


def assert_in_step(product: Product) -> None:
    product.refresh_from_db()
    variants = list(product.variants.all())
    for variant in variants:
        assert variant.stock == ledger_total(variant)
        last = variant.movements.order_by("-pk").first()
        assert variant.stock == (last.stock_after if last else 0)
    assert product.stock_total == sum(v.stock for v in variants)


@pytest.mark.django_db
class TestMovements:
    def test_each_change_writes_a_movement_with_the_stock_after(self, staff_user):
        variant = VariantFactory()

        received = receive_stock(variant=variant, quantity=10, by=staff_user, reference="PO-1")
        sold = take_stock(variant=variant, quantity=3, reference="ORDER-1")
        back = return_stock(
            variant=variant, quantity=1, reason=MovementReason.CANCELLATION, reference="ORDER-1"
        )
        adjusted = set_stock(variant=variant, quantity=5, by=staff_user, note="count")

        rows = [(m.reason, m.quantity, m.stock_after) for m in (received, sold, back, adjusted)]
        assert rows == [
            ("receipt", 10, 10),
            ("sale", -3, 7),
            ("cancellation", 1, 8),
            ("adjustment", -3, 5),
        ]
        assert received.by == staff_user and received.reference == "PO-1"
        variant.refresh_from_db()
        assert variant.stock == 5
        assert_in_step(variant.product)

    def test_an_over_sale_is_refused_and_changes_nothing(self):
        variant = VariantFactory(stock=2)

        with pytest.raises(OutOfStock) as refused:
            take_stock(variant=variant, quantity=3)

        assert refused.value.code == "out_of_stock"
        variant.refresh_from_db()
        assert variant.stock == 2
        assert variant.movements.count() == 1
        assert_in_step(variant.product)  # and the surrounding transaction is still usable

    def test_an_over_sale_inside_a_callers_transaction_leaves_it_usable(self):
        variant = VariantFactory(stock=1)
        other = VariantFactory(product=variant.product, stock=4)

        with transaction.atomic():
            take_stock(variant=other, quantity=2)
            with pytest.raises(OutOfStock):
                take_stock(variant=variant, quantity=2)
            take_stock(variant=variant, quantity=1)

        assert_in_step(variant.product)
        assert variant.product.stock_total == 2

    @pytest.mark.parametrize("quantity", [0, -1, 1.5, True])
    def test_quantities_must_be_whole_and_positive(self, quantity):
        variant = VariantFactory(stock=3)
        for change in (receive_stock, take_stock):
            with pytest.raises(InventoryError):
                change(variant=variant, quantity=quantity)
        assert variant.movements.count() == 1

    def test_stock_comes_back_only_from_a_cancellation_or_a_return(self):
        variant = VariantFactory(stock=1)
        with pytest.raises(InventoryError):
            return_stock(variant=variant, quantity=1, reason=MovementReason.RECEIPT)
        assert variant.movements.count() == 1

    def test_setting_the_same_stock_records_nothing(self):
        variant = VariantFactory(stock=4)
        assert set_stock(variant=variant, quantity=4) is None
        with pytest.raises(InventoryError):
            set_stock(variant=variant, quantity=-1)
        assert variant.movements.count() == 1

    def test_stock_equals_the_sum_of_movements_after_any_sequence(self):
        product = ProductFactory()
        variants = [VariantFactory(product=product) for _ in range(3)]
        rng = random.Random(4)
        refused = 0
        for step in range(300):
            variant = rng.choice(variants)
            operation = rng.choice(["receive", "take", "take", "return", "set"])
            quantity = rng.randint(1, 8)
            try:
                if operation == "receive":
                    receive_stock(variant=variant, quantity=quantity)
                elif operation == "take":
                    take_stock(variant=variant, quantity=quantity, reference=f"O-{step}")
                elif operation == "return":
                    return_stock(variant=variant, quantity=quantity, reason=MovementReason.RETURN)
                else:
                    set_stock(variant=variant, quantity=rng.randint(0, 12))
            except OutOfStock:
                refused += 1
            if step % 25 == 0:
                assert_in_step(product)
        assert refused > 0  # the sequence really tried to over-sell
        assert_in_step(product)
        assert Variant.objects.filter(pk__in=[v.pk for v in variants], stock__lt=0).count() == 0


@pytest.mark.django_db
class TestSaleOfSeveralLines:
    def test_every_line_is_taken_with_its_movement_and_the_products_totals(self):
        mug = ProductFactory()
        red, blue = VariantFactory(product=mug, stock=5), VariantFactory(product=mug, stock=3)
        tea = VariantFactory(stock=9)

        movements = take_stock_of_lines(
            sales=[
                Sale(variant=tea, quantity=4, reference="O-2"),
                Sale(variant=red, quantity=2, reference="O-1"),
                Sale(variant=blue, quantity=3, reference="O-1"),
            ]
        )

        rows = sorted((m.variant_id, m.quantity, m.stock_after, m.reference) for m in movements)
        assert rows == sorted(
            [(red.pk, -2, 3, "O-1"), (blue.pk, -3, 0, "O-1"), (tea.pk, -4, 5, "O-2")]
        )
        assert (red.stock, blue.stock, tea.stock) == (3, 0, 5)  # the callers' objects follow
        assert_in_step(mug)
        assert_in_step(tea.product)
        assert mug.stock_total == 3

    def test_one_short_line_takes_nothing_and_leaves_the_transaction_usable(self):
        plenty, last = VariantFactory(stock=10), VariantFactory(stock=1)

        with transaction.atomic():
            with pytest.raises(OutOfStock) as refused:
                take_stock_of_lines(
                    sales=[Sale(variant=plenty, quantity=4), Sale(variant=last, quantity=2)]
                )
            take_stock(variant=last, quantity=1)  # still usable

        assert "Only 1 left of" in refused.value.message
        plenty.refresh_from_db()
        assert plenty.stock == 10 and plenty.movements.count() == 1
        assert_in_step(plenty.product)
        assert_in_step(last.product)

    def test_the_statements_do_not_grow_with_the_lines(self):
        variants = [VariantFactory(stock=50) for _ in range(6)]

        def statements(count: int) -> int:
            with CaptureQueriesContext(connection) as queries:
                take_stock_of_lines(sales=[Sale(variant=v, quantity=1) for v in variants[:count]])
            return len(queries)

        assert statements(1) == statements(6) == 4

    def test_a_variant_twice_or_a_bad_quantity_is_refused(self):
        variant = VariantFactory(stock=5)
        with pytest.raises(InventoryError):
            take_stock_of_lines(
                sales=[Sale(variant=variant, quantity=1), Sale(variant=variant, quantity=1)]
            )
        with pytest.raises(InventoryError):
            take_stock_of_lines(sales=[Sale(variant=variant, quantity=0)])
        assert variant.movements.count() == 1


@pytest.mark.django_db
class TestLowStock:
    @pytest.fixture
    def variant(self):
        variant = VariantFactory(sku="MUG-RED", low_stock_threshold=5, stock=10)
        merchant = variant.product.shop.merchant
        self.manager = MerchantMemberFactory(merchant=merchant, role=MemberRole.MANAGER).user
        self.clerk = MerchantMemberFactory(merchant=merchant, role=MemberRole.CLERK).user
        self.owner = merchant.members.get(role=MemberRole.OWNER).user
        return variant

    def notices(self):
        return Notification.objects.filter(kind="catalog_low_stock")

    def test_owner_and_managers_are_told_once_when_stock_falls_to_the_threshold(
        self, variant, django_capture_on_commit_callbacks
    ):
        heard = []
        events.stock_low.connect(
            lambda sender, variant_id, stock, **kw: heard.append((variant_id, stock)),
            weak=False,
            dispatch_uid="test-stock-low",
        )
        try:
            with django_capture_on_commit_callbacks(execute=True):
                take_stock(variant=variant, quantity=4)  # 6 left: above the threshold
                assert not self.notices().exists()
                take_stock(variant=variant, quantity=1)  # 5 left: at the threshold
                take_stock(variant=variant, quantity=2)  # still low: no second notice
        finally:
            events.stock_low.disconnect(dispatch_uid="test-stock-low")

        assert sorted(n.user_id for n in self.notices()) == sorted([self.owner.pk, self.manager.pk])
        notice = self.notices().get(user=self.owner)
        assert notice.context["sku"] == "MUG-RED" and notice.context["stock"] == 5
        subject, body = render_notification(notice)
        assert subject == f"Running low: {variant.product.title} (MUG-RED), 5 left"
        assert "alert level of 5" in body
        assert heard == [(variant.pk, 5)]

    def test_the_notice_rearms_once_stock_is_above_the_threshold(self, variant):
        take_stock(variant=variant, quantity=6)
        receive_stock(variant=variant, quantity=2)  # 6: above again
        variant.refresh_from_db()
        assert variant.low_stock_notified_at is None

        set_stock(variant=variant, quantity=1)

        assert self.notices().filter(user=self.owner).count() == 2

    def test_a_lowered_threshold_rearms_the_notice(self, variant):
        take_stock(variant=variant, quantity=6)  # 4 left: told
        Variant.objects.filter(pk=variant.pk).update(low_stock_threshold=2)

        take_stock(variant=variant, quantity=1)  # 3: above the new threshold
        take_stock(variant=variant, quantity=1)  # 2: told again

        notices = self.notices().filter(user=self.owner)
        assert [n.context["stock"] for n in notices.order_by("pk")] == [4, 2]
        assert notices.first().url == f"/seller/products/inventory/{variant.pk}/"


@pytest.mark.django_db(transaction=True)
def test_two_buyers_of_the_last_unit_only_one_gets_it():
    variant = VariantFactory(stock=1)

    def buy() -> str:
        try:
            with transaction.atomic():
                take_stock(variant=Variant.objects.get(pk=variant.pk), quantity=1)
        except OutOfStock:
            return "out of stock"
        return "sold"

    outcomes = run_together(buy, buy)

    assert sorted(outcomes) == ["out of stock", "sold"]
    variant.refresh_from_db()
    assert variant.stock == 0
    assert variant.movements.filter(reason=MovementReason.SALE).count() == 1
    assert_in_step(variant.product)


@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_of_several_variants_keep_the_ledger_and_never_deadlock():
    mugs = ProductFactory()
    lines = sorted(
        [
            VariantFactory(product=mugs, stock=20),
            VariantFactory(product=mugs, stock=20),
            VariantFactory(stock=20),
        ],
        key=lambda v: (v.product_id, v.pk),  # the documented locking order
    )

    def shopper() -> list[str]:
        outcomes = []
        for _ in range(8):
            try:
                with transaction.atomic():
                    take_stock_of_lines(sales=[Sale(variant=v, quantity=1) for v in lines])
                outcomes.append("sold")
            except OutOfStock:
                outcomes.append("out of stock")
        return outcomes

    outcomes = [o for each in run_together(*[shopper] * 4) for o in each]

    assert outcomes.count("sold") == 20 and outcomes.count("out of stock") == 12
    for variant in lines:
        variant.refresh_from_db()
        assert variant.stock == 0
        assert variant.movements.filter(reason=MovementReason.SALE).count() == 20
    assert_in_step(mugs)
    assert_in_step(lines[-1].product)
