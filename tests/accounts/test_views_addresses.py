import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.accounts.models import Address
from tests.accounts.factories import AddressFactory

pytestmark = pytest.mark.django_db

NEW_ADDRESS = {
    "recipient": "Lin Mei",
    "phone": "+886 2 2345 6789",
    "country": "TW",
    "region": "Taipei",
    "city": "Taipei",
    "street": "No. 7, Section 5, Xinyi Road",
    "postcode": "110",
}
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_address_book_lists_only_the_users_own_addresses(client_as, user, other_user):
    AddressFactory(user=user, recipient="Mine", is_default=True)
    AddressFactory(user=other_user, recipient="Theirs", is_default=True)

    html = client_as(user).get("/account/addresses/").content.decode()

    assert "Mine" in html
    assert "Theirs" not in html


def test_an_empty_address_book_invites_to_add_one(client_as, user):
    html = client_as(user).get("/account/addresses/").content.decode()

    assert 'class="empty-state"' in html
    assert 'href="/account/addresses/new/"' in html


def test_the_address_book_does_not_query_per_address(client_as, user):
    client = client_as(user)
    AddressFactory(user=user, is_default=True)
    client.get("/account/addresses/")  # warm up the session and caches
    with CaptureQueriesContext(connection) as one_address:
        client.get("/account/addresses/")
    AddressFactory.create_batch(5, user=user)
    with CaptureQueriesContext(connection) as six_addresses:
        client.get("/account/addresses/")

    assert len(six_addresses) == len(one_address)


def test_the_address_book_needs_a_login(client):
    response = client.get("/account/addresses/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_adding_the_first_address_makes_it_the_default(client_as, user):
    response = client_as(user).post("/account/addresses/new/", NEW_ADDRESS)

    assert response.status_code == 302
    assert response["Location"] == "/account/addresses/"
    address = Address.objects.get(user=user)
    assert (address.recipient, address.country, address.is_default) == ("Lin Mei", "TW", True)


def test_adding_an_address_as_default_takes_over(client_as, user):
    old_default = AddressFactory(user=user, is_default=True)

    client_as(user).post("/account/addresses/new/", {**NEW_ADDRESS, "make_default": "on"})

    old_default.refresh_from_db()
    assert not old_default.is_default
    assert Address.objects.get(user=user, is_default=True).recipient == "Lin Mei"


def test_an_invalid_phone_gives_a_clear_error_and_creates_nothing(client_as, user):
    response = client_as(user).post("/account/addresses/new/", {**NEW_ADDRESS, "phone": "call me"})

    assert response.status_code == 200
    assert "Enter a phone number of 6 to 20 digits." in response.content.decode()
    assert not Address.objects.filter(user=user).exists()


def test_a_country_outside_the_list_is_refused(client_as, user):
    response = client_as(user).post("/account/addresses/new/", {**NEW_ADDRESS, "country": "XX"})

    assert response.status_code == 200
    assert "XX is not one of the available choices" in response.content.decode()
    assert not Address.objects.filter(user=user).exists()


def test_the_owner_can_edit_an_address(client_as, user):
    address = AddressFactory(user=user, is_default=True)

    response = client_as(user).post(
        f"/account/addresses/{address.pk}/edit/", {**NEW_ADDRESS, "city": "Kaohsiung"}
    )

    assert response.status_code == 302
    address.refresh_from_db()
    assert (address.city, address.is_default) == ("Kaohsiung", True)


def test_the_edit_form_of_the_default_address_has_no_make_default_box(client_as, user):
    default = AddressFactory(user=user, is_default=True)
    other = AddressFactory(user=user)
    client = client_as(user)

    assert (
        'name="make_default"'
        not in client.get(f"/account/addresses/{default.pk}/edit/").content.decode()
    )
    assert (
        'name="make_default"' in client.get(f"/account/addresses/{other.pk}/edit/").content.decode()
    )


def test_another_user_cannot_edit_an_address(client_as, user, other_user):
    address = AddressFactory(user=user, city="Taipei")
    client = client_as(other_user)

    assert client.get(f"/account/addresses/{address.pk}/edit/").status_code == 404
    response = client.post(f"/account/addresses/{address.pk}/edit/", {**NEW_ADDRESS, "city": "X"})

    assert response.status_code == 404
    address.refresh_from_db()
    assert address.city == "Taipei"


def test_the_owner_sees_a_confirmation_before_deleting(client_as, user):
    address = AddressFactory(user=user, recipient="Lin Mei")

    response = client_as(user).get(f"/account/addresses/{address.pk}/delete/")

    assert response.status_code == 200
    assert "Lin Mei" in response.content.decode()
    assert Address.objects.filter(pk=address.pk).exists()


def test_the_owner_can_delete_an_address_and_another_takes_over_as_default(client_as, user):
    default = AddressFactory(user=user, is_default=True)
    other = AddressFactory(user=user)

    response = client_as(user).post(f"/account/addresses/{default.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == "/account/addresses/"
    assert not Address.objects.filter(pk=default.pk).exists()
    other.refresh_from_db()
    assert other.is_default


def test_another_user_cannot_delete_an_address(client_as, user, other_user):
    address = AddressFactory(user=user)
    client = client_as(other_user)

    assert client.get(f"/account/addresses/{address.pk}/delete/").status_code == 404
    assert client.post(f"/account/addresses/{address.pk}/delete/").status_code == 404
    assert Address.objects.filter(pk=address.pk).exists()


def test_the_owner_can_set_the_default_address(client_as, user):
    old_default = AddressFactory(user=user, is_default=True)
    other = AddressFactory(user=user)

    response = client_as(user).post(f"/account/addresses/{other.pk}/default/")

    assert response.status_code == 302
    assert response["Location"] == "/account/addresses/"
    old_default.refresh_from_db()
    other.refresh_from_db()
    assert (other.is_default, old_default.is_default) == (True, False)


def test_another_user_cannot_set_the_default_address(client_as, user, other_user):
    default = AddressFactory(user=user, is_default=True)
    other = AddressFactory(user=user)

    response = client_as(other_user).post(f"/account/addresses/{other.pk}/default/")

    assert response.status_code == 404
    default.refresh_from_db()
    other.refresh_from_db()
    assert (default.is_default, other.is_default) == (True, False)


def test_setting_the_default_needs_a_post(client_as, user):
    address = AddressFactory(user=user)

    assert client_as(user).get(f"/account/addresses/{address.pk}/default/").status_code == 405


def test_htmx_set_default_answers_with_the_list_fragment(client_as, user):
    AddressFactory(user=user, is_default=True, recipient="First")
    other = AddressFactory(user=user, recipient="Second")

    response = client_as(user).post(f"/account/addresses/{other.pk}/default/", **HTMX)
    html = response.content.decode()

    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="address-list"')
    assert "<html" not in html
    assert "Your default address has been changed." in html
    assert html.index("Second") < html.index("First")  # the new default comes first


def test_htmx_delete_answers_with_the_list_fragment(client_as, user):
    address = AddressFactory(user=user, is_default=True, recipient="Gone")

    response = client_as(user).post(f"/account/addresses/{address.pk}/delete/", **HTMX)
    html = response.content.decode()

    assert response.status_code == 200
    assert "<html" not in html
    assert "Gone" not in html
    assert 'class="empty-state"' in html
