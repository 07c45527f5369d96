"""The shipping journey in a real browser: the merchant ships a paid order from the dashboard
with the sandbox carrier and gets its label; the buyer follows the parcel's tracking timeline as
the sandbox moves it on (the poller's service runs between page loads, later each time)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import storages
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from logistics.models import Shipment, ShipmentStatus
from logistics.services.tracking import poll_active_shipments
from orders.models import Order, OrderStatus
from tests.accounts.factories import PASSWORD, UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.logistics.factories import carrier_with
from tests.orders.factories import placed_order
from tests.orders.lifecycle_support import owner_of
from tests.sellers.factories import ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def private_labels(settings, tmp_path, monkeypatch):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    monkeypatch.setattr(Shipment._meta.get_field("label"), "storage", storages["private"])


def log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_the_merchant_ships_and_the_buyer_follows_the_parcel(
    browser: Browser, live_server, private_labels, settings
):
    settings.LOGISTICS_SANDBOX_TIME_SCALE = 60
    carrier_with("express", "standard", name="Demo Express", code="demo-express")
    shop = ShopFactory(name="Kettle & Co")
    teapot = VariantFactory(
        product=ProductFactory(shop=shop, title="Enamel teapot"),
        sku="TEAPOT",
        price=Decimal("25.00"),
        stock=5,
        weight_grams=900,
    )
    buyer = UserFactory(email="mei@example.com", display_name="Lin Mei")
    order = placed_order(buyer=buyer, variant=teapot, quantity=1, status=OrderStatus.PAID)
    merchant = owner_of(shop)
    base_url = live_server.url
    problems: list[str] = []

    # 1. The merchant ships the order from the dashboard: carrier, service, one package.
    seller = browser.new_page()
    seller.on("pageerror", lambda error: problems.append(str(error)))
    log_in(seller, base_url, merchant.email)
    seller.goto(f"{base_url}/seller/orders/{order.number}/")
    seller.get_by_role("link", name="Ship with a carrier").click()
    expect(seller.get_by_role("heading", name=re.compile("Ship order"))).to_be_visible()
    seller.get_by_label("Carrier and service").select_option(
        label="Demo Express: Standard (2-4 days)"
    )
    seller.get_by_label("Package 1 weight (g)").fill("950")
    seller.get_by_role("button", name="Book and print the label").click()
    expect(
        seller.get_by_text(re.compile(r"Shipped with Demo Express: tracking number SBX\d+"))
    ).to_be_visible()
    shipment = Shipment.objects.get(order=order)
    expect(seller.locator("#shipments")).to_contain_text(shipment.tracking_number)
    label_url = seller.get_by_role("link", name="Label (PDF)").get_attribute("href")
    label = seller.request.get(f"{base_url}{label_url}")  # opens in the browser's PDF viewer
    assert label.headers["content-type"] == "application/pdf"
    assert label.body().startswith(b"%PDF")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
    # The sandbox gives numbers ending in 98 or 99 trouble on purpose; this parcel takes the plain
    # path whatever number it drew.
    Shipment.objects.filter(pk=shipment.pk).update(tracking_number=f"SBX{shipment.pk:010d}01")

    # 2. The buyer sees the order shipped and follows the parcel: the label is made.
    shopper = browser.new_page()
    shopper.on("pageerror", lambda error: problems.append(str(error)))
    log_in(shopper, base_url, buyer.email)
    shopper.goto(f"{base_url}/orders/{order.number}/")
    shopper.get_by_role("link", name="Follow the parcel").click()
    expect(shopper.get_by_role("heading", name=re.compile("Tracking of order"))).to_be_visible()
    expect(shopper.locator(".tracking-status")).to_have_text("Label created")
    expect(shopper.locator(".tracking-event")).to_have_count(1)

    # 3. Ten minutes later (ten hours for the sandbox's parcel) it is picked up and in transit.
    booked = timezone.now()
    assert poll_active_shipments(now=booked + timedelta(minutes=10)) == 1
    shopper.reload()
    expect(shopper.locator(".tracking-status")).to_have_text("In transit")
    expect(shopper.locator(".tracking-event")).to_have_count(3)
    expect(shopper.locator(".tracking-timeline")).to_contain_text("Picked up from the sender")

    # 4. Two hours later it was out for delivery and delivered; the order is delivered.
    assert poll_active_shipments(now=booked + timedelta(hours=2)) == 1
    shopper.reload()
    expect(shopper.locator(".tracking-status")).to_have_text("Delivered")
    expect(shopper.locator(".tracking-timeline")).to_contain_text("Out for delivery")
    expect(shopper.locator(".tracking-event")).to_have_count(6)
    shopper.get_by_role("link", name=re.compile(f"Order {order.number}")).click()
    expect(shopper.locator("main")).to_contain_text("Delivered")

    assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.DELIVERED
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    assert problems == []
