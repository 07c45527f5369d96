"""Every write of product discovery: recording a product view, handing an anonymous visitor's
views to the account they sign in to, the nightly rebuild of "customers also viewed" and
"customers also bought", and the pruning of old views.

Recording must stay cheap - it runs inside the product page - so it is one INSERT that adds
nothing when the visitor already saw the product within ``REPEAT_VIEW_WINDOW``. The rebuild is a
full recompute per kind in batches of anchor products, each batch one SQL aggregation (the views
of the batch's visitors joined to themselves on the visitor, or the paid orders of the batch's
checkouts joined to themselves on the order group) replacing that batch's rows of that kind in
one short transaction, so it is safe to run twice and shoppers never see a half-built list. It
reads the catalogue's products and the orders' lines (both below us) and writes only our rows.
"""

import re
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from catalog.models import Product, ProductStatus
from orders.models import Order, OrderLine, OrderStatus

from ..models import AssociationKind, ProductAssociation, ProductView

# Where the anonymous visitor's key lives in the session (it survives the key rotation at login).
VISITOR_SESSION_KEY = "analytics_visitor"
# Looking at the same product again within this time is not another view.
REPEAT_VIEW_WINDOW = timedelta(minutes=30)
# Co-occurrence reads the views of this period; views older than VIEW_RETENTION are deleted.
ASSOCIATION_WINDOW = timedelta(days=90)
VIEW_RETENTION = timedelta(days=180)
# Products kept per product and kind ("customers also viewed" shows up to this many).
ASSOCIATIONS_PER_PRODUCT = 12
# A visitor who looked at more products than this in the window is a crawler or a scraper:
# its views would pair everything with everything, so co-occurrence ignores it.
MAX_PRODUCTS_PER_VISITOR = 200
ANCHOR_BATCH_SIZE = 500
# Co-purchase reads the orders paid in this period: purchases are much rarer than views.
PURCHASE_WINDOW = timedelta(days=365)
# Orders that count as bought: paid and not cancelled since (waiting for payment or cancelled
# orders are not purchases; a refund after delivery leaves the order completed).
BOUGHT_STATUSES = (
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
)
# A checkout of more products than this is a wholesale or restocking order: it would pair
# everything with everything, so co-purchase ignores it.
MAX_PRODUCTS_PER_CHECKOUT = 50

_CRAWLER = re.compile(r"bot|crawl|spider|slurp|facebookexternalhit|headless", re.IGNORECASE)


def visitor_key_of(request: HttpRequest, *, create: bool = False) -> str:
    """The anonymous visitor's key kept in their session ("" when there is none, or no session);
    with ``create`` a new key is stored (the session middleware saves it with the response)."""
    session = getattr(request, "session", None)
    if session is None:
        return ""
    key = session.get(VISITOR_SESSION_KEY, "")
    if not key and create:
        key = secrets.token_hex(16)
        session[VISITOR_SESSION_KEY] = key
    return str(key)


def is_crawler(request: HttpRequest) -> bool:
    return bool(_CRAWLER.search(request.headers.get("User-Agent", "")))


# One statement: the view is inserted unless the visitor saw the product within the window.
_RECORD_SQL = """
INSERT INTO {view} (user_id, session_key, product_id, viewed_at)
SELECT %(user)s, %(key)s, %(product)s, %(now)s
WHERE NOT EXISTS (
    SELECT 1 FROM {view}
    WHERE product_id = %(product)s AND viewed_at >= %(since)s AND {visitor}
)
"""


def record_product_view(
    *, request: HttpRequest, product: Product, now: datetime | None = None
) -> None:
    """The shopper's view of the product is on record (crawlers are not recorded)."""
    if is_crawler(request):
        return
    user = getattr(request, "user", None)
    user = user if user is not None and user.is_authenticated else None
    # A signed-in user's views are theirs: no visitor key, so the session is not written to.
    session_key = "" if user else visitor_key_of(request, create=True)
    if user is None and not session_key:
        return  # no session middleware: nobody to remember the view for
    now = now or timezone.now()
    sql = _RECORD_SQL.format(
        view=ProductView._meta.db_table,
        visitor="user_id = %(user)s" if user else "user_id IS NULL AND session_key = %(key)s",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "user": user.pk if user else None,
                "key": session_key,
                "product": product.pk,
                "now": now,
                "since": now - REPEAT_VIEW_WINDOW,
            },
        )


def claim_visitor_views(*, user: AbstractBaseUser, session_key: str) -> int:
    """The anonymous views made in this session now belong to the user who signed in."""
    if not session_key:
        return 0
    return ProductView.objects.filter(user__isnull=True, session_key=session_key).update(user=user)


def prune_product_views(*, now: datetime) -> int:
    """Views older than the retention period are gone; returns how many were deleted."""
    deleted, _ = ProductView.objects.filter(viewed_at__lt=now - VIEW_RETENTION).delete()
    return deleted


# --- Customers also viewed / also bought ----------------------------------------------------

# One batch: the visitors who looked at the batch's anchors in the window, all the products each
# of them looked at (visitors with too many are left out), paired with the anchors; each anchor
# keeps its top products still on sale. Ties go to the lower product id so that a rerun writes
# exactly the same rows. A visitor is the user, else the anonymous visitor key.
_VIEWED_SQL = """
INSERT INTO {association} (product_id, other_id, kind, score, computed_at)
WITH anchors AS (
    SELECT DISTINCT user_id, session_key, product_id
    FROM {view}
    WHERE viewed_at >= %(since)s AND product_id BETWEEN %(low)s AND %(high)s
),
seen AS (
    SELECT 'u:' || CAST(v.user_id AS TEXT) AS visitor, v.product_id
    FROM {view} v
    WHERE v.viewed_at >= %(since)s
      AND v.user_id IN (SELECT user_id FROM anchors WHERE user_id IS NOT NULL)
    UNION
    SELECT 's:' || v.session_key, v.product_id
    FROM {view} v
    WHERE v.viewed_at >= %(since)s AND v.user_id IS NULL
      AND v.session_key IN (SELECT session_key FROM anchors WHERE user_id IS NULL)
),
browsers AS (
    SELECT visitor FROM seen GROUP BY visitor HAVING COUNT(*) <= %(max_products)s
),
pairs AS (
    SELECT a.product_id, b.product_id AS other_id, COUNT(*) AS score
    FROM seen a
    JOIN browsers USING (visitor)
    JOIN seen b ON b.visitor = a.visitor AND b.product_id <> a.product_id
    JOIN {product} o ON o.id = b.product_id AND o.status = %(on_sale)s
    WHERE a.product_id BETWEEN %(low)s AND %(high)s
    GROUP BY a.product_id, b.product_id
),
ranked AS (
    SELECT product_id, other_id, score,
           ROW_NUMBER() OVER (PARTITION BY product_id ORDER BY score DESC, other_id) AS place
    FROM pairs
)
SELECT product_id, other_id, %(kind)s, score, %(now)s
FROM ranked
WHERE place <= %(keep)s
"""

# One batch: the checkouts (order groups) that bought the batch's anchors in orders paid in the
# window and not cancelled, every product those checkouts bought in such orders (checkouts of
# too many products are left out), paired with the anchors; the score counts the buyers who
# bought both in one checkout, however often they did. Each anchor keeps its top products still
# on sale, ties to the lower product id, as for views.
_BOUGHT_SQL = """
INSERT INTO {association} (product_id, other_id, kind, score, computed_at)
WITH anchors AS (
    SELECT DISTINCT o.group_id
    FROM {line} l
    JOIN {order} o ON o.id = l.order_id
    WHERE l.product_id BETWEEN %(low)s AND %(high)s
      AND o.status IN ({bought}) AND o.paid_at >= %(since)s
),
bought AS (
    SELECT DISTINCT o.group_id, o.buyer_id, l.product_id
    FROM {line} l
    JOIN {order} o ON o.id = l.order_id
    WHERE o.group_id IN (SELECT group_id FROM anchors)
      AND o.status IN ({bought}) AND o.paid_at >= %(since)s
      AND l.product_id IS NOT NULL
),
checkouts AS (
    SELECT group_id FROM bought GROUP BY group_id HAVING COUNT(*) <= %(max_products)s
),
pairs AS (
    SELECT a.product_id, b.product_id AS other_id, COUNT(DISTINCT a.buyer_id) AS score
    FROM bought a
    JOIN checkouts USING (group_id)
    JOIN bought b ON b.group_id = a.group_id AND b.product_id <> a.product_id
    JOIN {product} o ON o.id = b.product_id AND o.status = %(on_sale)s
    WHERE a.product_id BETWEEN %(low)s AND %(high)s
    GROUP BY a.product_id, b.product_id
),
ranked AS (
    SELECT product_id, other_id, score,
           ROW_NUMBER() OVER (PARTITION BY product_id ORDER BY score DESC, other_id) AS place
    FROM pairs
)
SELECT product_id, other_id, %(kind)s, score, %(now)s
FROM ranked
WHERE place <= %(keep)s
"""


def _anchor_batches(
    *, kind: AssociationKind, anchors: set[int], batch_size: int
) -> list[tuple[int, int]]:
    """Ranges of product ids covering the given anchors and every product with rows of this
    kind to replace, each holding at most ``batch_size`` such products."""
    kept = ProductAssociation.objects.filter(kind=kind).values_list("product_id", flat=True)
    ordered = sorted(anchors | set(kept.distinct()))
    return [
        (ordered[start], ordered[min(start + batch_size, len(ordered)) - 1])
        for start in range(0, len(ordered), batch_size)
    ]


def _rebuild(
    *,
    kind: AssociationKind,
    sql: str,
    anchors: set[int],
    params: dict[str, object],
    batch_size: int,
) -> int:
    """This kind's rows are replaced batch by batch with what ``sql`` computes."""
    sql = sql.format(
        bought=", ".join(f"%(bought_{n})s" for n in range(len(BOUGHT_STATUSES))),
        association=ProductAssociation._meta.db_table,
        view=ProductView._meta.db_table,
        line=OrderLine._meta.db_table,
        order=Order._meta.db_table,
        product=Product._meta.db_table,
    )
    written = 0
    for low, high in _anchor_batches(kind=kind, anchors=anchors, batch_size=batch_size):
        with transaction.atomic():
            ProductAssociation.objects.filter(
                kind=kind, product_id__gte=low, product_id__lte=high
            ).delete()
            with connection.cursor() as cursor:
                cursor.execute(
                    sql,
                    {
                        **params,
                        "on_sale": ProductStatus.ACTIVE,
                        "low": low,
                        "high": high,
                        "kind": kind.value,
                        "keep": ASSOCIATIONS_PER_PRODUCT,
                    },
                )
                written += max(cursor.rowcount, 0)
    return written


def compute_product_associations(*, now: datetime, batch_size: int = ANCHOR_BATCH_SIZE) -> int:
    """Each product's "customers also viewed" is rebuilt from the views of the last
    ``ASSOCIATION_WINDOW`` and its "customers also bought" from the orders paid in the last
    ``PURCHASE_WINDOW``: up to 12 products on sale each, those that the most shoppers who looked
    at it also looked at, and that the most buyers of it bought in the same checkout. Returns
    the number of rows written."""
    viewed_since = now - ASSOCIATION_WINDOW
    viewed = ProductView.objects.filter(viewed_at__gte=viewed_since).values_list(
        "product_id", flat=True
    )
    written = _rebuild(
        kind=AssociationKind.VIEWED,
        sql=_VIEWED_SQL,
        anchors=set(viewed.distinct()),
        params={"since": viewed_since, "max_products": MAX_PRODUCTS_PER_VISITOR, "now": now},
        batch_size=batch_size,
    )
    bought_since = now - PURCHASE_WINDOW
    bought = OrderLine.objects.filter(
        order__status__in=BOUGHT_STATUSES, order__paid_at__gte=bought_since, product__isnull=False
    ).values_list("product_id", flat=True)
    written += _rebuild(
        kind=AssociationKind.BOUGHT,
        sql=_BOUGHT_SQL,
        anchors=set(bought.distinct()),
        params={
            "since": bought_since,
            **{f"bought_{n}": status.value for n, status in enumerate(BOUGHT_STATUSES)},
            "max_products": MAX_PRODUCTS_PER_CHECKOUT,
            "now": now,
        },
        batch_size=batch_size,
    )
    return written
