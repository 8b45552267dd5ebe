"""Joining grouped querysets in one statement: Django builds each part, a few lines of SQL join them.

A report needs per-client (or per-industry) sums from several tables at once — contracts, claims, deals,
instalments, complaints — ranked and cut in the database. Django cannot join derived tables, and a correlated
subquery per client would read the claims once per client; so each part is an ordinary Django queryset
(filters, joins and the date expressions of `crm.profitability.expressions`), compiled to SQL, and used as a
common table expression (`WITH part AS (…)`) of a statement whose joins and sums are written here. WITH, LEFT
JOIN, CASE, COALESCE and window functions are the same on PostgreSQL and SQLite.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import QuerySet

ZERO = Decimal(0)


@dataclass(frozen=True)
class Sql:
    """A piece of SQL with its parameters (`%s` placeholders, as Django's cursor takes them)."""

    text: str
    params: tuple[Any, ...] = ()


def compiled(queryset: QuerySet[Any]) -> Sql:
    """The SELECT a queryset would run, with its parameters."""
    text, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return Sql(text, tuple(params))


def statement(ctes: Mapping[str, "QuerySet[Any] | Sql"], body: Sql) -> Sql:
    """`WITH name AS (part), … body` (a part is a queryset or SQL); the parts' parameters come first, in order."""
    parts = [(name, part if isinstance(part, Sql) else compiled(part)) for name, part in ctes.items()]
    text = "WITH " + ", ".join(f"{name} AS ({sql.text})" for name, sql in parts) + " " + body.text
    params = tuple(param for _, sql in parts for param in sql.params) + body.params
    return Sql(text, params)


def fetch(sql: Sql, using: str) -> list[dict[str, Any]]:
    """Run a statement on the database `using`; rows as dicts keyed by column name."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql.text, sql.params)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def decimal(value: Any) -> Decimal:
    """A sum as an exact Decimal: PostgreSQL returns numeric; SQLite a float (its repr is the shortest exact one)."""
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


def optional_decimal(value: Any) -> Decimal | None:
    return None if value is None else decimal(value)


def integer(value: Any) -> int:
    return int(value or 0)


def placeholders(values: Iterable[Any]) -> tuple[str, tuple[Any, ...]]:
    """`%s, %s, …` for an IN list, with its parameters."""
    params = tuple(values)
    return ", ".join(["%s"] * len(params)), params
