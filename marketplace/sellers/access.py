"""Who may enter the seller dashboard, and with which role.

``seller_required`` lets in approved merchant members only; others are sent to apply or told the
state of their application. It sets ``request.membership``, ``request.merchant`` and
``request.shop``; views then fetch objects only through selectors scoped to ``request.shop``.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import MemberRole, MerchantMember

View = Callable[..., HttpResponse]

ALL_ROLES = (MemberRole.OWNER, MemberRole.MANAGER, MemberRole.CLERK)
MANAGERS = (MemberRole.OWNER, MemberRole.MANAGER)
OWNER_ONLY = (MemberRole.OWNER,)


def membership_for(user: Any) -> MerchantMember | None:
    if not user.is_authenticated:
        return None
    return (
        MerchantMember.objects.select_related("merchant__shop")
        .filter(user=user)
        .order_by("joined_at")
        .first()
    )


def seller_required(view: View | None = None, *, roles: Iterable[str] = ALL_ROLES) -> Any:
    allowed = set(roles)

    def decorator(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = membership_for(request.user)
            if membership is None:
                messages.info(request, _("Apply to sell first: the dashboard opens once approved."))
                return redirect("sellers:apply")
            if membership.role not in allowed:
                raise PermissionDenied(_("Your role in this shop cannot do this."))
            request.membership = membership  # type: ignore[attr-defined]
            request.merchant = membership.merchant  # type: ignore[attr-defined]
            request.shop = membership.merchant.shop  # type: ignore[attr-defined]
            return func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
