"""The references a figure is checked against: hand-written SQL on PostgreSQL (psycopg, outside Django's
ORM) and the same SQL on DuckDB over the tables exported once to Parquet.

Parquet files are cached per database under `var/bench/parquet/<database>/` and re-exported when the
row counts of the tables have changed (or with `--refresh-parquet`).
"""

import datetime
import json
import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

PARAMETER = re.compile(r"(?<![:\w]):([a-z_]+)")
CENT = Decimal("0.01")
FORMAT_KEY, EXPORT_FORMAT = "_format", 2  # 2: quoted empty strings stay strings


def for_psycopg(sql: str) -> str:
    return PARAMETER.sub(r"%(\1)s", sql)


def for_duckdb(sql: str) -> str:
    return PARAMETER.sub(r"$\1", sql)


def normalise(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Rows compared as sorted tuples; money and ratios to the kopeck (exact decimals, half up)."""

    def value(item: Any) -> Any:
        if isinstance(item, float):
            item = Decimal(repr(item))
        if isinstance(item, Decimal):
            return item.quantize(CENT, rounding=ROUND_HALF_UP)
        if isinstance(item, datetime.datetime):
            return item.date()
        return item

    return sorted((tuple(value(item) for item in row) for row in rows), key=repr)


HALF_KOPECK_SLACK = Decimal("0.01")


def same_rows(expected: list[tuple[Any, ...]], actual: list[tuple[Any, ...]], *, floating: bool = False) -> bool:
    """Normalised rows equal; with `floating` (DuckDB, which divides DECIMALs in binary floating point), a value
    may differ by one kopeck: exactly on a half kopeck, 12.875 can come back as 12.8749999… and round down."""
    if not floating:
        return expected == actual
    if len(expected) != len(actual):
        return False
    for left, right in zip(expected, actual, strict=True):
        if len(left) != len(right):
            return False
        for a, b in zip(left, right, strict=True):
            both_decimal = isinstance(a, Decimal) and isinstance(b, Decimal)
            if not (a == b or (both_decimal and abs(a - b) <= HALF_KOPECK_SLACK)):
                return False
    return True


def postgres_available() -> bool:
    return connection.vendor == "postgresql"


def _psycopg_connection() -> Any:
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


class PostgresReference:
    """Hand-written SQL over a plain psycopg connection to the product's own database."""

    def __init__(self) -> None:
        self._connection = _psycopg_connection()

    def rows(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        with self._connection.cursor() as cursor:
            cursor.execute(for_psycopg(sql), params)
            return list(cursor.fetchall())

    def row_counts(self, tables: Iterable[str]) -> dict[str, int]:
        with self._connection.cursor() as cursor:
            counts = {}
            for table in sorted(set(tables)):
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from crm.bench.cases
                counts[table] = cursor.fetchone()[0]
            return counts

    def export_csv(self, table: str, path: Path) -> list[tuple[str, str]]:
        """The table as CSV with a header; returns its (column, DuckDB type) pairs."""
        with self._connection.cursor() as cursor:
            cursor.execute(
                "SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns "
                "WHERE table_name = %s AND table_schema = current_schema() ORDER BY ordinal_position",
                [table],
            )
            columns = [(name, _duckdb_type(kind, precision, scale)) for name, kind, precision, scale in cursor]
            with path.open("wb") as target, cursor.copy(f'COPY "{table}" TO STDOUT (FORMAT csv, HEADER)') as copy:
                for chunk in copy:
                    target.write(chunk)
        return columns

    def close(self) -> None:
        self._connection.close()


def _duckdb_type(kind: str, precision: int | None, scale: int | None) -> str:
    if kind == "numeric":
        return f"DECIMAL({precision or 38},{scale or 0})"
    return {
        "integer": "INTEGER",
        "bigint": "BIGINT",
        "smallint": "SMALLINT",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "double precision": "DOUBLE",
        "timestamp with time zone": "TIMESTAMPTZ",
        "timestamp without time zone": "TIMESTAMP",
    }.get(kind, "VARCHAR")


class DuckDbReference:
    """The same SQL on DuckDB over Parquet copies of the tables (exported through CSV, typed explicitly)."""

    def __init__(self, postgres: PostgresReference, tables: Iterable[str], *, refresh: bool = False) -> None:
        import duckdb

        name = settings.DATABASES["default"]["NAME"]
        self.folder = Path(settings.VAR_DIR) / "bench" / "parquet" / str(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.export_seconds = 0.0
        counts = postgres.row_counts(tables)
        manifest = self.folder / "manifest.json"
        known = json.loads(manifest.read_text()) if manifest.exists() else {}
        if known.get(FORMAT_KEY) != EXPORT_FORMAT:  # copies made the older way are made again
            known = {FORMAT_KEY: EXPORT_FORMAT}
        self._duck = duckdb.connect()
        for table, count in counts.items():
            parquet = self.folder / f"{table}.parquet"
            if refresh or known.get(table) != count or not parquet.exists():
                self._export(postgres, table, parquet)
                known[table] = count
            view = f"CREATE VIEW \"{table}\" AS SELECT * FROM read_parquet('{parquet}')"  # noqa: S608 - our table names
            self._duck.execute(view)
        manifest.write_text(json.dumps(known, indent=1, sort_keys=True))

    def _export(self, postgres: PostgresReference, table: str, parquet: Path) -> None:
        import time

        started = time.perf_counter()
        staging = parquet.with_suffix(".csv")
        columns = postgres.export_csv(table, staging)
        types = ", ".join(f"'{name}': '{kind}'" for name, kind in columns)
        source = f"read_csv('{staging}', header = true, allow_quoted_nulls = false, columns = {{{types}}})"
        self._duck.execute(f"COPY (SELECT * FROM {source}) TO '{parquet}' (FORMAT parquet)")  # noqa: S608 - ours
        staging.unlink()
        self.export_seconds += time.perf_counter() - started

    def rows(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        used = {key: value for key, value in params.items() if f"${key}" in for_duckdb(sql)}
        return self._duck.execute(for_duckdb(sql), used).fetchall()

    def close(self) -> None:
        self._duck.close()
