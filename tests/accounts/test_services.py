from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from marketplace.accounts.errors import AccountError
from marketplace.accounts.models import Address
from marketplace.accounts.services import (
    create_address,
    delete_address,
    set_default_address,
    set_preferred_language,
    update_address,
    update_profile,
)
from tests.accounts.factories import AddressFactory

pytestmark = pytest.mark.django_db

TAIPEI = {
    "recipient": "Lin Mei",
    "phone": "+886 2 2345 6789",
    "country": "TW",
    "region": "Taipei",
    "city": "Taipei",
    "street": "No. 7, Section 5, Xinyi Road",
    "postcode": "110",
}


def test_a_users_first_address_becomes_the_default(user):
    address = create_address(user=user, **TAIPEI)

    assert address.is_default
    assert Address.objects.get(pk=address.pk).is_default


def test_a_later_address_is_not_the_default_unless_asked(user):
    first = create_address(user=user, **TAIPEI)
    second = create_address(user=user, **{**TAIPEI, "recipient": "Chen Wei"})

    assert not second.is_default
    first.refresh_from_db()
    assert first.is_default


def test_creating_an_address_as_default_takes_over_the_default(user):
    first = create_address(user=user, **TAIPEI)
    second = create_address(user=user, **TAIPEI, make_default=True)

    first.refresh_from_db()
    assert second.is_default
    assert not first.is_default


def test_an_invalid_phone_number_creates_nothing(user):
    with pytest.raises(ValidationError) as raised:
        create_address(user=user, **{**TAIPEI, "phone": "call me maybe"})

    assert "phone" in raised.value.message_dict
    assert not Address.objects.exists()


def test_an_unknown_country_code_creates_nothing(user):
    with pytest.raises(ValidationError) as raised:
        create_address(user=user, **{**TAIPEI, "country": "XX"})

    assert "country" in raised.value.message_dict
    assert not Address.objects.exists()


def test_setting_a_default_unsets_the_previous_one(user):
    old_default = AddressFactory(user=user, is_default=True)
    other = AddressFactory(user=user)

    set_default_address(address=other)

    old_default.refresh_from_db()
    other.refresh_from_db()
    assert other.is_default
    assert not old_default.is_default
    assert Address.objects.filter(user=user, is_default=True).count() == 1


def test_setting_a_default_leaves_other_users_alone(user, other_user):
    theirs = AddressFactory(user=other_user, is_default=True)
    mine = AddressFactory(user=user)

    set_default_address(address=mine)

    theirs.refresh_from_db()
    assert theirs.is_default


def test_setting_the_default_of_a_deleted_address_changes_nothing(user):
    default = AddressFactory(user=user, is_default=True)
    gone = AddressFactory(user=user)
    Address.objects.filter(pk=gone.pk).delete()

    with pytest.raises(AccountError) as raised:
        set_default_address(address=gone)

    assert raised.value.code == "address_gone"
    default.refresh_from_db()
    assert default.is_default


def test_deleting_the_default_promotes_the_most_recently_changed_other_address(user):
    default = AddressFactory(user=user, is_default=True)
    older = AddressFactory(user=user)
    newer = AddressFactory(user=user)
    Address.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=2))
    Address.objects.filter(pk=newer.pk).update(updated_at=timezone.now() - timedelta(days=1))

    delete_address(address=default)

    assert not Address.objects.filter(pk=default.pk).exists()
    assert Address.objects.get(pk=newer.pk).is_default
    assert not Address.objects.get(pk=older.pk).is_default


def test_deleting_another_address_keeps_the_default(user):
    default = AddressFactory(user=user, is_default=True)
    other = AddressFactory(user=user)

    delete_address(address=other)

    default.refresh_from_db()
    assert default.is_default


def test_deleting_the_last_address_leaves_an_empty_book(user):
    only = AddressFactory(user=user, is_default=True)

    delete_address(address=only)

    assert not Address.objects.filter(user=user).exists()


def test_updating_an_address_saves_its_fields_and_keeps_its_default_flag(user):
    address = AddressFactory(user=user, is_default=True)

    update_address(address=address, **{**TAIPEI, "city": "New Taipei", "postcode": "220"})

    address.refresh_from_db()
    assert (address.city, address.postcode, address.is_default) == ("New Taipei", "220", True)


def test_updating_an_address_can_make_it_the_default(user):
    default = AddressFactory(user=user, is_default=True)
    other = AddressFactory(user=user)

    update_address(address=other, **TAIPEI, make_default=True)

    default.refresh_from_db()
    assert other.is_default
    assert not default.is_default


def test_an_invalid_update_changes_nothing(user):
    address = AddressFactory(user=user, phone="+886 2 1234 5678")

    with pytest.raises(ValidationError):
        update_address(address=address, **{**TAIPEI, "phone": "12"})

    assert Address.objects.get(pk=address.pk).phone == "+886 2 1234 5678"


def test_update_profile_saves_name_language_and_currency(user):
    update_profile(user=user, display_name="  小明  ", language="zh-hant", currency="TWD")

    user.refresh_from_db()
    assert (user.display_name, user.language, user.currency) == ("小明", "zh-hant", "TWD")


def test_update_profile_refuses_a_currency_outside_the_list(user):
    with pytest.raises(AccountError) as raised:
        update_profile(user=user, display_name="A", language="en", currency="XYZ")

    assert raised.value.code == "unknown_currency"
    user.refresh_from_db()
    assert user.currency == ""


def test_update_profile_refuses_an_unknown_language(user):
    with pytest.raises(AccountError) as raised:
        update_profile(user=user, display_name="A", language="fr", currency="USD")

    assert raised.value.code == "unknown_language"


def test_set_preferred_language_saves_a_supported_language(user):
    set_preferred_language(user=user, language="zh-hans")

    user.refresh_from_db()
    assert user.language == "zh-hans"
