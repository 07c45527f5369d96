"""Analytics fixtures: one open shop for many products, and shopper requests with a session."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from tests.sellers.factories import ShopFactory


@pytest.fixture
def shop(db):
    return ShopFactory()


@pytest.fixture
def make_request(db):
    """make_request(user=None, session=None, user_agent=...) -> a GET request with a session
    (pass ``session`` to reuse a visitor's session) as the product page would get it."""

    def make(user=None, session=None, user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"):
        request = RequestFactory().get("/p/x/", HTTP_USER_AGENT=user_agent)
        if session is None:
            SessionMiddleware(lambda r: None).process_request(request)
        else:
            request.session = session
        request.user = user or AnonymousUser()
        return request

    return make
