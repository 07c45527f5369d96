"""The shopper's coupon pages: the wallet at /coupons/ (logged in only, by section), claiming a
public coupon (once; refused with a message when it cannot be claimed; guests are sent to log
in; htmx swaps the button), and the promotions other pages show: the coupon strip and the flash
sale banner on a product page, and the running flash sales on the home page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from catalog.models import Product
from orders.models import Coupon, CouponClaim, CouponKind, FlashSale, Scope
from orders.services.coupons import claim_coupon
from tests.catalog.storefront_support import listed, suspend
from tests.orders.factories import CouponFactory, FlashSaleFactory, placed_order
from tests.orders.lifecycle_support import use_coupon

pytestmark = pytest.mark.django_db

WALLET = "/coupons/"


def claim_url(coupon: Coupon) -> str:
    return reverse("orders:coupon-claim", kwargs={"pk": coupon.pk})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def product_page(client, product: Product) -> str:
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def claimed_count(coupon: Coupon) -> int:
    coupon.refresh_from_db()
    return coupon.claimed_count


def in_the_past(coupon: Coupon) -> Coupon:
    """The coupon's window is over."""
    now = timezone.now()
    Coupon.objects.filter(pk=coupon.pk).update(
        starts_at=now - timedelta(days=5), ends_at=now - timedelta(days=1)
    )
    coupon.refresh_from_db()
    return coupon


# --- The wallet ------------------------------------------------------------------------------


def test_the_wallet_needs_a_login(client):
    response = client.get(reverse("orders:my-coupons"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={WALLET}"


def test_an_empty_wallet_says_where_coupons_come_from(client_as, user):
    response = client_as(user).get(WALLET)

    assert response.status_code == 200
    assert response.context["count"] == 0
    assert "No coupons yet." in response.content.decode()


def test_the_wallet_sorts_claimed_coupons_by_section(client_as, user, other_user):
    now = timezone.now()
    usable = CouponFactory(name="Ready one")
    upcoming = CouponFactory(starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=9))
    used = CouponFactory()
    expired = CouponFactory()
    for coupon in (usable, used, expired):
        claim_coupon(coupon=coupon, user=user)
    claim_coupon(coupon=upcoming, user=user, now=upcoming.starts_at + timedelta(hours=1))
    use_coupon(placed_order(buyer=user).group, used)
    in_the_past(expired)
    claim_coupon(coupon=CouponFactory(name="Someone else's"), user=other_user)

    response = client_as(user).get(WALLET)

    sections = {
        key: [e.coupon for e in entries] for key, _label, entries in response.context["sections"]
    }
    assert sections == {
        "usable": [usable],
        "upcoming": [upcoming],
        "used": [used],
        "expired": [expired],
    }
    assert response.context["count"] == 4
    html = response.content.decode()
    assert f'id="wallet-coupon-{usable.pk}"' in html
    assert usable.code in html and "Ready one" in html and "Someone else's" not in html
    assert reverse("storefront:shop", kwargs={"slug": usable.shop.slug}) in html
    starts = format_date(timezone.localtime(upcoming.starts_at), "m/d/Y")
    assert f"From {starts}" in html


def test_a_platform_coupon_in_the_wallet_is_for_any_shop(client_as, user):
    claim_coupon(coupon=CouponFactory(shop=None), user=user)

    html = client_as(user).get(WALLET).content.decode()

    assert "Any shop" in html


def test_the_wallets_queries_do_not_grow_with_its_coupons(client_as, user):
    claim_coupon(coupon=CouponFactory(), user=user)
    client = client_as(user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(WALLET)
        assert response.status_code == 200
        return len(captured)

    one = queries()
    for _ in range(4):
        claim_coupon(coupon=CouponFactory(), user=user)
    claim_coupon(coupon=CouponFactory(shop=None), user=user)

    assert queries() == one


# --- Claiming --------------------------------------------------------------------------------


def test_claiming_puts_the_coupon_in_the_wallet_and_goes_back(client_as, user):
    coupon = CouponFactory()
    product = listed(shop=coupon.shop)

    response = client_as(user).post(
        claim_url(coupon), {"next": product.get_absolute_url()}, follow=True
    )

    assert response.redirect_chain == [(product.get_absolute_url(), 302)]
    assert messages_of(response) == ["Coupon claimed: it is waiting in My coupons."]
    assert CouponClaim.objects.filter(coupon=coupon, user=user).count() == 1
    assert claimed_count(coupon) == 1


def test_claiming_goes_back_to_the_referring_page_without_a_next(client_as, user):
    coupon = CouponFactory()

    response = client_as(user).post(claim_url(coupon), HTTP_REFERER="http://testserver/c/shoes/")

    assert response.status_code == 302 and response["Location"] == "http://testserver/c/shoes/"


def test_claiming_never_sends_the_shopper_to_another_site(client_as, user):
    coupon = CouponFactory()

    response = client_as(user).post(
        claim_url(coupon), {"next": "https://evil.example/"}, HTTP_REFERER="//evil.example/x"
    )

    assert response.status_code == 302 and response["Location"] == WALLET
    assert CouponClaim.objects.filter(coupon=coupon, user=user).exists()


def test_a_second_claim_is_refused_with_a_message_and_counts_once(client_as, user):
    coupon = CouponFactory()
    client = client_as(user)
    client.post(claim_url(coupon), follow=True)

    response = client.post(claim_url(coupon), follow=True)

    assert messages_of(response) == ["You already have this coupon: it is in My coupons."]
    assert CouponClaim.objects.filter(coupon=coupon, user=user).count() == 1
    assert claimed_count(coupon) == 1


def test_two_shoppers_each_claim_a_coupon(client_as, user, other_user):
    coupon = CouponFactory()

    client_as(user).post(claim_url(coupon))
    client_as(other_user).post(claim_url(coupon))

    assert claimed_count(coupon) == 2


@pytest.mark.parametrize(
    "arrange, message",
    [
        (in_the_past, "This coupon has ended."),
        (
            lambda c: Coupon.objects.filter(pk=c.pk).update(is_active=False),
            "This coupon has ended.",
        ),
        (
            lambda c: Coupon.objects.filter(pk=c.pk).update(
                starts_at=timezone.now() + timedelta(days=1),
                ends_at=timezone.now() + timedelta(days=3),
            ),
            "It is not out yet.",
        ),
        (
            lambda c: Coupon.objects.filter(pk=c.pk).update(total_limit=1, used_count=1),
            "This coupon has been used up.",
        ),
    ],
    ids=["ended", "ended-by-the-shop", "not-out-yet", "used-up"],
)
def test_a_coupon_that_cannot_be_claimed_is_refused_with_a_message(
    client_as, user, arrange, message
):
    coupon = CouponFactory()
    arrange(coupon)

    response = client_as(user).post(claim_url(coupon), follow=True)

    assert response.redirect_chain == [(WALLET, 302)]
    assert messages_of(response) == [message]
    assert not CouponClaim.objects.exists()
    assert claimed_count(coupon) == 0


def test_a_coupon_not_public_cannot_be_claimed(client_as, user):
    coupon = CouponFactory(is_public=False)

    response = client_as(user).post(claim_url(coupon))

    assert response.status_code == 404
    assert not CouponClaim.objects.exists() and claimed_count(coupon) == 0


def test_a_closed_shops_coupon_cannot_be_claimed(client_as, user):
    coupon = CouponFactory()
    suspend(coupon.shop)

    response = client_as(user).post(claim_url(coupon))

    assert response.status_code == 404
    assert not CouponClaim.objects.exists()


def test_a_guest_is_sent_to_log_in_and_back(client):
    coupon = CouponFactory()
    product = listed(shop=coupon.shop)

    response = client.post(claim_url(coupon), {"next": product.get_absolute_url()})

    assert response.status_code == 302
    assert response["Location"] == (f"{reverse('account_login')}?next={product.get_absolute_url()}")
    assert not CouponClaim.objects.exists()


def test_claiming_needs_a_post(client_as, user):
    coupon = CouponFactory()

    response = client_as(user).get(claim_url(coupon))

    assert response.status_code == 405
    assert not CouponClaim.objects.exists()


# --- Claiming with htmx ----------------------------------------------------------------------


def htmx_post(client, coupon: Coupon, current: str = "http://testserver/p/thing/"):
    return client.post(claim_url(coupon), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=current)


def test_htmx_swaps_the_button_to_claimed(client_as, user):
    coupon = CouponFactory()

    response = htmx_post(client_as(user), coupon)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<div") and "<html" not in html
    assert f'id="coupon-claim-{coupon.pk}"' in html and "Claimed" in html
    assert "<form" not in html
    assert CouponClaim.objects.filter(coupon=coupon, user=user).exists()


def test_htmx_claiming_twice_still_shows_claimed(client_as, user):
    coupon = CouponFactory()
    client = client_as(user)
    htmx_post(client, coupon)

    html = htmx_post(client, coupon).content.decode()

    assert "Claimed" in html and 'role="alert"' not in html
    assert claimed_count(coupon) == 1


def test_htmx_refusal_says_why_in_the_button(client_as, user):
    coupon = in_the_past(CouponFactory())

    response = htmx_post(client_as(user), coupon)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<p class="coupon-error" role="alert">This coupon has ended.</p>' in html
    assert "Claimed" not in html
    assert not CouponClaim.objects.exists()


def test_htmx_refusal_of_a_used_up_coupon_offers_no_claim_button(client_as, user):
    coupon = CouponFactory(total_limit=1)
    Coupon.objects.filter(pk=coupon.pk).update(used_count=1)

    html = htmx_post(client_as(user), coupon).content.decode()

    assert "This coupon has been used up." in html
    assert "Used up" in html and "<form" not in html


def test_htmx_sends_a_guest_to_log_in_and_back(client):
    coupon = CouponFactory()

    response = htmx_post(client, coupon, current="http://testserver/p/thing/")

    assert response.status_code == 204
    assert response["HX-Redirect"] == (
        f"{reverse('account_login')}?next=http%3A//testserver/p/thing/"
    )
    assert not CouponClaim.objects.exists()


# --- The coupon strip on a product page ------------------------------------------------------


def test_the_product_page_offers_the_shops_and_the_platforms_coupons(client_as, user):
    product = listed()
    shop_coupon = CouponFactory(shop=product.shop, amount=Decimal("7.00"))
    platform = CouponFactory(shop=None, kind=CouponKind.PERCENT_OFF, amount=None, percent=10)
    hidden = CouponFactory(shop=product.shop, is_public=False)
    elsewhere = CouponFactory()
    other_product = CouponFactory(shop=product.shop, scope=Scope.PRODUCTS)
    other_product.products.add(listed(shop=product.shop))
    ended = in_the_past(CouponFactory(shop=product.shop))

    html = product_page(client_as(user), product)

    assert 'aria-label="Coupons to claim"' in html
    for shown in (shop_coupon, platform):
        assert f'id="coupon-{shown.pk}"' in html
        assert f'action="{claim_url(shown)}"' in html
    for not_shown in (hidden, elsewhere, other_product, ended):
        assert f'id="coupon-{not_shown.pk}"' not in html
    assert "Platform coupon" in html and "10% off" in html


def test_the_strip_shows_a_claimed_coupon_as_claimed(client_as, user):
    product = listed()
    coupon = CouponFactory(shop=product.shop)
    claim_coupon(coupon=coupon, user=user)

    html = product_page(client_as(user), product)

    assert f'id="coupon-{coupon.pk}"' in html
    assert "Claimed" in html and f'action="{claim_url(coupon)}"' not in html


def test_the_strip_asks_a_guest_to_log_in(client):
    product = listed()
    coupon = CouponFactory(shop=product.shop)

    html = product_page(client, product)

    assert f'id="coupon-{coupon.pk}"' in html
    assert "Log in to claim" in html
    assert f"{reverse('account_login')}?next={product.get_absolute_url()}" in html
    assert f'action="{claim_url(coupon)}"' not in html


def test_a_product_without_coupons_shows_no_strip(client):
    product = listed()

    html = product_page(client, product)

    assert "Coupons to claim" not in html


# --- Flash sales -----------------------------------------------------------------------------


def test_the_product_page_shows_a_running_flash_sale_with_a_countdown(client):
    product = listed(price="20.00")
    sale = FlashSaleFactory(variant=product.variants.get(), quantity=10, quantity_left=4)

    html = product_page(client, product)

    assert 'id="flash-banner"' in html and "flash-running" in html
    assert "Flash sale" in html and "Ends in" in html
    ends = timezone.localtime(sale.ends_at).isoformat()
    assert f'data-ends-at="{ends}"' in html
    assert "4 units left" in html and 'value="60"' in html
    assert "/static/orders/countdown.js" in html


def test_the_product_page_announces_the_next_flash_sale(client):
    product = listed(price="20.00")
    now = timezone.now()
    sale = FlashSaleFactory(
        variant=product.variants.get(),
        starts_at=now + timedelta(hours=3),
        ends_at=now + timedelta(hours=5),
    )

    html = product_page(client, product)

    assert "flash-upcoming" in html and "Flash sale coming" in html and "Starts in" in html
    assert f'data-ends-at="{timezone.localtime(sale.starts_at).isoformat()}"' in html


def test_a_sold_out_flash_sale_says_so(client):
    product = listed(price="20.00")
    FlashSaleFactory(variant=product.variants.get(), quantity_left=0)

    html = product_page(client, product)

    assert 'id="flash-banner"' in html and "Sold out" in html


def end_sale(sale: FlashSale) -> None:
    now = timezone.now()
    FlashSale.objects.filter(pk=sale.pk).update(
        starts_at=now - timedelta(days=2), ends_at=now - timedelta(minutes=1)
    )


def stop_sale(sale: FlashSale) -> None:
    FlashSale.objects.filter(pk=sale.pk).update(is_active=False)


def test_no_banner_for_another_products_sale(client):
    product = listed(price="20.00")
    FlashSaleFactory(variant=listed(price="20.00").variants.get())

    assert 'id="flash-banner"' not in product_page(client, product)


@pytest.mark.parametrize("arrange", [end_sale, stop_sale], ids=["ended", "ended-by-the-shop"])
def test_no_banner_once_the_sale_is_over(client, arrange):
    product = listed(price="20.00")
    arrange(FlashSaleFactory(variant=product.variants.get()))

    assert 'id="flash-banner"' not in product_page(client, product)


def test_the_home_page_shows_the_running_flash_sales_ending_soonest_first(client):
    now = timezone.now()
    later = FlashSaleFactory(
        variant=listed(price="30.00").variants.get(), name="Later", ends_at=now + timedelta(days=3)
    )
    sooner = FlashSaleFactory(
        variant=listed(price="30.00").variants.get(),
        name="Sooner",
        ends_at=now + timedelta(hours=2),
    )
    sold_out = FlashSaleFactory(
        variant=listed(price="30.00").variants.get(),
        name="Gone",
        quantity_left=0,
        ends_at=now + timedelta(hours=1),
    )
    coming = FlashSaleFactory(
        variant=listed(price="30.00").variants.get(),
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=4),
    )
    over = FlashSaleFactory(variant=listed(price="30.00").variants.get())
    end_sale(over)

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-labelledby="home-flash"' in html
    cards = [f'id="flash-card-{sale.pk}"' for sale in (sooner, later, sold_out)]
    positions = [html.index(card) for card in cards]
    assert positions == sorted(positions)
    assert f'id="flash-card-{coming.pk}"' not in html and f'id="flash-card-{over.pk}"' not in html
    assert f'data-ends-at="{timezone.localtime(sooner.ends_at).isoformat()}"' in html
    assert sooner.variant.product.get_absolute_url() in html
    assert "Sold out" in html


def test_the_home_page_has_no_flash_row_without_a_running_sale(client):
    now = timezone.now()
    FlashSaleFactory(
        variant=listed(price="30.00").variants.get(),
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=4),
    )

    response = client.get("/")

    assert response.status_code == 200
    assert "home-flash" not in response.content.decode()
