"""Money at once on real PostgreSQL: refunds racing for the same payment never return more than
was paid, and the same success reported by many threads (return page, webhook, replays) pays
the group and spends store credit exactly once."""

from collections import Counter
from decimal import Decimal

import pytest

from marketplace.core.models import StatusChange
from orders.models import GroupStatus
from payments.errors import RefundError
from payments.models import PaymentStatus, Refund, WalletEntry
from payments.services import paying, refunds, wallets
from tests.accounts.factories import UserFactory
from tests.payments.factories import (
    approve,
    group_to_pay,
    paid_group,
    pay_request,
    started_payment,
)
from tests.threads import raised, run_together

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 12


def _race(work) -> Counter:
    outcomes = run_together(*[work] * THREADS)
    assert not raised(outcomes)
    return Counter(outcomes)


def test_racing_refunds_never_exceed_the_payment(staff_user):
    _group, payment = paid_group(price=Decimal("100.00"))

    def refund() -> str:
        try:
            refunds.refund_payment(
                payment=payment, amount=Decimal("30"), by=staff_user, reason="Race"
            )
        except RefundError as error:
            return error.code
        return "refunded"

    outcomes = _race(refund)
    assert outcomes == Counter({"refunded": 3, "too_much": THREADS - 3})
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("90.00")
    assert Refund.objects.filter(status="succeeded").count() == 3


def test_the_same_success_reported_at_once_pays_the_group_once():
    group = group_to_pay(price=Decimal("10.00"))
    payment = started_payment(group=group)
    outcomes = _race(lambda: approve(payment).status)
    assert outcomes == Counter({PaymentStatus.SUCCEEDED: THREADS})
    group.refresh_from_db()
    assert group.status == GroupStatus.PAID
    for obj in (payment, group):
        moves = StatusChange.objects.filter(
            object_id=str(obj.pk), to_status__in=("succeeded", "paid")
        )
        assert moves.filter(content_type__model=type(obj).__name__.lower()).count() == 1


def test_a_top_up_reported_at_once_is_credited_once():
    buyer = UserFactory()
    payment = paying.start_top_up(
        by=buyer, amount=Decimal("40"), provider="sandbox", request=pay_request(buyer)
    )
    _race(lambda: approve(payment).status)
    assert wallets.balance_of(user=buyer) == Decimal("40.00")
    assert WalletEntry.objects.filter(payment=payment).count() == 1
