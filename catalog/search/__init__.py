"""Product search: normalisation (Chinese script folding and segmentation, English stemming),
search documents, matching and ranking, suggestions, "did you mean" and the search log.

One interface for the rest of the site; PostgreSQL full-text and trigram indexes behind it, a
simpler substring match on SQLite. It reads the catalogue and writes only
``Product.search_document`` and ``SearchLog``.
"""

from .documents import (
    refresh_search_document,
    refresh_search_documents,
    refresh_search_documents_for_brand,
    refresh_search_documents_for_category,
)
from .hints import Suggestion, did_you_mean, log_search, suggest, suggestions
from .matching import search_products
from .text import normalize, query_tokens

__all__ = [
    "Suggestion",
    "did_you_mean",
    "log_search",
    "normalize",
    "query_tokens",
    "refresh_search_document",
    "refresh_search_documents",
    "refresh_search_documents_for_brand",
    "refresh_search_documents_for_category",
    "search_products",
    "suggest",
    "suggestions",
]
