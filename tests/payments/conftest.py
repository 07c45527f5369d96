"""Fixtures of the payments tests: a clean exchange-rate cache around every test, a local fake
exchange-rate feed and a local fake Stripe API (real HTTP servers on 127.0.0.1, never the
internet); two shops in categories with commission rates, and the coupons that make a checkout
carry both a shop-funded and a platform-funded discount."""

import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from orders.models import FundedBy
from payments.services.currencies import forget_cached_rates
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, VariantFactory
from tests.orders.factories import CouponFactory
from tests.payments.fake_stripe import FakeStripe
from tests.payments.ledger_factories import CommissionRateFactory


@pytest.fixture(autouse=True)
def fresh_rate_cache():
    """The rates live in Redis, which the test database's rollback does not reach."""
    forget_cached_rates()
    yield
    forget_cached_rates()


class FakeFeed:
    """Answers GET /v6/latest/<base> with whatever the test set: like open.er-api.com."""

    def __init__(self) -> None:
        self.status = 200
        self.body: bytes = b"{}"
        self.delay = 0.0
        self.paths: list[str] = []
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                feed.paths.append(self.path)
                if feed.delay:
                    time.sleep(feed.delay)
                try:
                    self.send_response(feed.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(feed.body)))
                    self.end_headers()
                    self.wfile.write(feed.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

            def log_message(self, *args: object) -> None:
                """No access log in the test output."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/v6/latest/USD"

    def answer(self, payload: object = None, *, status: int = 200, raw: bytes | None = None):
        self.status = status
        self.body = raw if raw is not None else json.dumps(payload).encode()

    def answer_rates(self, rates: dict, *, base: str = "USD", **extra: object) -> None:
        self.answer(
            {
                "result": "success",
                "provider": "https://www.exchangerate-api.com",
                "time_last_update_unix": 1767225600,
                "time_last_update_utc": "Thu, 01 Jan 2026 00:00:00 +0000",
                "base_code": base,
                "rates": {base: 1, **rates},
                **extra,
            }
        )


@pytest.fixture
def fake_feed(settings):
    feed = FakeFeed()
    thread = threading.Thread(target=feed.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.EXCHANGE_RATES_URL = feed.url
    settings.EXCHANGE_RATES_TIMEOUT_SECONDS = 1.0
    yield feed
    feed.server.shutdown()
    feed.server.server_close()


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
