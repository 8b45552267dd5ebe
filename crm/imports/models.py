"""The history of file imports: who brought which file, how it was read, checked and written."""

import datetime
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.imports.sources import SOURCES, SourceKind


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Загружен, ждёт проверки")
    VALIDATING = "validating", _("Проверяется")
    VALIDATED = "validated", _("Проверен")
    IMPORTING = "importing", _("Импортируется")
    DONE = "done", _("Импортирован")
    REJECTED = "rejected", _("Не импортирован: есть ошибки")
    FAILED = "failed", _("Файл не принят")


class ImportMode(models.TextChoices):
    ALL = "all", _("Всё или ничего")
    VALID = "valid", _("Только строки без ошибок")


RUNNING = (ImportStatus.VALIDATING, ImportStatus.IMPORTING)


def upload_path(job: "ImportJob", filename: str) -> str:
    return f"imports/{job.uploaded_at:%Y/%m}/{job.sha256[:16]}/{Path(filename).name}"


class ImportJob(models.Model):
    """One uploaded file of one source: its mapping, the validation report, and what the import wrote.

    The counters are those of the last pass: after validation, how many rows would be created, updated,
    left unchanged or refused; after the import, what was actually written. The full per-row error
    report is a CSV next to the file (`errors_file`); the first errors are kept in `error_sample`.
    """

    source = models.CharField(_("источник"), max_length=16, choices=[(k.value, SOURCES[k].label) for k in SourceKind])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто загрузил"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Пусто — импорт из командной строки без указания пользователя."),
    )
    uploaded_at = models.DateTimeField(_("загружен"), db_index=True)
    file = models.FileField(_("файл"), upload_to=upload_path, max_length=255)
    file_name = models.CharField(_("имя файла"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("размер, байт"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    read_as = models.CharField(_("формат"), max_length=80, blank=True)
    header = models.JSONField(_("столбцы файла"), default=list)
    preset = models.CharField(_("шаблон столбцов"), max_length=32, blank=True)
    mapping = models.JSONField(_("сопоставление столбцов"), default=dict)
    mode = models.CharField(_("режим"), max_length=8, choices=ImportMode.choices, blank=True)
    status = models.CharField(_("статус"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    message = models.TextField(_("сообщение"), blank=True)
    total_rows = models.PositiveIntegerField(_("строк в файле"), default=0)
    created_count = models.PositiveIntegerField(_("создано"), default=0)
    updated_count = models.PositiveIntegerField(_("изменено"), default=0)
    unchanged_count = models.PositiveIntegerField(_("без изменений"), default=0)
    error_rows = models.PositiveIntegerField(_("строк с ошибками"), default=0)
    error_count = models.PositiveIntegerField(_("ошибок"), default=0)
    error_sample = models.JSONField(_("первые ошибки"), default=list)
    validated_at = models.DateTimeField(_("проверен"), null=True, blank=True)
    started_at = models.DateTimeField(_("импорт начат"), null=True, blank=True)
    finished_at = models.DateTimeField(_("импорт закончен"), null=True, blank=True)
    task_id = models.CharField(_("фоновая задача"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("импорт файла")
        verbose_name_plural = _("импорт файлов")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["created_by", "uploaded_at"])]

    def __str__(self) -> str:
        return f"Импорт №{self.pk}: {self.file_name}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def duration(self) -> datetime.timedelta | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at

    @property
    def folder(self) -> Path:
        """The job's own folder beside the uploaded file (error report, progress)."""
        return Path(self.file.path).parent / f"job-{self.pk}"
