"""Search helpers for the search box: suggestions while typing, as an htmx fragment.

The search results page itself lives with the storefront views; both call ``catalog.search``.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ..search import suggestions

SUGGESTION_LIMIT = 8


@require_GET
@cache_control(private=True, max_age=60)
def suggest(request: HttpRequest) -> HttpResponse:
    """``GET /search/suggest/?q=`` -> a listbox of category, brand and product suggestions."""
    query = request.GET.get("q", "")[:100]
    context = {"query": query, "suggestions": suggestions(query, limit=SUGGESTION_LIMIT)}
    return render(request, "catalog/search/_suggestions.html", context)
