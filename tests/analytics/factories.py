"""Analytics factories: ``ProductViewFactory(user=..., product=..., viewed_at=...)`` is a view
by that user (an anonymous view when given ``session_key`` and no user)."""

import factory
from django.utils import timezone

from analytics.models import ProductView
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory


class ProductViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductView

    user = factory.SubFactory(UserFactory)
    session_key = ""
    product = factory.SubFactory(ProductFactory)
    viewed_at = factory.LazyFunction(timezone.now)
