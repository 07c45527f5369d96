"""The inbox: list, open, mark read. Every lookup goes through a selector scoped to the reader."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from .models import Notification
from .rendering import RenderedNotification, render_notification
from .selectors import notification_for_user_or_404, notifications_for, unread_count_for
from .services import mark_all_read, mark_read

PAGE_SIZE = 20


@dataclass(frozen=True)
class InboxRow:
    notification: Notification
    message: RenderedNotification


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(
        notifications_for(user=request.user, unread_only=unread_only), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    unread_count = unread_count_for(user=request.user)
    context = {
        "page": page,
        "rows": [InboxRow(n, render_notification(n)) for n in page],
        "unread_only": unread_only,
        # Overrides the header's lazy count, so the page counts unread messages once.
        "unread_notifications": unread_count,
    }
    return render(request, "notifications/inbox.html", context)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a message marks it read, then follows its link or shows it in full."""
    notification = notification_for_user_or_404(user=request.user, pk=pk)
    mark_read(notification=notification, by=request.user)
    if notification.url and _is_safe(request, notification.url):
        return redirect(notification.url)
    message = render_notification(notification)
    return render(
        request, "notifications/detail.html", {"notification": notification, "message": message}
    )


@login_required
@require_POST
def mark_as_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = notification_for_user_or_404(user=request.user, pk=pk)
    mark_read(notification=notification, by=request.user)
    if request.htmx:
        row = InboxRow(notification, render_notification(notification))
        context = {"row": row, "unread": unread_count_for(user=request.user)}
        return render(request, "notifications/_mark_read_response.html", context)
    next_url = request.POST.get("next", "")
    return redirect(next_url if _is_safe(request, next_url) else "notifications:inbox")


@login_required
@require_POST
def mark_all_as_read(request: HttpRequest) -> HttpResponse:
    count = mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext("%(count)d message marked as read.", "%(count)d messages marked as read.", count)
        % {"count": count},
    )
    return redirect(reverse("notifications:inbox"))


def _is_safe(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
