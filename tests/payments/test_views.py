"""The buyer's payment pages end to end through the test client, and who may see them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import GroupStatus
from payments.models import Payment, PaymentStatus
from payments.services import wallets
from tests.accounts.factories import UserFactory

from .factories import group_to_pay, started_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return group_to_pay(price=Decimal("42.00"))


def test_pay_page_shows_the_amount_and_the_methods(client_as, group):
    response = client_as(group.buyer).get(reverse("payments:pay", args=[group.number]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "US$42.00" in page
    for label in ("Sandbox (test payments)", "Store credit", "Bank transfer"):
        assert label in page
    assert "Cash on delivery" not in page


def test_another_buyer_cannot_see_or_pay_the_group(client_as, group):
    stranger = client_as(UserFactory())
    url = reverse("payments:pay", args=[group.number])
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"method": "sandbox"}).status_code == 404
    assert not Payment.objects.exists()


def test_approving_on_the_sandbox_page_pays_and_shows_success(client_as, group):
    client = client_as(group.buyer)
    response = client.post(reverse("payments:pay", args=[group.number]), {"method": "sandbox"})
    payment = Payment.objects.get()
    assert response.url == f"/payments/sandbox/{payment.provider_reference}/"
    assert "Test mode" in client.get(response.url).content.decode()

    response = client.post(response.url, {"choice": "approve", "card_country": "TW"})
    assert response.url.startswith(f"/payments/p/{payment.number}/return/?result=")
    response = client.get(response.url, follow=True)
    assert b"Payment received" in response.content
    payment.refresh_from_db()
    assert (payment.status, payment.card_country) == (PaymentStatus.SUCCEEDED, "TW")
    group.refresh_from_db()
    assert group.status == GroupStatus.PAID


def test_declined_shows_failure_with_try_again(client_as, group):
    client = client_as(group.buyer)
    response = client.post(reverse("payments:pay", args=[group.number]), {"method": "sandbox"})
    response = client.post(response.url, {"choice": "decline"})
    page = client.get(response.url, follow=True).content.decode()
    assert "Payment not completed" in page
    assert "The card was declined (sandbox)." in page
    assert reverse("payments:pay", args=[group.number]) in page
    retry = client.get(reverse("payments:pay", args=[group.number])).content.decode()
    assert "Your last payment did not go through" in retry


def test_three_d_secure_challenge_with_the_right_code(client_as, group):
    client = client_as(group.buyer)
    response = client.post(reverse("payments:pay", args=[group.number]), {"method": "sandbox"})
    response = client.post(response.url, {"choice": "challenge"})
    assert response.url.endswith("/challenge/")
    assert b"123456" in client.get(response.url).content
    response = client.post(response.url, {"code": "123456"})
    client.get(response.url)
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED


def test_a_tampered_return_changes_nothing(client_as, group):
    client = client_as(group.buyer)
    client.post(reverse("payments:pay", args=[group.number]), {"method": "sandbox"})
    payment = Payment.objects.get()
    response = client.get(f"/payments/p/{payment.number}/return/?result=forged")
    assert response.url == f"/payments/p/{payment.number}/"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REQUIRES_ACTION


def test_another_user_cannot_use_the_sandbox_page_or_the_result(client_as, group):
    payment = started_payment(group=group)
    stranger = client_as(UserFactory())
    page = f"/payments/sandbox/{payment.provider_reference}/"
    assert stranger.get(page).status_code == 404
    assert stranger.post(page, {"choice": "approve"}).status_code == 404
    assert stranger.get(f"/payments/p/{payment.number}/").status_code == 404
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REQUIRES_ACTION


def test_the_sandbox_page_is_gone_once_the_attempt_is_decided(client_as, group):
    client = client_as(group.buyer)
    response = client.post(reverse("payments:pay", args=[group.number]), {"method": "sandbox"})
    page = response.url
    client.get(client.post(page, {"choice": "approve"}).url)
    assert client.get(page).status_code == 404


def test_bank_transfer_page_shows_the_account_and_reference(client_as, group, settings):
    client = client_as(group.buyer)
    response = client.post(
        reverse("payments:pay", args=[group.number]), {"method": "bank_transfer"}, follow=True
    )
    page = response.content.decode()
    payment = Payment.objects.get()
    assert settings.BANK_TRANSFER_ACCOUNT["number"] in page
    assert payment.provider_reference in page


def test_pay_page_of_a_paid_group_says_so(client_as, group):
    from .factories import approve

    approve(started_payment(group=group))
    page = client_as(group.buyer).get(reverse("payments:pay", args=[group.number]))
    assert b"This order is paid" in page.content


def test_wallet_page_and_top_up(client_as):
    user = UserFactory()
    client = client_as(user)
    assert b"Store credit" in client.get(reverse("payments:wallet")).content
    response = client.post(reverse("payments:wallet"), {"amount": "25", "method": "sandbox"})
    response = client.post(response.url, {"choice": "approve"})
    client.get(response.url)
    assert wallets.balance_of(user=user) == Decimal("25.00")
    page = client.get(reverse("payments:wallet")).content.decode()
    assert "US$25.00" in page and "Top-up" in page


def test_a_bad_top_up_amount_is_refused_with_a_message(client_as):
    user = UserFactory()
    response = client_as(user).post(
        reverse("payments:wallet"), {"amount": "-3", "method": "sandbox"}
    )
    assert response.status_code == 200
    assert b"greater than or equal to 1" in response.content
    assert not Payment.objects.exists()


def test_pages_need_a_login(client, group):
    for url in (reverse("payments:pay", args=[group.number]), reverse("payments:wallet")):
        assert client.get(url).status_code == 302


def test_payment_history_lists_the_buyers_payments_and_refunds_only(
    client_as, django_assert_max_num_queries
):
    from payments.services.refunds import refund_payment

    from .factories import paid_group

    group, payment = paid_group(price=Decimal("30.00"))
    refund_payment(payment=payment, amount=Decimal("5"), by=None, reason="Scratch on the lid")
    for _ in range(3):
        paid_group(buyer=group.buyer)
    _other_group, other = paid_group()
    client = client_as(group.buyer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("payments:history")).content.decode()
    assert payment.group.number in page and "Scratch on the lid" in page
    assert other.group.number not in page
