"""The display-currency chooser's endpoint (the header menu posts here, guests and users alike)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..errors import CurrencyError
from ..services.currencies import set_display_currency


@require_POST
def set_currency(request: HttpRequest) -> HttpResponse:
    try:
        set_display_currency(
            currency=request.POST.get("currency", ""), user=request.user, session=request.session
        )
    except CurrencyError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(_safe_next_url(request))


def _safe_next_url(request: HttpRequest) -> str:
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return "/"
