"""Reads for the import pages: the history a user sees and the progress of a running pass."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from crm.imports.access import jobs_visible_to
from crm.imports.models import ImportJob, ImportStatus
from crm.imports.passes import read_progress
from crm.org.models import User

PHASES = {"validating": _("Проверено строк"), "importing": _("Обработано строк")}


def import_history(user: User) -> QuerySet[ImportJob]:
    """The imports `user` sees, newest first, with who started them."""
    return jobs_visible_to(user).select_related("created_by")


@dataclass(frozen=True)
class Progress:
    """How far the running pass is: rows done of (about) the total; `percent` is None before it starts."""

    label: str
    done: int
    total: int
    percent: int | None


def progress_of(job: ImportJob) -> Progress:
    """The running pass's progress from its progress file; a finished job is at 100 %."""
    label = str(PHASES.get("validating" if job.status == ImportStatus.VALIDATING else "importing"))
    if not job.is_running:
        return Progress(label, job.total_rows, job.total_rows, 100)
    state = read_progress(job)
    if state is None or state.get("phase") != job.status:
        return Progress(label, 0, job.total_rows, None)
    done, total = int(state["done"]), int(state["total"])
    percent = min(100, done * 100 // total) if total else None
    return Progress(label, done, total, percent)
