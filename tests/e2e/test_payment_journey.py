"""The payment journey in a real browser: a shopper places an order and pays it on the sandbox's
hosted page (approve), and sees it paid; a second order is declined, then paid on a retry."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from orders.models import GroupStatus, OrderGroup
from payments.models import Payment, PaymentStatus
from tests.accounts.factories import PASSWORD, AddressFactory, UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.sellers.factories import ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _place_order(page: Page, base_url: str, slug: str) -> None:
    page.goto(f"{base_url}/p/{slug}/")
    page.locator("#buy-box").get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-message")).to_contain_text("Added to your cart.")
    page.goto(f"{base_url}/checkout/")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", name="Thank you, your order is placed")).to_be_visible()


def _choose_sandbox(page: Page) -> None:
    page.get_by_role("link", name="Pay now").click()
    expect(page.get_by_role("heading", name=re.compile("Pay for order"))).to_be_visible()
    page.get_by_role("radio", name="Sandbox (test payments)").check()
    page.get_by_role("button", name="Pay now").click()
    expect(page.get_by_role("heading", name="Sandbox payment page")).to_be_visible()


def test_pay_with_the_sandbox_then_decline_and_retry(page: Page, live_server):
    shop = ShopFactory(name="Kettle & Co")
    for slug, price in (("enamel-teapot", "25.00"), ("tea-cups", "12.00")):
        item = ProductFactory(shop=shop, title=slug.replace("-", " ").title(), slug=slug)
        VariantFactory(product=item, sku=slug.upper(), price=Decimal(price), stock=5)
    shopper = UserFactory(email="mei@example.com", display_name="Lin Mei")
    AddressFactory(user=shopper, recipient="Lin Mei", is_default=True)
    base_url = live_server.url
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(shopper.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    # 1. Place an order and pay it: the sandbox's page approves, the order is paid.
    _place_order(page, base_url, "enamel-teapot")
    _choose_sandbox(page)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("heading", name="Payment received")).to_be_visible()
    expect(page.locator("#payment-result")).to_contain_text("Paid, to ship")
    page.get_by_role("link", name="See my orders").first.click()
    expect(page.locator("article.order-card").first).to_contain_text("Paid, to ship")

    # 2. A second order: the card is declined, nothing is charged, the buyer tries again.
    _place_order(page, base_url, "tea-cups")
    _choose_sandbox(page)
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_role("heading", name="Payment not completed")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("The card was declined (sandbox).")
    page.get_by_role("link", name="Try again").click()
    expect(page.locator("#last-failure")).to_contain_text("did not go through")
    page.get_by_role("radio", name="Sandbox (test payments)").check()
    page.get_by_role("button", name="Pay now").click()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("heading", name="Payment received")).to_be_visible()

    # 3. The database agrees: both groups paid, one declined attempt kept.
    groups = OrderGroup.objects.filter(buyer=shopper)
    assert sorted(groups.values_list("status", flat=True)) == [GroupStatus.PAID] * 2
    statuses = sorted(Payment.objects.filter(buyer=shopper).values_list("status", flat=True))
    assert statuses == sorted(
        [PaymentStatus.SUCCEEDED, PaymentStatus.SUCCEEDED, PaymentStatus.FAILED]
    )
    assert problems == []
