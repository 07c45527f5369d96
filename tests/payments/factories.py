"""Payments factories: one call builds a valid attempt (for a new placed order) or refund."""

from decimal import Decimal

import factory

from payments.models import Payment, PaymentStatus, ProviderCode, Refund
from tests.orders.factories import placed_order


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
