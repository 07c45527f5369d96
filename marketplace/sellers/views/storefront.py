"""Public shop pages: the storefront built from the published blocks, and following a shop.

A suspended or closed shop's storefront says so and shows no blocks. Following is a POST with an
explicit ``action`` (follow / unfollow), so a repeated click or a resent form changes nothing;
htmx gets the refreshed button back, everyone else a redirect to the storefront.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ..selectors.shops import is_following, shop_for_slug_or_404, storefront_of
from ..services.shops import follow_shop, unfollow_shop


@require_GET
def shop(request: HttpRequest, slug: str) -> HttpResponse:
    found = shop_for_slug_or_404(slug=slug)
    storefront = storefront_of(shop=found, user=request.user)
    return render(request, "sellers/storefront/shop.html", {"storefront": storefront})


@login_required
@require_POST
def follow(request: HttpRequest, slug: str) -> HttpResponse:
    """``action=follow`` or ``action=unfollow``; without one, the follow is toggled."""
    found = shop_for_slug_or_404(slug=slug)
    action = request.POST.get("action")
    if action not in ("follow", "unfollow"):
        action = "unfollow" if is_following(shop=found, user=request.user) else "follow"
    if action == "follow":
        follow_shop(shop=found, user=request.user)
    else:
        unfollow_shop(shop=found, user=request.user)
    if request.htmx:  # type: ignore[attr-defined]
        context = {"shop": found, "is_following": action == "follow"}
        return render(request, "sellers/storefront/_follow.html", context)
    return redirect("storefront:shop", slug=found.slug)
