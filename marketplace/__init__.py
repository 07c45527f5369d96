"""The marketplace project: settings, root URLs, the Celery app and the platform's own apps."""

from .celery import app as celery_app

__all__ = ("celery_app",)
