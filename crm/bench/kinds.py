"""The kinds of benchmark case (screen, operation, analytic figure) and the context a run measures with."""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from crm.core.periods import Period
from crm.org.models import User

Row = tuple[Any, ...]
BULK_ROWS = 100_000


class BenchError(Exception):
    """The benchmark cannot run, a case failed, or a product figure differs from its reference."""


@dataclass(frozen=True)
class Context:
    """The moment and the people a run measures with; `ids` names sample records for URLs."""

    today: datetime.date
    period: Period
    users: dict[str, User]
    ids: dict[str, int]
    bulk_rows: int = BULK_ROWS
    """Rows of the bulk operations (import, export): 100 000, fewer in the test suite's smoke run."""

    @property
    def head(self) -> User:
        return self.users["head"]


@dataclass(frozen=True)
class Screen:
    label: str
    url: Callable[[Context], str]
    user: str = "head"


@dataclass(frozen=True)
class Operation:
    """A service call; `{rows}` in the label is the context's `bulk_rows`."""

    label: str
    run: Callable[[Context, Any], Any]
    setup: Callable[[Context], Any] = lambda context: None
    teardown: Callable[[Context, Any], None] = lambda context, state: None
    target_ms: float | None = None
    repeat: int | None = None  # at most this many timed runs, no warm-up (long operations)

    def label_for(self, context: Context) -> str:
        return self.label.format(rows=f"{context.bulk_rows:,}".replace(",", "\u00a0"))


@dataclass(frozen=True)
class Figure:
    """An analytic figure as rows (sorted tuples), from the product and from hand-written SQL."""

    label: str
    product: Callable[[Context], Iterable[Row]]
    sql: str
    params: Callable[[Context], dict[str, Any]]
    tables: Sequence[str] = field(default_factory=tuple)
