"""The append-only, hash-chained audit journal."""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One immutable record of a change: who did what to which record, old → new values, when.

    Rows are never updated or deleted (database triggers forbid it on PostgreSQL and SQLite); each row's
    hash covers its content and the previous row's hash, so a row edited by hand breaks the chain and
    `manage.py verify_audit` reports it.
    """

    occurred_at = models.DateTimeField(_("время"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("пользователь"), max_length=150, blank=True)
    action = models.CharField(_("действие"), max_length=80, db_index=True)
    subject_type = models.CharField(_("тип объекта"), max_length=80)
    subject_id = models.CharField(_("объект"), max_length=64)
    subject_label = models.CharField(_("описание объекта"), max_length=255, blank=True)
    changes = models.JSONField(_("изменения"), default=dict, encoder=DjangoJSONEncoder)
    request_id = models.CharField(_("запрос"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("запись журнала аудита")
        verbose_name_plural = _("журнал аудита")
        ordering = ["-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%d.%m.%Y %H:%M} {self.actor_label} {self.action} {self.subject_label}"

    def canonical_payload(self) -> str:
        """The content the hash covers, serialised the same way on every database."""
        body: dict[str, Any] = {
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "subject_label": self.subject_label,
            "changes": self.changes,
            "request_id": self.request_id,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(body, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_payload().encode()).hexdigest()
