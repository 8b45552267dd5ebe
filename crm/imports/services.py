"""Use cases of file imports: upload a file, check it, import it; each step audited.

1. `upload_file` stores the file under MEDIA (size limit, SHA-256), reads its header, proposes a mapping
   (`import.uploaded`). A file that cannot be read as a table is kept in the history as «не принят».
2. `request_validation` saves the mapping and starts the validation pass: every row is planned by the
   owning service, nothing is written; the report says what the import would do and what is wrong.
3. `request_import` starts the import in the chosen mode (`all` or `valid`); `import.finished` or
   `import.rejected` closes it with the counts.

The passes run as background tasks (django.tasks, `manage.py db_worker`); a file of at most
`INLINE_BYTES` runs right away after the request's commit, so small files need no worker.
"""

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.audit.services import record_event
from crm.core.money import group_thousands
from crm.imports.access import may_import
from crm.imports.formats import DEFAULT_LIMITS, FileRejected, read_header
from crm.imports.models import ImportJob, ImportMode, ImportStatus
from crm.imports.passes import Tally, check_mapping, import_pass, validation_pass
from crm.imports.sources import SOURCES, guess_mapping
from crm.org.models import User

INLINE_BYTES = getattr(settings, "CRM_IMPORT_INLINE_BYTES", 512 * 1024)
MAX_UPLOAD_BYTES = DEFAULT_LIMITS.max_bytes
MAPPABLE = (ImportStatus.UPLOADED, ImportStatus.VALIDATED, ImportStatus.FAILED)
logger = logging.getLogger(__name__)


def _sha256(upload: File) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _check_upload(actor: User | None, source: str, upload: File) -> None:
    if source not in SOURCES:
        raise ValidationError({"source": _("Неизвестный источник данных.")})
    if actor is not None and not may_import(actor, source):
        raise PermissionDenied
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": _("Файл пустой.")})
    if upload.size > MAX_UPLOAD_BYTES:
        limit = group_thousands(str(MAX_UPLOAD_BYTES // (1024 * 1024)))
        raise ValidationError({"file": _("Файл больше %(limit)s МБ — разбейте его на части.") % {"limit": limit}})


def upload_file(*, actor: User | None, source: str, upload: File, preset: str = "") -> ImportJob:
    """Store an uploaded file as a new import of `source`, read its header and propose a mapping."""
    _check_upload(actor, source, upload)
    name = (upload.name or "file").rsplit("/", 1)[-1][:255]
    job = ImportJob(
        source=source,
        created_by=actor,
        uploaded_at=timezone.now(),
        file_name=name,
        file_size=upload.size or 0,
        sha256=_sha256(upload),
        preset=preset,
    )
    with transaction.atomic():
        job.file.save(name, upload, save=False)
        _read_header(job)
        job.save()
        changes = {"file_name": name, "sha256": job.sha256, "source": source, "size": job.file_size}
        record_event(actor=actor, action="import.uploaded", subject=job, changes=changes)
    return job


def _read_header(job: ImportJob) -> None:
    try:
        header, read_as = read_header(_path(job))
    except FileRejected as rejected:
        job.status, job.message = ImportStatus.FAILED, rejected.message
        return
    source = SOURCES[job.source]
    job.header, job.read_as = header, read_as
    job.mapping = guess_mapping(source, header, _preset_key(job))
    if not job.mapping:
        job.message = _(
            "Ни один столбец файла не узнан. Проверьте, что выбран верный источник данных и что файл в UTF-8 или "
            "Windows-1251; столбцы можно сопоставить вручную."
        )


def _preset_key(job: ImportJob) -> str:
    source = SOURCES[job.source]
    return source.presets[0].key if job.preset == "system" else job.preset


def _path(job: ImportJob) -> Path:
    return Path(job.file.path)


def _locked(job: ImportJob) -> ImportJob:
    return ImportJob.objects.select_for_update().get(pk=job.pk)


def request_validation(*, actor: User, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Save the mapping and start checking the file; ValidationError keyed by field for a bad mapping."""
    if not may_import(actor, job.source):
        raise PermissionDenied
    with transaction.atomic():
        job = _locked(job)
        if job.status not in MAPPABLE or not job.header:
            raise ValidationError(_("Этот импорт уже нельзя проверить заново: загрузите файл ещё раз."))
        mapping = {key: column for key, column in mapping.items() if column and key in SOURCES[job.source].field_map}
        problems = check_mapping(SOURCES[job.source], job.header, mapping)
        if problems:
            raise ValidationError(problems)
        job.mapping, job.status, job.message = mapping, ImportStatus.VALIDATING, ""
        job.save(update_fields=["mapping", "status", "message"])
        _schedule(validate_job_task, job, actor)
    return job


def request_import(*, actor: User, job: ImportJob, mode: str) -> ImportJob:
    """Start writing a checked file in `mode`: all-or-nothing, or only the rows without errors."""
    if not may_import(actor, job.source):
        raise PermissionDenied
    if mode not in ImportMode.values:
        raise ValidationError({"mode": _("Выберите режим импорта.")})
    with transaction.atomic():
        job = _locked(job)
        if job.status != ImportStatus.VALIDATED:
            raise ValidationError(_("Импортировать можно только проверенный файл."))
        job.mode, job.status, job.started_at = mode, ImportStatus.IMPORTING, timezone.now()
        job.save(update_fields=["mode", "status", "started_at"])
        if mode == ImportMode.ALL and job.error_rows:
            _finish(job, actor, kept=False, message=_all_refused_message(job.error_rows))
        else:
            _schedule(import_job_task, job, actor)
    return job


def _all_refused_message(error_rows: int) -> str:
    return _(
        "Ничего не записано: в режиме «всё или ничего» строк с ошибками быть не должно, а их %(n)s. "
        "Исправьте файл или импортируйте только строки без ошибок."
    ) % {"n": group_thousands(str(error_rows))}


def _schedule(job_task: Any, job: ImportJob, actor: User) -> None:
    """After commit: a small file is processed at once, a large one by the background worker."""
    run: Callable[[], Any]
    if job.file_size <= INLINE_BYTES:
        run = lambda: job_task.call(job.pk, actor.pk)  # noqa: E731
    else:
        run = lambda: job_task.enqueue(job.pk, actor.pk)  # noqa: E731
    transaction.on_commit(run)


def _apply(job: ImportJob, tally: Tally) -> None:
    job.total_rows, job.error_rows, job.error_count = tally.total, tally.error_rows, tally.error_count
    job.created_count, job.updated_count, job.unchanged_count = tally.created, tally.updated, tally.unchanged
    job.error_sample = tally.sample


def _actor(actor_id: int | None) -> User | None:
    return User.objects.get(pk=actor_id) if actor_id is not None else None


def validate_job(job_id: int, actor_id: int | None) -> None:
    """The validation pass of one import (the background task's body)."""
    job, actor = ImportJob.objects.get(pk=job_id), _actor(actor_id)
    if job.status != ImportStatus.VALIDATING:
        return
    try:
        tally = validation_pass(job, actor=actor)
    except FileRejected as rejected:
        job.status, job.message = ImportStatus.FAILED, rejected.message
    except Exception:
        logger.exception("validation of import %s failed", job.pk)
        job.status, job.message = ImportStatus.FAILED, _("Проверка прервалась из-за внутренней ошибки.")
    else:
        _apply(job, tally)
        job.status, job.message = ImportStatus.VALIDATED, ""
    job.validated_at = timezone.now()
    job.save()


def import_job(job_id: int, actor_id: int | None) -> None:
    """The import pass of one import (the background task's body); closes the job with its audit event."""
    job, actor = ImportJob.objects.get(pk=job_id), _actor(actor_id)
    if job.status != ImportStatus.IMPORTING:
        return
    try:
        tally, kept = import_pass(job, actor=actor, mode=job.mode)
    except FileRejected as rejected:
        with transaction.atomic():
            _finish(job, actor, kept=False, message=rejected.message, status=ImportStatus.FAILED)
        return
    except Exception:
        logger.exception("import %s failed", job.pk)
        message = _("Импорт прервался из-за внутренней ошибки; записанные части — целыми пакетами строк.")
        if job.mode == ImportMode.ALL:
            message = _("Импорт прервался из-за внутренней ошибки; ничего не записано.")
        with transaction.atomic():
            _finish(job, actor, kept=False, message=message, status=ImportStatus.FAILED)
        raise
    _apply(job, tally)
    message = (
        "" if kept else _("Ничего не записано: в файле нашлись строки с ошибками (%(n)s).") % {"n": tally.error_rows}
    )
    with transaction.atomic():
        _finish(job, actor, kept=kept, message=message)


def _finish(job: ImportJob, actor: User | None, *, kept: bool, message: str, status: str = "") -> None:
    job.status = status or (ImportStatus.DONE if kept else ImportStatus.REJECTED)
    if not kept and job.mode == ImportMode.ALL:
        job.created_count = job.updated_count = 0
    job.message, job.finished_at = message, timezone.now()
    job.save()
    changes = {
        "file_name": job.file_name,
        "sha256": job.sha256,
        "source": job.source,
        "mode": job.mode,
        "mapping": job.mapping,
        "rows": job.total_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "error_rows": job.error_rows,
    }
    action = "import.finished" if kept else "import.rejected"
    record_event(actor=actor, action=action, subject=job, changes=changes)


def import_local_file(
    *,
    actor: User | None,
    source: str,
    path: Path,
    preset: str = "",
    mode: str = ImportMode.ALL,
    check_only: bool = False,
) -> ImportJob:
    """The command line's import: store the file, map its columns by the preset, then check or import it now.

    Without a separate validation pass: `all` writes while the rows are valid and rolls back at the end
    if any row was refused (the report then lists every error), `valid` writes the valid rows.
    """
    with path.open("rb") as stream:
        job = upload_file(actor=actor, source=source, upload=File(stream, name=path.name), preset=preset)
    if job.status == ImportStatus.FAILED:
        return job
    problems = check_mapping(SOURCES[source], job.header, job.mapping)
    if problems:
        job.status, job.message = ImportStatus.FAILED, " ".join(problems.values())
        job.save(update_fields=["status", "message"])
        return job
    actor_id = actor.pk if actor is not None else None
    if check_only:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING)
        validate_job(job.pk, actor_id)
    else:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING, mode=mode, started_at=timezone.now())
        import_job(job.pk, actor_id)
    return ImportJob.objects.get(pk=job.pk)


@task
def validate_job_task(job_id: int, actor_id: int) -> None:
    """Background: the validation pass of an import."""
    validate_job(job_id, actor_id)


@task
def import_job_task(job_id: int, actor_id: int) -> None:
    """Background: the import pass of an import."""
    import_job(job_id, actor_id)
