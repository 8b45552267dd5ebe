"""The thread panel (loaded into a record's page by htmx, or a page of its own), its poll and its message box."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from crm.core.htmx import render_page_or_partial
from crm.core.http import AuthenticatedRequest
from crm.discussions import queries, services
from crm.discussions.access import Discussion, get_discussion_for, may_give_verdict
from crm.discussions.forms import MessageForm

POLL_SECONDS = 5


def _context(request: AuthenticatedRequest, discussion: Discussion, form: MessageForm | None = None) -> dict[str, Any]:
    panel = queries.thread_panel(discussion, request.user)
    services.mark_read(user=request.user, thread=discussion.thread, up_to_message_id=panel.last_message_id)
    return {
        "panel": panel,
        "kind": discussion.target.kind,
        "object_id": discussion.obj.pk,
        "form": form or MessageForm(may_give_verdict=panel.may_give_verdict),
        "poll_seconds": POLL_SECONDS,
    }


@require_GET
def thread(request: AuthenticatedRequest, kind: str, object_id: int) -> HttpResponse:
    """A record's discussion: the panel for htmx, or a page of its own (a consultant invited into a deal's thread)."""
    discussion = get_discussion_for(request.user, kind, object_id)
    return render_page_or_partial(request, "discussions/thread.html", "panel", _context(request, discussion))


@require_GET
def poll(request: AuthenticatedRequest, kind: str, object_id: int) -> HttpResponse:
    """Messages after `?after=<id>` and a fresh poller; 204 (nothing swapped) when there is nothing new."""
    discussion = get_discussion_for(request.user, kind, object_id)
    try:
        after = max(0, int(request.GET.get("after", "0")))
    except ValueError:
        after = 0
    messages = queries.new_messages(discussion.thread, after)
    if not messages:
        return HttpResponse(status=204)
    services.mark_read(user=request.user, thread=discussion.thread, up_to_message_id=messages[-1].pk)
    context = {
        "messages": messages,
        "kind": kind,
        "object_id": object_id,
        "after": messages[-1].pk,
        "last_read_id": after,
        "poll_seconds": POLL_SECONDS,
    }
    response = render(request, "discussions/_new_messages.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def post(request: AuthenticatedRequest, kind: str, object_id: int) -> HttpResponse:
    """Post a message; htmx gets the panel back (with the error on the form when the message was refused)."""
    discussion = get_discussion_for(request.user, kind, object_id)
    form = MessageForm(request.POST, may_give_verdict=may_give_verdict(request.user))
    if form.is_valid():
        try:
            services.post_message(
                actor=request.user,
                discussion=discussion,
                body=form.cleaned_data["body"],
                verdict=form.cleaned_data.get("verdict", ""),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            if not request.htmx:  # type: ignore[attr-defined]
                return redirect("discussions:thread", kind=kind, object_id=object_id)
            discussion = get_discussion_for(request.user, kind, object_id)
            form = MessageForm(may_give_verdict=may_give_verdict(request.user))
    context = _context(request, discussion, form)
    return render(request, "discussions/thread.html#panel" if request.htmx else "discussions/thread.html", context)  # type: ignore[attr-defined]
