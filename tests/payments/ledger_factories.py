"""Factories of the ledger tests: one call builds a valid object (paying helpers: factories.py).

``PaymentFactory(group=...)`` is the group's payment that succeeded, for the amount due (what the
lead's ``record_outcome`` leaves behind before it marks the group paid).
"""

from decimal import Decimal

import factory
from django.contrib.auth.models import Permission
from django.utils import timezone

from orders.selectors import amount_due
from payments.models import (
    CommissionRate,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    PayoutAccount,
    ProviderCode,
)
from tests.accounts.factories import UserFactory


def finance_staff():
    """A staff member of finance: may mark payouts sent or failed."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_payout"))
    return user


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    number = factory.Sequence(lambda n: f"P{n:09d}")
    group = None
    purpose = factory.LazyAttribute(
        lambda o: PaymentPurpose.ORDER if o.group else PaymentPurpose.TOP_UP
    )
    buyer = factory.LazyAttribute(lambda o: o.group.buyer if o.group else UserFactory())
    provider = ProviderCode.SANDBOX
    status = PaymentStatus.SUCCEEDED
    amount = factory.LazyAttribute(
        lambda o: amount_due(group=o.group) if o.group else Decimal("20.00")
    )
    currency = factory.LazyAttribute(lambda o: o.group.currency if o.group else "USD")
    succeeded_at = factory.LazyFunction(timezone.now)


class CommissionRateFactory(factory.django.DjangoModelFactory):
    """A 10 % rate in force since yesterday on a new category."""

    class Meta:
        model = CommissionRate

    category = factory.SubFactory("tests.catalog.factories.CategoryFactory")
    percent = Decimal("10.00")
    valid_from = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=1))


class PayoutAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PayoutAccount

    shop = factory.SubFactory("tests.sellers.factories.ShopFactory")
    stripe_account_id = factory.Sequence(lambda n: f"acct_test{n:06d}")
