import pytest

from marketplace.accounts.models import Address, User
from tests.accounts.factories import AddressFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/admin/accounts/user/", "/admin/accounts/address/"])
def test_staff_can_open_the_changelists(client_as, staff_user, url):
    AddressFactory(is_default=True)

    response = client_as(staff_user).get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/admin/accounts/user/", "/admin/accounts/address/"])
def test_a_shopper_is_sent_to_the_admin_login(client_as, user, url):
    response = client_as(user).get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(f"/admin/login/?next={url}")


def test_staff_find_users_by_email_or_display_name(client_as, staff_user):
    User.objects.filter(pk=staff_user.pk).update(display_name="Staff")
    wanted = AddressFactory(user__display_name="Wang Xiaoming").user
    AddressFactory(user__display_name="Someone Else")

    html = client_as(staff_user).get("/admin/accounts/user/", {"q": "xiaoming"}).content.decode()

    assert wanted.email in html
    assert "Someone Else" not in html


def test_the_user_page_shows_the_address_book_inline(client_as, staff_user):
    address = AddressFactory(recipient="Lin Mei", is_default=True)

    response = client_as(staff_user).get(f"/admin/accounts/user/{address.user.pk}/change/")

    assert response.status_code == 200
    assert "Lin Mei" in response.content.decode()


def test_staff_can_add_a_user_by_email(client_as, staff_user):
    response = client_as(staff_user).post(
        "/admin/accounts/user/add/",
        {
            "email": "new.person@example.com",
            "display_name": "New Person",
            "usable_password": "true",
            "password1": "a-long-and-unusual-passphrase-9",
            "password2": "a-long-and-unusual-passphrase-9",
        },
    )

    assert response.status_code == 302
    created = User.objects.get(email="new.person@example.com")
    assert created.check_password("a-long-and-unusual-passphrase-9")


def test_deleting_a_default_address_in_the_admin_promotes_another(client_as, staff_user):
    default = AddressFactory(is_default=True)
    other = AddressFactory(user=default.user)

    response = client_as(staff_user).post(
        f"/admin/accounts/address/{default.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    other.refresh_from_db()
    assert other.is_default


def test_the_make_default_action_moves_the_default(client_as, staff_user):
    default = AddressFactory(is_default=True)
    other = AddressFactory(user=default.user)

    client_as(staff_user).post(
        "/admin/accounts/address/",
        {"action": "make_default", "_selected_action": [other.pk]},
    )

    default.refresh_from_db()
    other.refresh_from_db()
    assert (other.is_default, default.is_default) == (True, False)
    assert Address.objects.filter(user=default.user, is_default=True).count() == 1


def test_staff_edits_an_address_through_the_same_rules(client_as, staff_user):
    address = AddressFactory(is_default=True, city="Taipei")
    form = {
        "recipient": address.recipient,
        "phone": address.phone,
        "country": "TW",
        "region": "",
        "city": "Tainan",
        "street": address.street,
        "postcode": "700",
    }
    client = client_as(staff_user)

    refused = client.post(f"/admin/accounts/address/{address.pk}/change/", {**form, "phone": "x"})
    saved = client.post(f"/admin/accounts/address/{address.pk}/change/", form)

    assert refused.status_code == 200
    assert saved.status_code == 302
    address.refresh_from_db()
    assert (address.city, address.postcode, address.is_default) == ("Tainan", "700", True)
