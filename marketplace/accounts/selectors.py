"""Reads for the account pages, always scoped to the user who asks. Never writes."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Address, User


def addresses_for(*, user: User) -> QuerySet[Address]:
    """The user's address book, default first, then the most recently changed."""
    return Address.objects.filter(user=user).order_by("-is_default", "-updated_at", "-pk")


def address_for_user_or_404(*, user: User, pk: int) -> Address:
    """One of the user's own addresses; anyone else's id is a 404."""
    return get_object_or_404(Address, user=user, pk=pk)
