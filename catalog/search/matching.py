"""Matching products to a query and ranking them.

On PostgreSQL a product matches when its ``to_tsvector('simple', search_document)`` (the GIN index
expression of migration 0002, written identically here so the index is used) contains every query
token or one of its synonyms. When the words find nothing, titles trigram-similar to the non-Chinese
part of the query join in (typos and fragments of three or more letters: "iphnoe" finds "iPhone").
On SQLite every token (or a synonym) must appear in ``search_document`` as a substring.

Every match is ranked, so ranking reads the vector stored in ``Product.search_vector`` (a generated
column of the same expression, migration 0005): re-parsing each matching document with
``to_tsvector`` cost about 24 ms of CPU per 1,000 matches, ``ts_rank`` on the stored vector under
0.1 ms.

``relevance`` = 1 when in stock, 0 when sold out, plus a value in [0, 1) growing with quality: the
text score times sales, rating and the shop's exposure factor: a sold-out product always sinks
below every product in stock, and a shop under a lower-exposure penalty ranks lower.

Synonyms come from the active ``SynonymGroup`` rows; their terms go through the same normalisation,
so one group written in either script or in English covers all of them.
"""

import math
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVectorField, TrigramWordSimilarity
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Case, F, FloatField, Func, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import ATan, Cast, Ln

from ..models import Product, SynonymGroup
from .text import CJK_RUN, query_tokens

# The typo arm compares the raw query with titles: word_similarity("iphnoe", "iPhone 15") = 0.43.
TYPO_MIN_LENGTH = 3
TYPO_THRESHOLD = 0.4
TYPO_WEIGHT = 0.5
SALES_WEIGHT = 0.1  # per unit of ln(1 + units sold)
RATING_WEIGHT = 0.1  # per star

Alternative = tuple[str, ...]  # the tokens of one way of saying a word (all required)


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    groups: tuple[tuple[Alternative, ...], ...]  # every group must match, by any alternative

    def tsquery(self) -> str:
        """The groups as ``to_tsquery`` text: ('手机' | 'phon') & ('壳')."""
        return " & ".join(
            "(" + " | ".join(_phrase(alternative) for alternative in group) + ")"
            for group in self.groups
        )


def quote_token(token: str) -> str:
    """One token as a ``to_tsquery`` operand."""
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _phrase(alternative: Alternative) -> str:
    if len(alternative) == 1:
        return quote_token(alternative[0])
    return "(" + " & ".join(quote_token(token) for token in alternative) + ")"


def synonym_table() -> dict[str, list[Alternative]]:
    """Each single-token term of an active synonym group -> every term of its groups."""
    table: dict[str, list[Alternative]] = {}
    for group in SynonymGroup.objects.filter(is_active=True).only("terms"):
        forms = [tuple(query_tokens(term)) for term in group.term_list]
        forms = list(dict.fromkeys(form for form in forms if form))
        for form in forms:
            if len(form) == 1:
                known = table.setdefault(form[0], [])
                known.extend(other for other in forms if other not in known)
    return table


def parse_query(query: str) -> ParsedQuery:
    text = " ".join((query or "").split())[:200]
    tokens = query_tokens(text)
    if not tokens:
        return ParsedQuery(text=text, groups=())
    synonyms = synonym_table()
    groups = []
    for token in tokens:
        alternatives = [(token,)] + [form for form in synonyms.get(token, []) if form != (token,)]
        groups.append(tuple(alternatives))
    return ParsedQuery(text=text, groups=tuple(groups))


def typo_part(text: str) -> str:
    """The part of a query that may hold typos: everything but Chinese. Chinese is typed through
    an input method that picks whole words, and its 2-3 character words would make trigrams match
    any title sharing one character pair (手机壳 ~ 手机支架)."""
    return " ".join(CJK_RUN.sub(" ", text).split())


def use_typo_threshold(using: str = DEFAULT_DB_ALIAS) -> None:
    """Sets the threshold of the ``%>`` operator (a setting, not an argument) on the connection
    that will run the query; the operator, unlike the function, can use the trigram index."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
            [str(TYPO_THRESHOLD)],
        )


class DocumentVector(Func):
    """``to_tsvector('simple', search_document)``: exactly the indexed expression."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()

    def __init__(self) -> None:
        super().__init__(F("search_document"))


class TextRank(Func):
    """``ts_rank(search_vector, query)``: on the stored vector, never a recomputed one."""

    function = "ts_rank"
    output_field = FloatField()

    def __init__(self, query: SearchQuery) -> None:
        super().__init__(F("search_vector"), query)


def _relevance(text_score: Combinable) -> Combinable:
    sales = Ln(Cast("sales_count", FloatField()) + Value(1.0))
    rating = Cast("rating_average", FloatField())
    exposure = Cast("shop__exposure_factor", FloatField())
    quality = (
        text_score
        * (Value(1.0) + sales * Value(SALES_WEIGHT))
        * (Value(1.0) + rating * Value(RATING_WEIGHT))
        * exposure
    )
    in_stock = Case(
        When(stock_total__gt=0, then=Value(1.0)), default=Value(0.0), output_field=FloatField()
    )
    # atan maps quality >= 0 monotonically into [0, pi/2); unlike q / (1 + q) it names the
    # (costly, ts_rank) quality expression once, and PostgreSQL does not share repeated terms.
    return in_stock + ATan(quality) * Value(2 / math.pi)


def _nothing(qs: QuerySet[Product]) -> QuerySet[Product]:
    return qs.none().annotate(relevance=Value(0.0, output_field=FloatField()))


def _finds_any(qs: QuerySet[Product]) -> bool:
    """Whether ``qs`` finds a product. Not ``exists()``: under ``LIMIT 1`` the planner bets on a
    sequential scan finding a match early, which reads (and parses) the whole table when there is
    none. Not ``count()`` either: that visits every match (16 ms for the 12,000 of "phones"). A
    materialised CTE is planned for all its rows (the GIN index) but produced on demand, so the
    ``LIMIT 1`` outside it stops at the first match."""
    sql, params = qs.order_by().values("pk").query.get_compiler(using=qs.db).as_sql()
    # Django's own SQL around the CTE; the shopper's words stay in ``params``.
    query = f"WITH found AS MATERIALIZED ({sql}) SELECT 1 FROM found LIMIT 1"  # noqa: S608
    with connections[qs.db].cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone() is not None


def search_products_postgres(qs: QuerySet[Product], query: str) -> QuerySet[Product]:
    parsed = parse_query(query)
    if not parsed.groups:
        return _nothing(qs)
    tsquery = SearchQuery(parsed.tsquery(), search_type="raw", config="simple")
    qs = qs.alias(_document=DocumentVector())
    matches = Q(_document=tsquery)
    text_score: Combinable = TextRank(tsquery)
    typo_text = typo_part(parsed.text)
    # The typo arm only joins when the words themselves find nothing: OR-ing it in always would
    # recheck and rank every title sharing a few trigrams (thousands of rows for "phones").
    if len(typo_text) >= TYPO_MIN_LENGTH and not _finds_any(qs.filter(matches)):
        use_typo_threshold(qs.db)
        matches |= Q(title__trigram_word_similar=typo_text)
        text_score = text_score + TrigramWordSimilarity(typo_text, "title") * Value(TYPO_WEIGHT)
    return (
        qs.filter(matches)
        .annotate(relevance=_relevance(text_score))
        .order_by("-relevance", "-sales_count", "-pk")
    )


def search_products_simple(qs: QuerySet[Product], query: str) -> QuerySet[Product]:
    """The portable fallback (SQLite): substring match of every normalised token or synonym."""
    parsed = parse_query(query)
    if not parsed.groups:
        return _nothing(qs)
    condition = Q()
    for group in parsed.groups:
        any_of = Q()
        for alternative in group:
            all_of = Q()
            for token in alternative:
                all_of &= Q(search_document__icontains=token)
            any_of |= all_of
        condition &= any_of
    matched_words = Value(1.0, output_field=FloatField())
    return (
        qs.filter(condition | Q(title__icontains=parsed.text))
        .annotate(relevance=_relevance(matched_words))
        .order_by("-relevance", "-sales_count", "-pk")
    )


def search_products(qs: QuerySet[Product], query: str) -> QuerySet[Product]:
    """``qs`` narrowed to the products matching ``query``, annotated with ``relevance`` and
    ordered by it (re-order freely: the annotation stays). ``search_vector`` is deferred: the
    ranking reads it in SQL, and carrying it through the sort of every match costs time."""
    qs = qs.defer("search_vector")
    if connections[qs.db].vendor == "postgresql":
        return search_products_postgres(qs, query)
    return search_products_simple(qs, query)
