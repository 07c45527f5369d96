"""Health of the services the site depends on, each probed with a short timeout."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import DatabaseError, connection


@dataclass(frozen=True)
class Probe:
    name: str
    ok: bool
    detail: str = ""


def check_database() -> Probe:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Probe("database", False, type(error).__name__)
    return Probe("database", True, connection.vendor)


def check_cache() -> Probe:
    try:
        cache.set("healthz", "ok", 10)
        ok = cache.get("healthz") == "ok"
    except Exception as error:
        return Probe("cache", False, type(error).__name__)
    return Probe("cache", ok, "" if ok else "value not read back")


def check_broker() -> Probe:
    from marketplace.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as error:
        return Probe("broker", False, type(error).__name__)
    return Probe("broker", True, str(transport))


def system_health() -> list[Probe]:
    return [check_database(), check_cache(), check_broker()]
