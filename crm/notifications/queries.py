"""Reading a person's notifications."""

from typing import Any

from django.db.models import QuerySet

from crm.notifications.models import Notification

RECENT_LIMIT = 50


def unread_count(recipient: Any) -> int:
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).count()


def recent_for(recipient: Any) -> QuerySet[Notification]:
    """The person's latest notifications, unread first."""
    return Notification.objects.filter(recipient=recipient).order_by("read_at", "-created_at", "-pk")[:RECENT_LIMIT]


def get_notification_for(recipient: Any, pk: int) -> Notification:
    """One of the person's own notifications; `Notification.DoesNotExist` for anyone else's (answered 404)."""
    return Notification.objects.get(pk=pk, recipient=recipient)
