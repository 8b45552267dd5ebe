import resource
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from crm.imports.models import ImportJob, ImportMode, ImportStatus
from crm.imports.passes import ERRORS_FILE
from crm.imports.services import import_local_file
from crm.imports.sources import SOURCES
from crm.org.models import User

SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = (
        "Импортирует файл CSV или XLSX одного источника (платежи, убытки, договоры, решения андеррайтинга, "
        "жалобы, NPS) через те же сервисы, что и API; печатает итог и ошибки по строкам."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Путь к файлу .csv или .xlsx.")
        parser.add_argument("--source", required=True, choices=sorted(SOURCES), help="Что в файле.")
        parser.add_argument(
            "--mapping",
            default="",
            help="Шаблон столбцов: system (типовая выгрузка системы), template (шаблон CRM) или ключ шаблона; "
            "по умолчанию — по заголовкам.",
        )
        parser.add_argument("--mode", default=ImportMode.ALL, choices=ImportMode.values, help="all или valid.")
        parser.add_argument("--user", default="", help="Логин, от чьего имени импорт (в журнале аудита).")
        parser.add_argument("--check", action="store_true", help="Только проверить, ничего не записывая.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Файл не найден: {path}")
        actor = self._user(options["user"])
        database_cpu = self._database_cpu()
        started, cpu = time.perf_counter(), time.process_time()
        try:
            job = import_local_file(
                actor=actor,
                source=options["source"],
                path=path,
                preset=options["mapping"],
                mode=options["mode"],
                check_only=options["check"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self._report(job, time.perf_counter() - started)
        if options["verbosity"] > 1:
            self._report_cpu(time.process_time() - cpu, database_cpu)
        checked_with_errors = job.status == ImportStatus.VALIDATED and job.error_rows
        if job.status not in (ImportStatus.DONE, ImportStatus.VALIDATED) or checked_with_errors:
            raise CommandError(job.message or f"Строк с ошибками: {job.error_rows}")

    def _user(self, login: str) -> User | None:
        if not login:
            return None
        try:
            return User.objects.get(username=login, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"Нет активного пользователя с логином «{login}»") from None

    @staticmethod
    def _database_cpu() -> float | None:
        """CPU seconds used so far by this connection's PostgreSQL backend (same host only), else None."""
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / 100

    def _report_cpu(self, process: float, database_before: float | None) -> None:
        database_after = self._database_cpu()
        database = (
            "—" if database_before is None or database_after is None else f"{database_after - database_before:.1f} с"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"Процессор: импорт {process:.1f} с, сервер БД {database}; пик памяти {peak:.0f} МБ")

    def _report(self, job: ImportJob, seconds: float) -> None:
        self.stdout.write(f"Импорт №{job.pk}: {job.file_name} ({job.read_as or '—'}), {job.get_status_display()}")
        rate = ""
        if seconds and job.total_rows:
            rate = ", " + f"{job.total_rows / seconds:,.0f}".replace(",", "\u00a0") + " строк/с"
        self.stdout.write(
            f"Строк: {job.total_rows}; создано: {job.created_count}, изменено: {job.updated_count}, "
            f"без изменений: {job.unchanged_count}, строк с ошибками: {job.error_rows}; {seconds:.1f} с{rate}"
        )
        for row, column, value, message in job.error_sample[:SHOWN_ERRORS]:
            where = f", «{column}» = «{value}»" if column else ""
            self.stdout.write(f"  строка {row}{where}: {message}")
        if job.error_rows:
            self.stdout.write(f"Все ошибки: {job.folder / ERRORS_FILE}")
