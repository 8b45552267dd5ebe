"""Bulk writing with bounded memory: buffered rows per model, flushed in batches; deterministic primary keys."""

from django.core.management.color import no_style
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Max, Model


class PkAllocator:
    """Pre-assigns primary keys so rows can reference each other before they are written.

    Keys start after both the table's largest id and its sequence, so ids of deleted rows (which old
    audit events may still name) are never reused.
    """

    def __init__(self, models: list[type[Model]]) -> None:
        self._next = {model: _first_free_id(model) for model in models}

    def take(self, model: type[Model]) -> int:
        value = self._next[model]
        self._next[model] = value + 1
        return value


def _first_free_id(model: type[Model]) -> int:
    largest = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT last_value FROM {_pg_sequence(cursor, table)}")  # noqa: S608
        else:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
    return max(largest, row[0] if row else 0) + 1


def _pg_sequence(cursor: CursorWrapper, table: str) -> str:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    return cursor.fetchone()[0]


def reset_sequences(models: list[type[Model]]) -> None:
    """Move PostgreSQL sequences past the explicitly assigned ids (SQLite tracks them itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Sink:
    """Collects unsaved model instances and bulk-inserts them model by model, parents first."""

    def __init__(self, order: list[type[Model]], batch_size: int) -> None:
        self._order = order
        self._buffers: dict[type[Model], list[Model]] = {model: [] for model in order}
        self._batch_size = batch_size
        self.written: dict[str, int] = {model._meta.label: 0 for model in order}

    def add(self, obj: Model) -> None:
        buffer = self._buffers[type(obj)]
        buffer.append(obj)
        if len(buffer) >= self._batch_size * 4:
            self.flush()

    def flush(self) -> None:
        """Write every buffer; foreign keys are checked at commit, so order is for readability only."""
        for model in self._order:
            buffer = self._buffers[model]
            if buffer:
                model._default_manager.bulk_create(buffer, batch_size=self._batch_size)
                self.written[model._meta.label] += len(buffer)
                buffer.clear()
