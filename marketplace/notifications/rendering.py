"""Turns a notification row into text: ``notifications/<kind>/subject.txt``, ``body.txt`` and an
optional ``body.html``, rendered in whatever language is active. Pure: no database writes.
"""

import re
from typing import NamedTuple

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string

from .models import Notification

_KIND = re.compile(r"^[a-z0-9_]+$")


class RenderedNotification(NamedTuple):
    subject: str
    body: str


def kind_exists(kind: str) -> bool:
    if not _KIND.match(kind):
        return False
    try:
        get_template(f"notifications/{kind}/subject.txt")
        get_template(f"notifications/{kind}/body.txt")
    except TemplateDoesNotExist:
        return False
    return True


def render_notification(notification: Notification) -> RenderedNotification:
    """Subject (one line) and plain-text body in the active language."""
    context = _context(notification)
    subject = render_to_string(f"notifications/{notification.kind}/subject.txt", context)
    body = render_to_string(f"notifications/{notification.kind}/body.txt", context)
    return RenderedNotification(subject=" ".join(subject.split()), body=body.strip())


def render_notification_html(notification: Notification) -> str | None:
    """The HTML e-mail body, or None when the kind has only plain text."""
    try:
        template = get_template(f"notifications/{notification.kind}/body.html")
    except TemplateDoesNotExist:
        return None
    return template.render(_context(notification))


def _context(notification: Notification) -> dict[str, object]:
    return {
        **notification.context,
        "notification": notification,
        "user": notification.user,
        "site_name": settings.SITE_NAME,
    }
