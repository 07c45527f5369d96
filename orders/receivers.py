"""What orders does when other apps (and allauth) report news."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .services.cart import adopt_guest_cart


@receiver(user_logged_in, dispatch_uid="orders_merge_guest_cart")
def merge_guest_cart_on_login(sender, request, user, **kwargs) -> None:
    """The cart kept as a guest joins the account's cart (login keeps the session's data)."""
    if request is not None and hasattr(request, "session"):
        adopt_guest_cart(request=request, user=user)
