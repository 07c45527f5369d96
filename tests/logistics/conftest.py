"""Fixtures of the logistics tests: no cached peak periods across tests (the cache lives in
Redis, which the test database's rollback does not reach)."""

import pytest

from logistics.services.peak import forget_cached_peaks


@pytest.fixture(autouse=True)
def fresh_peak_cache():
    forget_cached_peaks()
    yield
    forget_cached_peaks()
