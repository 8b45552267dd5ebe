"""Writing the audit journal: every service of every app calls `record_event` inside its transaction."""

import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from crm.audit.models import GENESIS_HASH, AuditEvent
from crm.core.middleware import current_request_id

_CHAIN_LOCK_KEY = 7_410_552


def _lock_chain() -> None:
    """Serialise appends so two writers never chain to the same previous row.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: transactions are IMMEDIATE (settings), so
    the write lock is already held.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def subject_type_of(subject: Model) -> str:
    return subject._meta.label_lower


def _event(actor: Any, action: str, subject: Model, changes: dict[str, Any] | None, previous: str) -> AuditEvent:
    """An unsaved event chained to `previous` (the hash of the row before it)."""
    known = getattr(actor, "pk", None)
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=actor if known else None,
        actor_label=actor.get_username() if known else "system",
        action=action,
        subject_type=subject_type_of(subject),
        subject_id=str(subject.pk),
        subject_label=str(subject)[:255],
        changes=json.loads(json.dumps(changes or {}, cls=DjangoJSONEncoder)),
        request_id=current_request_id(),
        prev_hash=previous,
    )
    event.hash = event.compute_hash()
    return event


def _chain_head() -> str:
    """Lock the chain for this transaction and return the hash of its last row."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("the audit journal is written only inside transaction.atomic()")
    _lock_chain()
    return AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH


def record_event(*, actor: Any, action: str, subject: Model, changes: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event to the journal; must run inside the caller's transaction."""
    event = _event(actor, action, subject, changes, _chain_head())
    event.save(force_insert=True)
    return event


def record_events(*, actor: Any, events: Iterable[tuple[str, Model, dict[str, Any] | None]]) -> list[AuditEvent]:
    """Append a batch's events (action, subject, changes) at once: one lock, one read of the chain's head,
    one bulk insert — the same rows, in the same order, as `record_event` called for each."""
    pending = list(events)
    if not pending:
        return []
    previous, rows = _chain_head(), []
    for action, subject, changes in pending:
        rows.append(_event(actor, action, subject, changes, previous))
        previous = rows[-1].hash
    return AuditEvent.objects.bulk_create(rows, batch_size=500)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Old → new for the fields that changed: {"field": [old, new]}."""
    return {key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)}
