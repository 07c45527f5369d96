"""Reads of a user's inbox, always scoped to that user."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from marketplace.accounts.models import User

from .models import Notification


def unread_count_for(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user).select_related("user")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def notification_for_user_or_404(*, user: User, pk: int) -> Notification:
    return get_object_or_404(Notification.objects.select_related("user"), user=user, pk=pk)
