"""The shopper's coupons: claiming a public coupon from a product or shop page (領券), and the
wallet of claimed coupons at /coupons/.

Claiming answers htmx with the coupon's button swapped to "Claimed" (or the reason it cannot be
claimed); without htmx it goes back to the page with a message. A guest is sent to log in and
comes back to the page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..errors import PromotionError
from ..services.coupons import (
    WALLET_SECTIONS,
    claim_coupon,
    claimable_coupon_or_404,
    coupon_wallet,
    is_used_up,
)


def _back(request: HttpRequest) -> str:
    """Where the shopper claimed from: the posted ``next``, htmx's current page or the referrer,
    if it is on this site; else the wallet."""
    for candidate in (
        request.POST.get("next"),
        request.headers.get("HX-Current-URL"),
        request.headers.get("Referer"),
    ):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return reverse("orders:my-coupons")


@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    back = _back(request)
    if not request.user.is_authenticated:
        login = redirect_to_login(back)
        if request.htmx:  # type: ignore[attr-defined]
            return HttpResponse(status=204, headers={"HX-Redirect": login.url})
        return login
    coupon = claimable_coupon_or_404(pk=pk)
    # Claiming again is harmless (the service returns the claim already there), but the shopper
    # is told it was already theirs rather than that it was just claimed.
    had_it = coupon.claims.filter(user=request.user).exists()
    error = ""
    try:
        claim_coupon(coupon=coupon, user=request.user)
    except PromotionError as refused:
        error = refused.message
    if request.htmx:  # type: ignore[attr-defined]
        coupon.is_used_up = is_used_up(coupon)  # type: ignore[attr-defined]
        context = {"coupon": coupon, "is_claimed": not error, "error": error, "next": back}
        return render(request, "orders/coupons/_claim_button.html", context)
    if error:
        messages.error(request, error)
    elif had_it:
        messages.info(request, _("You already have this coupon: it is in My coupons."))
    else:
        messages.success(request, _("Coupon claimed: it is waiting in My coupons."))
    return redirect(back)


@login_required
@require_GET
def my_coupons(request: HttpRequest) -> HttpResponse:
    wallet = coupon_wallet(user=request.user)
    sections = [(key, label, wallet[key]) for key, label in WALLET_SECTIONS.items()]
    context = {"sections": sections, "count": sum(len(entries) for entries in wallet.values())}
    return render(request, "orders/coupons/my_coupons.html", context)
