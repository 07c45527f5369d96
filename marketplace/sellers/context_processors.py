from django.http import HttpRequest

from .access import membership_for


def seller(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's shop membership, looked up only by pages that show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"seller_membership": lambda: membership_for(user)}
