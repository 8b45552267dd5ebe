"""Pages of the file import: upload and history, one import (mapping, report, mode), progress, downloads."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from crm.core.exports import Column, TableSpec, csv_response
from crm.core.listing import paginate
from crm.imports import services
from crm.imports.access import get_job_for, may_import, may_use_imports
from crm.imports.forms import MappingForm, ModeForm, UploadForm
from crm.imports.models import ImportJob, ImportStatus
from crm.imports.passes import ERRORS_FILE
from crm.imports.queries import import_history, progress_of
from crm.imports.sources import SOURCES
from crm.org.models import User


class AuthenticatedRequest(HttpRequest):
    user: User


def _importer(request: AuthenticatedRequest) -> User:
    if not may_use_imports(request.user):
        raise PermissionDenied
    return request.user


@require_http_methods(["GET", "POST"])
def index(request: AuthenticatedRequest) -> HttpResponse:
    """The upload form and the history of imports; POST stores the file and opens its import."""
    user = _importer(request)
    form = UploadForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.upload_file(
                actor=user, source=form.cleaned_data["source"], upload=form.cleaned_data["file"],
                preset=form.cleaned_data["preset"],
            )  # fmt: skip
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("imports:job", pk=job.pk)
    context = {
        "form": form,
        "sources": [SOURCES[kind] for kind in SOURCES],
        **paginate(request, import_history(user), 20),
    }
    return render(request, "imports/index.html", context)


def _job_context(job: ImportJob, mapping_form: MappingForm | None = None, mode_form: ModeForm | None = None) -> dict:
    editable = job.status in services.MAPPABLE and bool(job.header)
    return {
        "job": job,
        "source": SOURCES[job.source],
        "mapping_form": mapping_form or (MappingForm(job=job) if editable else None),
        "mode_form": mode_form or (ModeForm() if job.status == ImportStatus.VALIDATED else None),
        "progress": progress_of(job),
        "has_report": (job.folder / ERRORS_FILE).exists() if job.pk else False,
    }


@require_GET
def job_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One import: how the file was read, the mapping, the validation report or the result, the progress."""
    job = get_job_for(_importer(request), pk)
    return render(request, "imports/job.html", _job_context(job))


@require_POST
def validate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Save the mapping and check the file (in the background for a large one)."""
    user = _importer(request)
    job = get_job_for(user, pk)
    form = MappingForm(request.POST, job=job)
    if form.is_valid():
        try:
            services.request_validation(actor=user, job=job, mapping=form.mapping())
        except ValidationError as error:
            form.add_problems(error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages})
        else:
            return redirect("imports:job", pk=job.pk)
    return render(request, "imports/job.html", _job_context(job, mapping_form=form), status=400)


@require_POST
def start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Import a checked file in the chosen mode."""
    user = _importer(request)
    job = get_job_for(user, pk)
    form = ModeForm(request.POST)
    if form.is_valid():
        try:
            services.request_import(actor=user, job=job, mode=form.cleaned_data["mode"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("imports:job", pk=job.pk)
    return render(request, "imports/job.html", _job_context(job, mode_form=form), status=400)


@require_GET
def progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The progress bar (polled by htmx); once the pass is over, the page reloads to show the result."""
    job = get_job_for(_importer(request), pk)
    if request.headers.get("HX-Request") and not job.is_running:
        return HttpResponseClientRefresh()
    return render(request, "imports/_progress.html", {"job": job, "progress": progress_of(job)})


@require_GET
def error_report(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """The full per-row error report of the last pass as CSV."""
    job = get_job_for(_importer(request), pk)
    path = job.folder / ERRORS_FILE
    if not path.exists():
        raise Http404(ERRORS_FILE)
    name = f"import-{job.pk}-errors.csv"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="text/csv; charset=utf-8")


@require_GET
def template(request: AuthenticatedRequest, kind: str) -> StreamingHttpResponse:
    """An empty CSV with the CRM template's columns for a source."""
    user = _importer(request)
    if kind not in SOURCES or not may_import(user, kind):
        raise Http404(kind)
    source = SOURCES[kind]
    preset = source.preset("template")
    assert preset is not None
    spec = TableSpec(title=str(source.label), columns=[Column(preset.columns[f.key]) for f in source.fields])
    return csv_response(spec, [], f"template-{kind}.csv")
