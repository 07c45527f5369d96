"""Reactions to other apps' news; each receiver calls one notifications service."""

from typing import Any

from django.http import HttpRequest

from marketplace.accounts.models import User

from .services import notify


def welcome_new_user(
    sender: Any, *, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    """allauth's ``user_signed_up``: the new user gets a welcome message."""
    notify(user=user, kind="welcome")
