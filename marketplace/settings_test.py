"""Test settings: the real settings with speed knobs only.

The suite runs against PostgreSQL and Redis (``make test`` sets ``DATABASE_URL`` and ``REDIS_URL``).
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghijklmnop")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/marketplace_test")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# The demo catalogue draws one product per leaf category in tests (seed_demo runs several times).
CATALOG_DEMO_PER_LEAF = 1
# Each pytest-xdist worker has a test database of its own; its cache entries get their own key
# prefix too, so one worker's cached rates or sessions never show up in another worker's tests.
CACHES["default"]["KEY_PREFIX"] = os.environ.get("PYTEST_XDIST_WORKER", "")  # noqa: F405
# Tests change the catalogue between two requests of one page and reuse queries and category
# pks from test to test (the cache outlives each test's transaction): facet counts are counted
# afresh unless a test turns the cache on (tests/catalog/test_listing_caches.py).
CATALOG_FACET_CACHE_SECONDS = 0
