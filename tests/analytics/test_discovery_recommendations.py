"""What a shopper is shown: their own recently viewed products, "customers also viewed", and
"guess you like" from their category affinity with best sellers for new visitors."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.models import AssociationKind, ProductAssociation
from analytics.selectors import (
    Shopper,
    also_viewed_products,
    category_affinity,
    guess_you_like_products,
    recently_viewed_products,
)
from catalog.models import ProductStatus
from marketplace.sellers.models import ShopStatus
from tests.analytics.factories import ProductViewFactory
from tests.catalog.factories import CategoryFactory, ProductFactory
from tests.sellers.factories import ShopFactory

pytestmark = pytest.mark.django_db


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


# --- Recently viewed -------------------------------------------------------------------------


def test_recently_viewed_lists_my_products_latest_first_each_once(shop, user):
    old, new = ProductFactory(shop=shop), ProductFactory(shop=shop)
    ProductViewFactory(user=user, product=old, viewed_at=ago(days=3))
    ProductViewFactory(user=user, product=new, viewed_at=ago(days=2))
    ProductViewFactory(user=user, product=old, viewed_at=ago(days=1))

    assert recently_viewed_products(shopper=Shopper(user=user)) == [old, new]


def test_another_shopper_never_sees_my_recently_viewed(shop, user, other_user):
    mine = ProductFactory(shop=shop)
    ProductViewFactory(user=user, product=mine)
    ProductViewFactory(user=None, session_key="my-session", product=mine)

    assert recently_viewed_products(shopper=Shopper(user=other_user)) == []
    assert recently_viewed_products(shopper=Shopper(user=None, session_key="another")) == []
    assert recently_viewed_products(shopper=Shopper(user=None)) == []


def test_an_anonymous_session_does_not_see_signed_in_views_with_the_same_key(shop, user):
    ProductViewFactory(user=user, session_key="shared-key", product=ProductFactory(shop=shop))

    assert recently_viewed_products(shopper=Shopper(user=None, session_key="shared-key")) == []


def test_recently_viewed_leaves_out_products_no_longer_listed_and_the_excluded_one(shop, user):
    on_sale, current = ProductFactory(shop=shop), ProductFactory(shop=shop)
    delisted = ProductFactory(shop=shop, status=ProductStatus.DELISTED)
    closed = ProductFactory(shop=ShopFactory(status=ShopStatus.CLOSED))
    for product in (on_sale, current, delisted, closed):
        ProductViewFactory(user=user, product=product)

    assert recently_viewed_products(shopper=Shopper(user=user), exclude=current) == [on_sale]


def test_recently_viewed_stops_at_the_limit(shop, user):
    products = [ProductFactory(shop=shop) for _ in range(4)]
    for hours, product in enumerate(products):
        ProductViewFactory(user=user, product=product, viewed_at=ago(hours=hours))

    assert recently_viewed_products(shopper=Shopper(user=user), limit=2) == products[:2]


# --- Customers also viewed -------------------------------------------------------------------


def test_also_viewed_lists_listed_associated_products_by_score(shop):
    product, best, second = (ProductFactory(shop=shop) for _ in range(3))
    gone = ProductFactory(shop=shop)
    for other, score in ((second, 2), (best, 5), (gone, 9)):
        ProductAssociation.objects.create(
            product=product,
            other=other,
            kind=AssociationKind.VIEWED,
            score=score,
            computed_at=timezone.now(),
        )
    gone.status = ProductStatus.REMOVED
    gone.save()

    assert also_viewed_products(product=product) == [best, second]
    assert also_viewed_products(product=best) == []


# --- Guess you like --------------------------------------------------------------------------


def test_affinity_weighs_recent_views_more(shop, user):
    recent, older = CategoryFactory(), CategoryFactory()
    ProductViewFactory(user=user, product=ProductFactory(shop=shop, category=recent))
    for _ in range(2):
        ProductViewFactory(
            user=user, product=ProductFactory(shop=shop, category=older), viewed_at=ago(days=14)
        )

    weights = category_affinity(shopper=Shopper(user=user))

    assert weights[recent.pk] == pytest.approx(1.0, abs=0.01)
    assert weights[older.pk] == pytest.approx(0.5, abs=0.01)  # two views a quarter as strong


def test_guess_you_like_recommends_unseen_products_of_my_categories_first(shop, user):
    phones, books, toys = CategoryFactory(), CategoryFactory(), CategoryFactory()
    ProductViewFactory(user=user, product=ProductFactory(shop=shop, category=phones))
    seen_book = ProductFactory(shop=shop, category=books)
    ProductViewFactory(user=user, product=seen_book, viewed_at=ago(days=10))
    phone = ProductFactory(shop=shop, category=phones)
    book = ProductFactory(shop=shop, category=books)
    toy = ProductFactory(shop=shop, category=toys, sales_count=1000)

    assert guess_you_like_products(shopper=Shopper(user=user), limit=3) == [phone, book, toy]


def test_within_a_category_better_sellers_and_rated_products_rank_first(shop, user):
    phones = CategoryFactory()
    ProductViewFactory(user=user, product=ProductFactory(shop=shop, category=phones))
    plain = ProductFactory(shop=shop, category=phones)
    rated = ProductFactory(shop=shop, category=phones, rating_average=Decimal("4.80"))
    selling = ProductFactory(shop=shop, category=phones, sales_count=500)

    assert guess_you_like_products(shopper=Shopper(user=user), limit=3) == [selling, rated, plain]


def test_a_penalised_shop_ranks_lower(shop, user):
    phones = CategoryFactory()
    ProductViewFactory(user=user, product=ProductFactory(shop=shop, category=phones))
    penalised = ProductFactory(
        shop=ShopFactory(exposure_factor=Decimal("0.30")), category=phones, sales_count=10
    )
    fair = ProductFactory(shop=shop, category=phones, sales_count=10)

    assert guess_you_like_products(shopper=Shopper(user=user), limit=2) == [fair, penalised]


def test_a_new_visitor_gets_best_sellers(shop):
    few, many = ProductFactory(shop=shop, sales_count=3), ProductFactory(shop=shop, sales_count=90)
    ProductFactory(shop=shop, sales_count=900, status=ProductStatus.DELISTED)

    for shopper in (Shopper(user=None), Shopper(user=None, session_key="new-visitor")):
        assert guess_you_like_products(shopper=shopper, limit=5) == [many, few]


def test_guess_you_like_never_repeats_what_i_saw_even_when_topping_up(shop, user):
    seen = ProductFactory(shop=shop, sales_count=999)
    ProductViewFactory(user=user, product=seen)
    bestseller = ProductFactory(shop=shop, sales_count=50)

    assert guess_you_like_products(shopper=Shopper(user=user), limit=4) == [bestseller]
