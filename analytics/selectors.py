"""Reads of product discovery for the storefront: the shopper's recently viewed products,
"customers also viewed" and "also bought", and "guess you like" from the shopper's category
affinity.

Everything is scoped to who asks: a signed-in user sees only their own views, an anonymous
visitor only the views of their own session key, never another shopper's. Every function returns
listed products (active, of open shops) ready for product cards, and costs a fixed number of
queries whatever ``limit`` is. Nothing here writes.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, F, FloatField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Ln
from django.utils import timezone

from catalog.models import Product
from catalog.selectors import best_sellers, listed_products

from .models import AssociationKind, ProductAssociation, ProductView

# "Guess you like" reads the shopper's latest views of this period, a view counting half as
# much every AFFINITY_HALF_LIFE, and recommends from their strongest categories.
AFFINITY_WINDOW = timedelta(days=90)
AFFINITY_HALF_LIFE = timedelta(days=7)
AFFINITY_VIEWS = 50
AFFINITY_CATEGORIES = 5


@dataclass(frozen=True)
class Shopper:
    """Who is asking: a signed-in user, else the anonymous visitor's session key (may be "")."""

    user: Any
    session_key: str = ""

    @property
    def is_known(self) -> bool:
        return self.user is not None or bool(self.session_key)


def views_of(*, shopper: Shopper) -> QuerySet[ProductView]:
    """The shopper's own views, never anyone else's (none for an unknown visitor)."""
    if shopper.user is not None:
        return ProductView.objects.filter(user=shopper.user)
    if shopper.session_key:
        return ProductView.objects.filter(user__isnull=True, session_key=shopper.session_key)
    return ProductView.objects.none()


def recently_viewed_products(
    *, shopper: Shopper, limit: int = 8, exclude: Product | None = None
) -> list[Product]:
    """The listed products the shopper looked at, latest first, each once."""
    if not shopper.is_known or limit <= 0:
        return []
    views = views_of(shopper=shopper)
    if exclude is not None:
        views = views.exclude(product=exclude)
    last_view = views.filter(product=OuterRef("pk")).order_by("-viewed_at").values("viewed_at")
    return list(
        listed_products()
        .filter(pk__in=views.values("product_id"))
        .annotate(last_viewed_at=Subquery(last_view[:1]))
        .order_by("-last_viewed_at", "-pk")[:limit]
    )


def associated_products(*, product: Product, limit: int = 8) -> dict[str, list[Product]]:
    """Per association kind, the listed products associated with this one, most shared
    first, up to ``limit`` each: every association row of a product page in one query (and one
    for the pictures). It reads at most ``ASSOCIATIONS_PER_PRODUCT`` products per kind, all the
    nightly job keeps."""
    found: dict[str, list[Product]] = {kind: [] for kind in AssociationKind.values}
    if limit <= 0:
        return found
    rows = ProductAssociation.objects.filter(product=product)
    scores = {
        f"{kind}_score": Subquery(rows.filter(kind=kind, other=OuterRef("pk")).values("score")[:1])
        for kind in AssociationKind.values
    }
    candidates = list(
        listed_products().filter(pk__in=rows.values("other_id")).annotate(**scores).order_by("pk")
    )
    for kind, products in found.items():
        scored = [item for item in candidates if getattr(item, f"{kind}_score") is not None]
        scored.sort(key=lambda item: -getattr(item, f"{kind}_score"))  # stable: ties by pk
        products += scored[:limit]
    return found


def also_viewed_products(*, product: Product, limit: int = 8) -> list[Product]:
    """Listed products the shoppers who looked at this one also looked at, most shared first."""
    return associated_products(product=product, limit=limit)[AssociationKind.VIEWED]


def also_bought_products(*, product: Product, limit: int = 8) -> list[Product]:
    """Listed products the buyers of this one bought in the same checkout, most shared first."""
    return associated_products(product=product, limit=limit)[AssociationKind.BOUGHT]


def category_affinity(*, shopper: Shopper, now: datetime | None = None) -> dict[int, float]:
    """Category id -> weight: the shopper's latest views per category, recent ones counting
    more (a view's weight halves every ``AFFINITY_HALF_LIFE``)."""
    if not shopper.is_known:
        return {}
    now = now or timezone.now()
    recent = (
        views_of(shopper=shopper)
        .filter(viewed_at__gte=now - AFFINITY_WINDOW)
        .order_by("-viewed_at")
        .values_list("product__category_id", "viewed_at")[:AFFINITY_VIEWS]
    )
    weights: dict[int, float] = {}
    for category_id, viewed_at in recent:
        age = max((now - viewed_at) / AFFINITY_HALF_LIFE, 0.0)
        weights[category_id] = weights.get(category_id, 0.0) + 0.5**age
    return weights


def _popularity() -> Any:
    """Sales (damped), rating and the shop's exposure factor (lowered by penalties)."""
    sales = Ln(Cast(F("sales_count"), FloatField()) + Value(2.0))
    rating = Value(1.0) + Cast(F("rating_average"), FloatField()) / Value(5.0)
    return sales * rating * Cast(F("shop__exposure_factor"), FloatField())


def guess_you_like_products(
    *, shopper: Shopper, limit: int = 8, now: datetime | None = None
) -> list[Product]:
    """Listed products the shopper has not looked at, from the categories they look at most,
    ranked by affinity, sales and rating; topped up with best sellers, which is all a new
    visitor gets."""
    if limit <= 0:
        return []
    weights = category_affinity(shopper=shopper, now=now)
    if not weights:
        return best_sellers(limit=limit)
    strongest = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    strongest = strongest[:AFFINITY_CATEGORIES]
    affinity = Case(
        *[When(category_id=pk, then=Value(weight)) for pk, weight in strongest],
        default=Value(0.0),
        output_field=FloatField(),
    )
    unseen = listed_products().exclude(pk__in=views_of(shopper=shopper).values("product_id"))
    picks = list(
        unseen.filter(category_id__in=[pk for pk, _ in strongest])
        .annotate(discovery_score=affinity * _popularity())
        .order_by("-discovery_score", "-pk")[:limit]
    )
    if len(picks) < limit:
        picks += list(
            unseen.exclude(pk__in=[product.pk for product in picks]).order_by(
                "-sales_count", "-rating_average", "-pk"
            )[: limit - len(picks)]
        )
    return picks
