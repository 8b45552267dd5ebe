"""Sending notifications: stored in the same transaction as the cause, e-mailed after commit."""

from functools import partial
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from crm.notifications.models import Notification


def notify(*, recipient: Any, key: str, title: str, body: str = "", url: str = "", email: bool = True) -> bool:
    """Notify a person once per key; returns False when they already had this notification."""
    if Notification.objects.filter(recipient=recipient, key=key).exists():
        return False
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, key=key, title=title, body=body, url=url, created_at=timezone.now()
            )
    except IntegrityError:  # a concurrent run stored the same key first
        return False
    if email and recipient.email:
        transaction.on_commit(partial(_send_email, notification.pk))
    return True


def _send_email(notification_id: int) -> None:
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    send_mail(notification.title, _email_text(notification), None, [notification.recipient.email])
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())


def _email_text(notification: Notification) -> str:
    return f"{notification.body}\n\n{notification.url}".strip()


def mark_read(*, recipient: Any, notification_ids: list[int] | None = None) -> int:
    """Mark the recipient's notifications (all, or the given ones) as read; returns how many changed."""
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())
