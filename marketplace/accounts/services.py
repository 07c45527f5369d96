"""Every write to a user's profile and address book. Must not send mail or call the network.

The address book keeps one rule: a user with addresses has exactly one default. A partial unique
constraint backs it in the database; these services keep it by locking the owner's user row, so
two requests that change the same book take turns instead of colliding on the constraint.
Field values that break the model's rules (phone, country) raise ``ValidationError``.
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import AccountError
from .models import Address, User

ADDRESS_FIELDS = ("recipient", "phone", "country", "region", "city", "street", "postcode")


def update_profile(*, user: User, display_name: str, language: str, currency: str) -> User:
    """The user's display name, preferred language and preferred currency are saved."""
    _check_language(language)
    _check_currency(currency)
    user.display_name = display_name.strip()
    user.language = language
    user.currency = currency
    user.save(update_fields=["display_name", "language", "currency"])
    return user


def set_preferred_language(*, user: User, language: str) -> User:
    """The site speaks this language to the user from the next page on, on any device."""
    _check_language(language)
    user.language = language
    user.save(update_fields=["language"])
    return user


def set_preferred_currency(*, user: User, currency: str) -> User:
    """Prices are shown to the user in this currency too, from the next page on, on any device."""
    _check_currency(currency)
    user.currency = currency
    user.save(update_fields=["currency"])
    return user


def create_address(
    *,
    user: User,
    recipient: str,
    phone: str,
    country: str,
    city: str,
    street: str,
    region: str = "",
    postcode: str = "",
    make_default: bool = False,
) -> Address:
    """The address joins the user's book; it is the default if asked for or if it is the first."""
    address = Address(
        user=user,
        recipient=recipient,
        phone=phone,
        country=country,
        region=region,
        city=city,
        street=street,
        postcode=postcode,
    )
    _validate(address)
    with transaction.atomic():
        _lock_address_book(user_id=user.pk)
        if make_default:
            _unset_default(user_id=user.pk)
        address.is_default = make_default or not _has_default(user_id=user.pk)
        address.save()
    return address


def update_address(
    *,
    address: Address,
    recipient: str,
    phone: str,
    country: str,
    city: str,
    street: str,
    region: str = "",
    postcode: str = "",
    make_default: bool = False,
) -> Address:
    """The address holds the new values; it becomes the default if asked for (never the reverse)."""
    address.recipient = recipient
    address.phone = phone
    address.country = country
    address.region = region
    address.city = city
    address.street = street
    address.postcode = postcode
    _validate(address)
    changed = [*ADDRESS_FIELDS, "updated_at"]
    with transaction.atomic():
        _lock_address_book(user_id=address.user_id)
        if make_default:
            _unset_default(user_id=address.user_id, except_pk=address.pk)
            address.is_default = True
            changed.append("is_default")
        address.save(update_fields=changed)
    address.refresh_from_db(fields=["is_default"])
    return address


def set_default_address(*, address: Address) -> Address:
    """This address is the user's default and the previous default no longer is."""
    with transaction.atomic():
        _lock_address_book(user_id=address.user_id)
        _unset_default(user_id=address.user_id, except_pk=address.pk)
        if not Address.objects.filter(pk=address.pk).update(is_default=True):
            raise AccountError(_("This address no longer exists."), code="address_gone")
    address.is_default = True
    return address


def delete_address(*, address: Address) -> None:
    """The address is gone; if it was the default, the most recently changed other takes over."""
    with transaction.atomic():
        _lock_address_book(user_id=address.user_id)
        Address.objects.filter(pk=address.pk).delete()
        if not _has_default(user_id=address.user_id):
            newest = (
                Address.objects.filter(user_id=address.user_id)
                .order_by("-updated_at", "-pk")
                .values_list("pk", flat=True)
                .first()
            )
            if newest is not None:
                Address.objects.filter(pk=newest).update(is_default=True)


def _check_language(language: str) -> None:
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise AccountError(
            _("%(language)s is not a language the marketplace speaks.") % {"language": language},
            code="unknown_language",
        )


def _check_currency(currency: str) -> None:
    if currency not in settings.CURRENCIES:
        raise AccountError(
            _("%(currency)s is not a currency the marketplace shows prices in.")
            % {"currency": currency},
            code="unknown_currency",
        )


def _validate(address: Address) -> None:
    # The owner and the default flag are the services' business; the rest must pass the fields.
    address.full_clean(
        exclude=["user", "is_default"], validate_unique=False, validate_constraints=False
    )


def _lock_address_book(*, user_id: int) -> None:
    User.objects.select_for_update().only("pk").get(pk=user_id)


def _has_default(*, user_id: int) -> bool:
    return Address.objects.filter(user_id=user_id, is_default=True).exists()


def _unset_default(*, user_id: int, except_pk: int | None = None) -> None:
    Address.objects.filter(user_id=user_id, is_default=True).exclude(pk=except_pk).update(
        is_default=False
    )
