from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from crm.core.http import AuthenticatedRequest
from crm.notifications.queries import recent_for, unread_count
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
