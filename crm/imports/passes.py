"""The passes over an uploaded file: validation (every row planned, nothing written) and the import itself.

Both stream the file in batches of `BATCH_ROWS` rows; each batch costs a constant number of queries (its
references and stored records, one bulk write), and the process holds one batch at a time plus the set of
external ids already seen (to refuse a key repeated anywhere in the file). The per-row error report is
written to a CSV beside the file as it is found; the first errors are also kept on the job for the page.

Import modes:
- `valid`: each batch is written in its own transaction with the rows that pass; a refused row is not
  written at all, the others completely.
- `all`: one transaction around the whole file; batches are written while no row has failed. From the
  first failing row on, the remaining batches are only checked (to report every error), and at the end
  the transaction is rolled back: nothing is written. Its audit events are spooled and recorded just
  before the commit (`AuditSpool`), so the audit chain's lock is not held for the whole import.
"""

import csv
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from crm.core.exports import BOM, CSV_SEPARATOR, neutralise
from crm.core.upserts import BatchResult, ItemStatus
from crm.imports.formats import FileRejected, Row, Table, open_table
from crm.imports.models import ImportJob, ImportMode
from crm.imports.rows import Columns, RowError, row_errors, to_item
from crm.imports.sources import SOURCES, Source
from crm.imports.writers import AuditSpool, ImportBatch

BATCH_ROWS = 2_000
SAMPLE_ERRORS = 200
REPORT_HEADER = ["Строка", "Столбец", "Значение", "Ошибка"]
ERRORS_FILE = "errors.csv"
PROGRESS_FILE = "progress.json"


@dataclass
class Tally:
    """What a pass found: rows read, rows per outcome, errors (a sample of them for the page)."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_rows: int = 0
    error_count: int = 0
    sample: list[list[Any]] = field(default_factory=list)

    def count(self, status: ItemStatus) -> None:
        if status == ItemStatus.CREATED:
            self.created += 1
        elif status == ItemStatus.UPDATED:
            self.updated += 1
        elif status == ItemStatus.UNCHANGED:
            self.unchanged += 1

    def add_errors(self, errors: list[RowError]) -> None:
        self.error_rows += 1
        self.error_count += len(errors)
        room = SAMPLE_ERRORS - len(self.sample)
        self.sample.extend(error.as_list() for error in errors[: max(room, 0)])


class ErrorReport:
    """The per-row error report as a CSV for Russian Excel, written while the pass runs."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.stream = path.open("w", encoding="utf-8", newline="")
        self.stream.write(BOM)
        self.writer = csv.writer(self.stream, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
        self.writer.writerow(REPORT_HEADER)

    def write(self, errors: list[RowError]) -> None:
        for error in errors:
            self.writer.writerow([error.row, neutralise(error.column), neutralise(error.value), error.message])

    def close(self) -> None:
        self.stream.close()


def write_progress(job: ImportJob, phase: str, done: int, total: int) -> None:
    """Rows done of (about) `total` in the running pass, in a file the progress endpoint reads.

    A file, not the job's row: the `all` mode holds one transaction for the whole import, and its
    progress must be visible to other connections while it runs.
    """
    job.folder.mkdir(parents=True, exist_ok=True)
    temporary = job.folder / f"{PROGRESS_FILE}.tmp"
    temporary.write_text(json.dumps({"phase": phase, "done": done, "total": max(total, done)}))
    os.replace(temporary, job.folder / PROGRESS_FILE)


def read_progress(job: ImportJob) -> dict[str, Any] | None:
    try:
        return dict(json.loads((job.folder / PROGRESS_FILE).read_text()))
    except (OSError, ValueError):
        return None


def _batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def check_mapping(source: Source, header: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """Field → column errors of a mapping: required fields mapped, columns present and used once."""
    problems: dict[str, str] = {}
    used: dict[str, str] = {}
    for spec in source.fields:
        column = mapping.get(spec.key, "")
        if not column:
            if spec.required:
                problems[spec.key] = _("Выберите столбец файла для обязательного поля «%(field)s».") % {
                    "field": spec.label
                }
            continue
        if column not in header:
            problems[spec.key] = _("В файле нет столбца «%(column)s».") % {"column": column}
        elif column in used:
            problems[spec.key] = _("Столбец «%(column)s» уже выбран для поля «%(field)s».") % {
                "column": column,
                "field": source.field_map[used[column]].label,
            }
        else:
            used[column] = spec.key
    for group in source.one_of:
        if not any(mapping.get(key) for key in group):
            labels = " или ".join(f"«{source.field_map[key].label}»" for key in group)
            problems[group[0]] = _("Выберите столбец хотя бы для одного из полей: %(fields)s.") % {"fields": labels}
    return problems


def _duplicate_headers(header: list[str]) -> list[str]:
    seen: set[str] = set()
    return [name for name in header if name and (name in seen or seen.add(name))]  # type: ignore[func-returns-value]


def open_checked(job: ImportJob) -> tuple[Table, Columns]:
    """The job's file opened as a table with its mapping checked against the header; FileRejected otherwise."""
    source = SOURCES[job.source]
    table = open_table(Path(job.file.path))
    try:
        duplicates = _duplicate_headers(table.header)
        if duplicates:
            names = ", ".join(f"«{name}»" for name in dict.fromkeys(duplicates))
            raise FileRejected(_("В заголовке повторяются столбцы: %(names)s. Оставьте по одному.") % {"names": names})
        problems = check_mapping(source, table.header, job.mapping)
        if problems:
            raise FileRejected(_("Столбцы не сопоставлены: %(problems)s") % {"problems": " ".join(problems.values())})
    except BaseException:
        table.close()
        raise
    return table, Columns.of(source, table.header, job.mapping)


class Pass:
    """One walk over the file: batches planned or written, outcomes tallied, errors reported, progress kept.

    With `atomic` batches (the `all` mode) the first refused batch turns the rest of the walk into checking
    only (`dry_run`), and `failed` tells the caller to roll back.
    """

    def __init__(
        self, job: ImportJob, *, actor: Any, phase: str, total: int, dry_run: bool, spool: AuditSpool | None = None
    ) -> None:
        self.job = job
        self.spool = spool
        self.actor = actor
        self.phase = phase
        self.total = total
        self.dry_run = dry_run
        self.failed = False
        self.tally = Tally()
        self.source = SOURCES[job.source]
        self.seen: dict[str, int] = {}

    def walk(self, table: Table, columns: Columns, *, atomic: bool) -> Tally:
        report = ErrorReport(self.job.folder / ERRORS_FILE)
        self.total = self.total or table.estimated_rows
        write_progress(self.job, self.phase, 0, self.total)
        try:
            for rows in _batches(table.rows):
                self.tally.total += len(rows)
                result = self._run_batch(columns, rows, report, atomic=atomic)
                if atomic and not result.committed:
                    self.failed = self.dry_run = True
                write_progress(self.job, self.phase, self.tally.total, self.total)
        finally:
            report.close()
        if self.tally.total == 0:
            raise FileRejected(_("В файле только заголовок — нет ни одной строки данных."))
        return self.tally

    def _run_batch(self, columns: Columns, rows: list[Row], report: ErrorReport, *, atomic: bool) -> BatchResult:
        items = [to_item(columns, row, self.seen) for row in rows]
        batch = ImportBatch(
            self.source, actor=self.actor, job=self.job, dry_run=self.dry_run, atomic=atomic, spool=self.spool
        )
        result = batch.run(items)
        for row, outcome in zip(rows, result.results, strict=True):
            if outcome.status == ItemStatus.ERROR:
                errors = row_errors(columns, row, outcome)
                report.write(errors)
                self.tally.add_errors(errors)
            else:
                self.tally.count(outcome.status)
        return result


def validation_pass(job: ImportJob, *, actor: Any) -> Tally:
    """Plan every row as the import would, write nothing; the tally says what the import would do."""
    table, columns = open_checked(job)
    try:
        return Pass(job, actor=actor, phase="validating", total=0, dry_run=True).walk(table, columns, atomic=False)
    finally:
        table.close()


def import_pass(job: ImportJob, *, actor: Any, mode: str) -> tuple[Tally, bool]:
    """Write the file in `mode`; returns the tally and whether the writes were kept (False: rolled back)."""
    table, columns = open_checked(job)
    try:
        if mode == ImportMode.VALID:
            walk = Pass(job, actor=actor, phase="importing", total=job.total_rows, dry_run=False)
            return walk.walk(table, columns, atomic=False), True
        return _all_or_nothing(job, actor, table, columns)
    finally:
        table.close()


def _all_or_nothing(job: ImportJob, actor: Any, table: Table, columns: Columns) -> tuple[Tally, bool]:
    spool = AuditSpool()
    walk = Pass(job, actor=actor, phase="importing", total=job.total_rows, dry_run=False, spool=spool)
    try:
        with transaction.atomic():
            tally = walk.walk(table, columns, atomic=True)
            if walk.failed:
                transaction.set_rollback(True)
                tally.created = tally.updated = 0
            else:
                spool.replay(actor=actor, job=job)
    finally:
        spool.close()
    return tally, not walk.failed
