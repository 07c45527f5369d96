"""Site-wide pages: home and the health endpoint."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import system_health


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def search(request: HttpRequest) -> HttpResponse:
    """The search page; the catalogue issue replaces it with product search and facets."""
    query = request.GET.get("q", "").strip()[:200]
    return render(request, "core/search.html", {"query": query})


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
