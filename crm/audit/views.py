from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crm.audit.access import require_journal_reader
from crm.audit.queries import change_lines, journal, subject_types
from crm.core.listing import paginate


def journal_view(request: HttpRequest) -> HttpResponse:
    """The audit journal for the head of sales and administrators, with filters."""
    require_journal_reader(request.user)
    filters = {key: request.GET.get(key, "").strip() for key in ("action", "actor", "subject_type")}
    context = {"filters": filters, "subject_types": subject_types(), **paginate(request, journal(**filters))}
    context["rows"] = [(event, change_lines(event.action, event.changes)) for event in context["page_obj"]]
    return render(request, "audit/journal.html", context)
