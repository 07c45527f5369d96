"""Users log in with their e-mail address; every user is a shopper, some are also staff.

The address book's field rules (phone, country) sit on the fields, so forms, the admin and the
services all apply the same ones. Models only hold data: writes go through services.py.
"""

import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .countries import country_choices


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


def currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in settings.CURRENCIES]


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    currency = models.CharField(
        _("preferred currency"), max_length=3, choices=currency_choices, blank=True
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    @property
    def preferred_currency(self) -> str:
        return self.currency or settings.DEFAULT_CURRENCY


_PHONE_CHARACTERS = re.compile(r"[0-9+\-() ]+")


def validate_phone(value: str) -> None:
    """Loose on purpose: digits with spaces, +, - and brackets, as people write them."""
    digits = len(re.findall(r"[0-9]", value))
    if not _PHONE_CHARACTERS.fullmatch(value) or not 6 <= digits <= 20:
        raise ValidationError(
            _(
                "Enter a phone number of 6 to 20 digits. Only spaces, +, - and brackets may "
                "appear between the digits."
            ),
            code="invalid_phone",
        )


class Address(models.Model):
    """One entry of a user's address book; checkout copies it onto the order."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    recipient = models.CharField(_("recipient"), max_length=100)
    phone = models.CharField(_("phone"), max_length=32, validators=[validate_phone])
    country = models.CharField(_("country or region"), max_length=2, choices=country_choices)
    region = models.CharField(_("region / province / state"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100)
    street = models.CharField(_("street address"), max_length=255)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    is_default = models.BooleanField(_("default address"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="accounts_address_one_default_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}, {self.street}, {self.city} {self.postcode}, {self.country}"
