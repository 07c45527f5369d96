"""Reads the payment pages need, scoped to who asks: another buyer's payment is a 404."""

from django.shortcuts import get_object_or_404

from marketplace.accounts.models import User

from .models import Payment


def payment_for_buyer_or_404(*, user: User, number: str, provider: str) -> Payment:
    """The buyer's own attempt with this number through this provider, with its order group."""
    return get_object_or_404(
        Payment.objects.select_related("group"), buyer=user, number=number, provider=provider
    )
