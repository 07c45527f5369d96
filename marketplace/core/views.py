"""Site-wide pages: home and the health endpoint (search is catalog's: catalog:search)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import system_health


def home(request: HttpRequest) -> HttpResponse:
    """The home page; its sections come from the apps above through template tags
    (``catalog_tags``, ``discovery``), so core imports none of them."""
    return render(request, "core/home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers (the site can serve); cache and broker are reported too."""
    probes = system_health()
    by_name = {probe.name: probe for probe in probes}
    status = 200 if by_name["database"].ok else 503
    body = {
        "status": "ok" if all(p.ok for p in probes) else ("degraded" if status == 200 else "down"),
        "checks": {p.name: {"ok": p.ok, "detail": p.detail} for p in probes},
    }
    return JsonResponse(body, status=status)
