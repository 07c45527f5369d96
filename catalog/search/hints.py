"""What the search box offers around a query: suggestions while typing, "did you mean" on zero
results, and the search log they learn from (and analytics reads)."""

import difflib
import re
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.postgres.search import SearchQuery, TrigramSimilarity, TrigramWordSimilarity
from django.db import connection
from django.db.models import Count, Max, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ..models import Brand, Category, Product, ProductStatus, SearchLog
from .matching import DocumentVector, quote_token, use_typo_threshold
from .text import fold, query_tokens

LOG_MEMORY = timedelta(days=90)
CATEGORY_SUGGESTIONS = 2
BRAND_SUGGESTIONS = 2
_WORDS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Suggestion:
    label: str
    kind: str  # "category", "brand" or "product"


def _clean(text: str, length: int = 200) -> str:
    return " ".join((text or "").split())[:length]


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


def _products_starting_with(tokens: list[str]) -> QuerySet[Product]:
    """Active products holding every token, the last one as a prefix (the user is still typing)."""
    products = Product.objects.filter(status=ProductStatus.ACTIVE)
    if _on_postgres():
        words = [quote_token(token) for token in tokens]
        words[-1] += ":*"
        query = SearchQuery(" & ".join(words), search_type="raw", config="simple")
        return products.alias(_document=DocumentVector()).filter(_document=query)
    for token in tokens:
        products = products.filter(search_document__icontains=token)
    return products


def suggestions(prefix: str, limit: int = 8) -> list[Suggestion]:
    """Categories, brands and product titles for what has been typed so far, best first."""
    text = _clean(prefix, 100)
    tokens = query_tokens(text)
    if not tokens or limit <= 0:
        return []
    folded = fold(text)
    categories = Category.objects.filter(is_active=True).filter(
        Q(name__icontains=text)
        | Q(name_zh_hant__icontains=text)
        | Q(name_zh_hans__icontains=text)
        | Q(name_zh_hans__icontains=folded)
    )[:CATEGORY_SUGGESTIONS]
    brands = Brand.objects.filter(Q(name__icontains=text) | Q(name__icontains=folded)).order_by(
        "name"
    )[:BRAND_SUGGESTIONS]
    titles = (
        _products_starting_with(tokens)
        .order_by("-sales_count", "-pk")
        .values_list("title", flat=True)[:limit]
    )
    found = [Suggestion(category.display_name, "category") for category in categories]
    found += [Suggestion(brand.name, "brand") for brand in brands]
    found += [Suggestion(title, "product") for title in titles]
    seen: set[str] = set()
    unique = []
    for suggestion in found:
        if suggestion.label.lower() not in seen:
            seen.add(suggestion.label.lower())
            unique.append(suggestion)
    return unique[:limit]


def suggest(prefix: str, limit: int = 8) -> list[str]:
    """The labels of ``suggestions``: what the search box offers while typing."""
    return [suggestion.label for suggestion in suggestions(prefix, limit)]


def _successful_queries() -> QuerySet[SearchLog]:
    return SearchLog.objects.filter(results__gt=0, at__gte=timezone.now() - LOG_MEMORY)


def _from_log(text: str, normalized: str) -> str | None:
    """The closest successful query shoppers ran (most similar, then most frequent)."""
    logged = _successful_queries().exclude(normalized=normalized)
    if _on_postgres():
        return (
            logged.filter(query__trigram_similar=text)
            .values("query")
            .annotate(similarity=Max(TrigramSimilarity("query", text)), times=Count("id"))
            .order_by("-similarity", "-times")
            .values_list("query", flat=True)
            .first()
        )
    recent = list(dict.fromkeys(logged.values_list("query", flat=True)[:1000]))
    close = difflib.get_close_matches(text, recent, n=1, cutoff=0.6)
    return close[0] if close else None


def _vocabulary_near(word: str) -> list[str]:
    """Words of product titles and brand names that may be what ``word`` meant to be."""
    products = Product.objects.filter(status=ProductStatus.ACTIVE)
    if _on_postgres():
        use_typo_threshold()
        titles = (
            products.filter(title__trigram_word_similar=word)
            .annotate(similarity=TrigramWordSimilarity(word, "title"))
            .order_by("-similarity")
            .values_list("title", flat=True)[:5]
        )
        brands = (
            Brand.objects.filter(name__trigram_word_similar=word)
            .annotate(similarity=TrigramWordSimilarity(word, "name"))
            .order_by("-similarity")
            .values_list("name", flat=True)[:5]
        )
    else:
        titles = products.order_by("-sales_count").values_list("title", flat=True)[:2000]
        brands = Brand.objects.values_list("name", flat=True)[:2000]
    return [found for text in [*titles, *brands] for found in _WORDS.findall(text)]


def _from_titles(text: str) -> str | None:
    """The query with each misspelt English word replaced by the closest catalogue word."""
    words = text.split()
    changed = False
    for index, word in enumerate(words):
        if len(word) < 3 or not (word.isascii() and word.isalpha()):
            continue
        vocabulary = {candidate.lower(): candidate for candidate in _vocabulary_near(word)}
        if word.lower() in vocabulary:
            continue
        close = difflib.get_close_matches(word.lower(), list(vocabulary), n=1, cutoff=0.7)
        if close:
            words[index] = vocabulary[close[0]]
            changed = True
    return " ".join(words) if changed else None


def did_you_mean(query: str) -> str | None:
    """A better query for one that found nothing, or None when nothing sensible is near."""
    text = _clean(query)
    if len(text) < 2:
        return None
    normalized = " ".join(query_tokens(text))
    for candidate in (_from_log(text, normalized), _from_titles(text)):
        if candidate and " ".join(query_tokens(candidate)) != normalized:
            return candidate
    return None


def log_search(*, query: str, results: int, request: HttpRequest) -> SearchLog | None:
    """The search is recorded with its result count and the shopper (user or session)."""
    text = _clean(query)
    if not text:
        return None
    user = request.user if request.user.is_authenticated else None
    session_key = ""
    session = getattr(request, "session", None)
    if session is not None:
        if not session.session_key:
            session.save()
            session.modified = True  # so the middleware sends the cookie with this key
        session_key = session.session_key or ""
    return SearchLog.objects.create(
        query=text,
        normalized=" ".join(query_tokens(text))[:400],
        results=max(results, 0),
        user=user,
        session_key=session_key,
    )
