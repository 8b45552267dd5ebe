from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from crm.core.http import AuthenticatedRequest
from crm.notifications.queries import get_notification_for, recent_for, unread_count
from crm.notifications.services import mark_read


@require_GET
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    """The person's notifications, newest unread first."""
    return render(request, "notifications/list.html", {"notifications": recent_for(request.user)})


@require_GET
def badge(request: AuthenticatedRequest) -> HttpResponse:
    """The unread counter in the navbar, polled by htmx."""
    response = render(request, "notifications/_badge.html", {"unread": unread_count(request.user)})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def read_all(request: AuthenticatedRequest) -> HttpResponse:
    mark_read(recipient=request.user)
    return redirect("notifications:list")


def _safe_target(request: AuthenticatedRequest, url: str) -> str:
    """The notification's link when it stays on this site, else the list (a stored link is never trusted)."""
    allowed = url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure())
    return url if url and allowed else "notifications:list"


@require_GET
def open_notification(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Follow a notification's link to its object, marking it read on the way (repeating it changes nothing)."""
    notification = get_notification_for(request.user, pk)
    mark_read(recipient=request.user, notification_ids=[notification.pk])
    return redirect(_safe_target(request, notification.url))


@require_POST
def read_one(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Mark one notification read without opening it."""
    notification = get_notification_for(request.user, pk)
    mark_read(recipient=request.user, notification_ids=[notification.pk])
    return redirect("notifications:list")
