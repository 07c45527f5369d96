"""Fixtures of the payments tests: a local fake Stripe API; two shops in categories with
commission rates, and the coupons that make a checkout carry both a shop-funded and a
platform-funded discount."""

from decimal import Decimal

import pytest

from orders.models import FundedBy
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, VariantFactory
from tests.orders.factories import CouponFactory
from tests.payments.fake_stripe import FakeStripe
from tests.payments.ledger_factories import CommissionRateFactory


class Market:
    """Books at 10 % (shop A sells a 100.00 book), Electronics at 8 % inherited by Phones (shop B
    sells a 45.00 phone case); every shop charges the default 5.00 delivery."""

    def __init__(self) -> None:
        self.books = CategoryFactory()
        self.electronics = CategoryFactory()
        self.phones = CategoryFactory(parent=self.electronics)
        self.books_rate = CommissionRateFactory(category=self.books, percent=Decimal("10"))
        CommissionRateFactory(category=self.electronics, percent=Decimal("8"))
        self.book = VariantFactory(product__category=self.books, price=Decimal("100.00"), stock=50)
        self.case = VariantFactory(product__category=self.phones, price=Decimal("45.00"), stock=50)
        self.shop_a = self.book.product.shop
        self.shop_b = self.case.product.shop
        self.buyer = UserFactory()

    def coupons(self) -> tuple[str, str]:
        """A 10.00 coupon of shop A (the shop funds it) and a 20.00 platform coupon (the
        platform funds it), as codes to type at checkout."""
        CouponFactory(shop=self.shop_a, code="SHOPA10", amount=Decimal("10.00"))
        CouponFactory(
            shop=None, code="PLATFORM20", amount=Decimal("20.00"), funded_by=FundedBy.PLATFORM
        )
        return ("SHOPA10", "PLATFORM20")


@pytest.fixture
def market(db) -> Market:
    return Market()


@pytest.fixture
def fake_stripe(settings):
    """A local fake Stripe API with the settings pointing at it (keys, address, webhook secret)."""
    fake = FakeStripe().start()
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_SECRET_KEY = fake.secret_key
    settings.STRIPE_PUBLISHABLE_KEY = fake.publishable_key
    settings.STRIPE_WEBHOOK_SECRET = fake.webhook_secret
    settings.PAYMENT_PROVIDERS = [*settings.PAYMENT_PROVIDERS, "stripe"]
    yield fake
    fake.stop()
