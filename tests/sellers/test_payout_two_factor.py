"""Payout details change only with two-factor authentication: the owner in the dashboard, staff
in the admin. A stolen password alone must not redirect a shop's money."""

from html.parser import HTMLParser

import pytest

from marketplace.sellers.errors import ShopError
from marketplace.sellers.models import Merchant
from marketplace.sellers.services.shops import update_payout_details
from tests.accounts.factories import enable_two_factor

pytestmark = pytest.mark.django_db

PAYOUT_URL = "/seller/shop/payout/"
NEW_DETAILS = {"account_name": "Shop Ltd", "bank_name": "Cathay", "account_number": "TW 0001"}


def merchant_of(user) -> Merchant:
    return Merchant.objects.get(members__user=user)


def test_without_two_factor_the_owner_is_told_to_set_it_up_and_cannot_save(client_as, merchant):
    client = client_as(merchant)
    before = merchant_of(merchant).payout_account_number

    page = client.get(PAYOUT_URL).content.decode()
    response = client.post(PAYOUT_URL, NEW_DETAILS)

    assert "changing the payout details needs two-factor authentication" in page
    assert 'href="/accounts/2fa/"' in page
    assert "disabled>" in page
    assert response.status_code == 200
    assert (
        "Turn on two-factor authentication before changing the payout details."
        in response.content.decode()
    )
    assert merchant_of(merchant).payout_account_number == before


def test_with_an_authenticator_app_the_owner_saves_the_payout_details(client_as, merchant):
    enable_two_factor(merchant)
    client = client_as(merchant)

    page = client.get(PAYOUT_URL).content.decode()
    response = client.post(PAYOUT_URL, NEW_DETAILS)

    assert "needs two-factor authentication" not in page
    assert response.status_code == 302
    assert merchant_of(merchant).payout_account_number == "TW0001"


def test_another_merchants_owner_with_two_factor_changes_only_their_own_details(
    client_as, merchant, other_merchant
):
    enable_two_factor(other_merchant)
    before = merchant_of(merchant).payout_account_number

    response = client_as(other_merchant).post(PAYOUT_URL, NEW_DETAILS)

    assert response.status_code == 302
    assert merchant_of(merchant).payout_account_number == before
    assert merchant_of(other_merchant).payout_account_number == "TW0001"


def test_a_manager_with_two_factor_is_still_refused(client_as, merchant, manager):
    enable_two_factor(manager)
    before = merchant_of(merchant).payout_account_number

    response = client_as(manager).post(PAYOUT_URL, NEW_DETAILS)

    assert response.status_code == 403
    assert merchant_of(merchant).payout_account_number == before


def test_the_service_refuses_an_owner_without_two_factor(merchant):
    merchant_row = merchant_of(merchant)
    before = merchant_row.payout_account_number

    with pytest.raises(ShopError) as refused:
        update_payout_details(
            merchant=merchant_row,
            by=merchant,
            account_name="Shop Ltd",
            bank_name="Cathay",
            account_number="TW0001",
        )

    assert refused.value.code == "mfa_required"
    merchant_row.refresh_from_db()
    assert merchant_row.payout_account_number == before


# --- Staff in the admin ---------------------------------------------------------------------


class FormFields(HTMLParser):
    """The fields a browser would submit from the admin's change form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "checkbox", "file"):
            self.data[name] = a.get("value") or ""
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.data[name] = "on"
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def change_form(client, url: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(client.get(url).content.decode())
    return parser.data


def test_staff_without_two_factor_cannot_change_payout_details_in_the_admin(
    client_as, staff_user, merchant
):
    merchant_row = merchant_of(merchant)
    before = merchant_row.payout_account_number
    client = client_as(staff_user)
    url = f"/admin/sellers/merchant/{merchant_row.pk}/change/"
    data = change_form(client, url)
    assert "payout_account_number" not in data  # shown, not editable
    assert "legal_name" in data

    response = client.post(url, {**data, "payout_account_number": "STOLEN", "_save": "Save"})

    assert response.status_code == 302
    assert merchant_of(merchant).payout_account_number == before


def test_staff_with_two_factor_change_payout_details_in_the_admin(client_as, staff_user, merchant):
    enable_two_factor(staff_user)
    merchant_row = merchant_of(merchant)
    client = client_as(staff_user)
    url = f"/admin/sellers/merchant/{merchant_row.pk}/change/"
    data = change_form(client, url)

    response = client.post(url, {**data, "payout_account_number": "TW999", "_save": "Save"})

    assert response.status_code == 302
    assert merchant_of(merchant).payout_account_number == "TW999"
