"""Risk-control test helpers: payment attempts made directly (with the session, IP address,
status and time a test needs) for real placed order groups, to be assessed by the rules."""

import factory

from payments.models import Payment, ProviderCode
from tests.orders.factories import placed_order


class PaymentFactory(factory.django.DjangoModelFactory):
    """A sandbox attempt to pay a new pending order group, by that group's buyer (pass
    ``group=`` to pay another group of a known buyer)."""

    class Meta:
        model = Payment

    group = factory.LazyFunction(lambda: placed_order().group)
    buyer = factory.LazyAttribute(lambda payment: payment.group.buyer)
    number = factory.Sequence(lambda n: f"PAY{n:010d}")
    provider = ProviderCode.SANDBOX
    amount = factory.LazyAttribute(lambda payment: payment.group.total)
    currency = factory.LazyAttribute(lambda payment: payment.group.currency)
