"""Reads for the account pages, always scoped to the user who asks, and whether a user has
two-factor authentication (sellers and payments ask before payout changes and large refunds).
Never writes."""

from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Address, User


def addresses_for(*, user: User) -> QuerySet[Address]:
    """The user's address book, default first, then the most recently changed."""
    return Address.objects.filter(user=user).order_by("-is_default", "-updated_at", "-pk")


def address_for_user_or_404(*, user: User, pk: int) -> Address:
    """One of the user's own addresses; anyone else's id is a 404."""
    return get_object_or_404(Address, user=user, pk=pk)


# An authenticator app or a security key; recovery codes alone are only a fallback for these.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_two_factor(user: Any) -> bool:
    """The user signs in with a second factor (allauth MFA: an authenticator app or a key)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()
