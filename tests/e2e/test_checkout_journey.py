"""The main checkout journey: a guest fills a cart from two shops' product pages, logs in (the
guest cart joins the account), changes a quantity in place, checks out with a saved address and
a marketplace coupon code, and ends with two orders waiting for one payment."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from catalog.models import Product
from marketplace.sellers.models import Shop
from orders.models import Coupon, CouponUse, Order, OrderGroup, OrderStatus
from tests.accounts.factories import PASSWORD, AddressFactory, UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.orders.factories import CouponFactory
from tests.sellers.factories import ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEAPOT = "Enamel teapot"
SCARF = "Wool scarf"


def money(amount: str) -> re.Pattern:
    """A formatted price, whatever the currency symbol ("$59.00", "US$59.00")."""
    return re.compile(rf"^\D*{re.escape(amount)}$")


def product(*, shop: Shop, title: str, slug: str, price: str) -> Product:
    """An active product of ``shop`` with one SKU in stock."""
    item = ProductFactory(shop=shop, title=title, slug=slug)
    VariantFactory(product=item, sku=f"{slug.upper()}-1", price=Decimal(price), stock=10)
    return item


def add_to_cart(page: Page, base_url: str, item: Product) -> None:
    page.goto(f"{base_url}/p/{item.slug}/")
    expect(page.get_by_role("heading", name=item.title, level=1)).to_be_visible()
    page.locator("#buy-box").get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-message")).to_contain_text("Added to your cart.")


def test_guest_cart_from_two_shops_to_two_orders_with_a_coupon(page: Page, live_server):
    kettle_shop = ShopFactory(name="Kettle & Co")
    wool_shop = ShopFactory(name="Highland Wool")
    teapot = product(shop=kettle_shop, title=TEAPOT, slug="enamel-teapot", price="25.00")
    scarf = product(shop=wool_shop, title=SCARF, slug="wool-scarf", price="40.00")
    coupon = CouponFactory(
        shop=None, name="Welcome five off", code="WELCOME5", amount=Decimal("5.00"), is_public=False
    )
    shopper = UserFactory(email="mei@example.com", display_name="Lin Mei")
    AddressFactory(user=shopper, recipient="Lin Mei", street="8 Dihua Street", is_default=True)
    office = AddressFactory(user=shopper, recipient="Lin Mei (office)", street="1 Songren Road")
    base_url = live_server.url
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    cart_count = page.locator("#cart-count")

    # 1. As a guest, add one product from each shop with the buy box; the header counts them.
    add_to_cart(page, base_url, teapot)
    expect(cart_count).to_have_text("1")
    add_to_cart(page, base_url, scarf)
    expect(cart_count).to_have_text("2")

    # 2. The cart groups the lines by shop.
    page.get_by_role("link", name=re.compile("Cart")).click()
    expect(page).to_have_url(f"{base_url}/cart/")
    for shop, title in ((kettle_shop, TEAPOT), (wool_shop, SCARF)):
        group = page.get_by_role("region", name=shop.name)
        expect(group.get_by_role("link", name=title)).to_be_visible()
    expect(page.locator(".cart-shop")).to_have_count(2)
    expect(page.locator("#cart-grand-total")).to_have_text(money("75.00"))  # 65 + 2 x 5 delivery

    # 3. Log in through the real login page: back on the cart, both lines are still there.
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill(shopper.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(f"{base_url}/cart/")
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Lin Mei")
    expect(page.locator(".cart-shop")).to_have_count(2)
    expect(cart_count).to_have_text("2")

    # 4. A second teapot: htmx swaps the cart body in place and the totals follow.
    page.evaluate("window.stillTheSamePage = true")
    quantity = page.get_by_label(f"Quantity of {TEAPOT}")
    quantity.fill("2")
    quantity.press("Tab")  # the change event sends the form
    expect(page.locator("#cart-grand-total")).to_have_text(money("100.00"))
    expect(
        page.get_by_role("region", name=kettle_shop.name).locator(".cart-line-total")
    ).to_have_text(money("50.00"))
    expect(cart_count).to_have_text("3")
    assert page.evaluate("window.stillTheSamePage") is True

    # 5. Checkout: choose the office address, apply the coupon code, see the discount.
    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile("8 Dihua Street"))).to_be_checked()
    page.get_by_role("radio", name=re.compile("1 Songren Road")).check()
    page.wait_for_load_state("networkidle")  # choosing an address quotes delivery to it again
    expect(page.locator("#checkout-total")).to_have_text(money("100.00"))
    page.get_by_label("Coupon code").fill("welcome5")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("radio", name=re.compile("1 Songren Road"))).to_be_checked()
    expect(page.locator("code").filter(has_text="WELCOME5")).to_be_visible()
    review = page.get_by_role("region", name="4. Review and place your order")
    expect(review.locator(".discount-list").get_by_text("Welcome five off")).to_be_visible()
    expect(review.locator("dt", has_text="Discounts")).to_be_visible()
    expect(review.locator("dd").filter(has_text=re.compile(r"^\u2212\D*5\.00$"))).to_be_visible()
    expect(page.locator("#checkout-total")).to_have_text(money("95.00"))

    # 6. Place the order: one payment for two orders, one per shop.
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", name="Thank you, your order is placed")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/checkout/done/[^/]+/$"))
    placed = page.locator("#placed-orders > li")
    expect(placed).to_have_count(2)
    for shop in (kettle_shop, wool_shop):
        expect(placed.filter(has_text=shop.name)).to_contain_text("Waiting for payment")
    expect(cart_count).to_have_text("0")

    # 7. My orders lists both, waiting for payment.
    page.goto(f"{base_url}/orders/")
    cards = page.locator("article.order-card")
    expect(cards).to_have_count(2)
    for shop, title in ((kettle_shop, TEAPOT), (wool_shop, SCARF)):
        card = cards.filter(has_text=shop.name)
        expect(card).to_contain_text(title)
        expect(card).to_contain_text("Waiting for payment")

    # 8. The database agrees.
    group = OrderGroup.objects.get(buyer=shopper)
    assert group.status == OrderStatus.PENDING_PAYMENT
    assert group.total == Decimal("95.00")
    assert (group.recipient, group.street) == (office.recipient, office.street)
    orders = Order.objects.filter(group=group)
    assert sorted(orders.values_list("shop_id", "status")) == sorted(
        [(kettle_shop.pk, OrderStatus.PENDING_PAYMENT), (wool_shop.pk, OrderStatus.PENDING_PAYMENT)]
    )
    assert Order.objects.filter(buyer=shopper).count() == 2
    use = CouponUse.objects.get(group=group)
    assert (use.coupon_id, use.user_id, use.amount) == (coupon.pk, shopper.pk, Decimal("5.00"))
    assert Coupon.objects.get(pk=coupon.pk).used_count == 1

    assert problems == []
