"""Payments test helpers: a placed order group to pay, a request to pay it from, and payments
moved along through the real services (so each test starts from states the code really makes)."""

from decimal import Decimal
from typing import Any

import factory
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from payments.models import Payment, PaymentStatus, ProviderCode, Refund
from payments.providers import sandbox
from payments.providers.base import Outcome
from payments.services import paying
from tests.catalog.factories import VariantFactory
from tests.orders.factories import placed_order


def pay_request(user: Any = None, *, ip: str = "203.0.113.7"):
    """A POST as the buyer's browser sends it (with a session, from ``ip``)."""
    request = RequestFactory().post("/", REMOTE_ADDR=ip)
    request.user = user
    request.session = SessionStore()
    request.session.create()
    return request


def group_to_pay(*, buyer: Any = None, price: Decimal | None = None, **kwargs):
    """An order group waiting for payment (one shop's order of one item)."""
    if price is not None:
        kwargs["variant"] = VariantFactory(price=price, stock=20)
    order = placed_order(buyer=buyer, **kwargs)
    return order.group


def started_payment(*, group, provider: str = "sandbox") -> Payment:
    return paying.start_payment(
        group=group, by=group.buyer, provider=provider, request=pay_request(group.buyer)
    )


def sandbox_result(payment: Payment, choice: str = sandbox.APPROVE, country: str = "") -> dict:
    return sandbox.decide(payment=payment, choice=choice, card_country=country)


def approve(payment: Payment, **outcome: Any) -> Payment:
    """The provider reports success (for the attempt's own amount unless told otherwise)."""
    fields = {
        "reference": payment.provider_reference,
        "status": PaymentStatus.SUCCEEDED,
        "amount": payment.amount,
        "currency": payment.currency,
        **outcome,
    }
    return paying.record_outcome(payment=payment, outcome=Outcome(**fields))


def paid_group(*, buyer: Any = None, price: Decimal | None = None, **kwargs):
    """A group paid through the sandbox; returns (group, payment)."""
    group = group_to_pay(buyer=buyer, price=price, **kwargs)
    payment = approve(started_payment(group=group))
    group.refresh_from_db()
    return group, payment


class PaymentFactory(factory.django.DjangoModelFactory):
    """A new sandbox attempt to pay a newly placed order's group, for the group's total."""

    class Meta:
        model = Payment

    number = factory.Sequence(lambda n: f"PAY{n:08d}")
    group = factory.LazyFunction(lambda: placed_order().group)
    buyer = factory.LazyAttribute(lambda o: o.group.buyer)
    provider = ProviderCode.SANDBOX
    amount = factory.LazyAttribute(lambda o: o.group.total)
    currency = factory.LazyAttribute(lambda o: o.group.currency)


class RefundFactory(factory.django.DjangoModelFactory):
    """A pending refund of 1.00 of a succeeded payment."""

    class Meta:
        model = Refund

    payment = factory.SubFactory(PaymentFactory, status=PaymentStatus.SUCCEEDED)
    amount = Decimal("1.00")
    currency = factory.LazyAttribute(lambda o: o.payment.currency)
    reason = "Test refund"
