# ruff: noqa: S608 — the SQL is built from our own table and column names and constants, never from input.
"""Database triggers that mark a roll-up day dirty whenever its source rows change, on SQLite and PostgreSQL.

Triggers, not Django signals: contracts and deals are also written by bulk inserts, queryset updates, imports
and raw SQL, and a trigger sees every one of them, in the writer's own transaction, with the old and new
values (a contract moved to another day dirties both days). What marks a day dirty:

- `sales` (by conclusion date): a contract inserted or deleted; a contract whose conclusion date, manager,
  product, client, premium or "cancelled from inception" changed; a client whose segment or industry
  changed (every day it bought on); a product moved to another line (every day it was sold on);
- `deals` (by closing date): a closed deal inserted or deleted; a deal whose closing date, status, manager
  or amount changed (the old and the new closing day).

Marks are per day, not per month, so that today's sales leave the rest of the month readable from the roll-ups.
PostgreSQL uses statement-level triggers with transition tables: one mark per statement and day, so a bulk
insert of 1 000 rows writes a few marks. SQLite has only row-level triggers; there a mark is written only
when the day has none yet, which is safe because SQLite runs one writer at a time. (On PostgreSQL that
shortcut would race with a refresh running concurrently, so marks are append-only there.)

The triggers are (re)installed after every `migrate` (`install_triggers`, connected to post_migrate):
Django rebuilds a SQLite table to alter it, which drops the table's triggers. When any trigger was missing,
writes may have gone unmarked, so every month is invalidated and the next refresh recomputes it. The trigger
names carry a version: changing the SQL below means bumping `VERSION`, which reinstalls and invalidates.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from crm.analytics.models import RollupDirtyDay, RollupMonth, RollupStat
from crm.catalog.models import Product
from crm.clients.models import Client
from crm.pipeline.models import Deal
from crm.policies.models import Contract, ContractStatus

VERSION = 1
PREFIX = "analytics_rollup_"


@dataclass(frozen=True)
class _Source:
    """A table whose rows are counted in a stat by the day in `date_column`."""

    key: str
    stat: RollupStat
    table: str
    date_column: str
    columns: tuple[str, ...]
    """A change of any of these columns matters to the roll-up."""
    cancelled_status: str | None = None
    """Also matters: the row became or stopped being `status = cancelled_status`."""

    def changed(self, old: str, new: str, distinct: str) -> str:
        """A boolean SQL expression: the change from row `old` to row `new` matters (`distinct`: the operator)."""
        terms = [f"{old}.{column} {distinct} {new}.{column}" for column in self.columns]
        if self.cancelled_status is not None:
            value = self.cancelled_status
            terms.append(f"({old}.status = '{value}') {distinct} ({new}.status = '{value}')")
        return " OR ".join(terms)


@dataclass(frozen=True)
class _Dependent:
    """A table whose change dirties every day of the source rows that reference it."""

    key: str
    stat: RollupStat
    table: str
    columns: tuple[str, ...]
    source_table: str
    source_fk: str
    source_date: str


PG_DISTINCT, SQLITE_DISTINCT = "IS DISTINCT FROM", "IS NOT"


def _sources() -> list[_Source]:
    """The rows counted, and the columns whose change matters (as `Contract.objects.sold()` and the deals' figures)."""
    contract_columns = ("concluded_on", "manager_id", "product_id", "client_id", "written_premium_amount")
    deal_columns = ("closed_on", "status", "manager_id", "amount")
    return [
        _Source(
            "contracts",
            RollupStat.SALES,
            Contract._meta.db_table,
            "concluded_on",
            contract_columns,
            cancelled_status=ContractStatus.CANCELLED.value,
        ),
        _Source("deals", RollupStat.DEALS, Deal._meta.db_table, "closed_on", deal_columns),
    ]


def _dependents() -> list[_Dependent]:
    contracts = Contract._meta.db_table
    return [
        _Dependent(
            "clients",
            RollupStat.SALES,
            Client._meta.db_table,
            ("segment", "industry_id"),
            contracts,
            "client_id",
            "concluded_on",
        ),
        _Dependent(
            "products",
            RollupStat.SALES,
            Product._meta.db_table,
            ("product_line_id",),
            contracts,
            "product_id",
            "concluded_on",
        ),
    ]


def _name(key: str, event: str) -> str:
    return f"{PREFIX}v{VERSION}_{key}_{event}"


DIRTY = RollupDirtyDay._meta.db_table


# --- PostgreSQL: statement-level triggers over transition tables -------------------------------------------


def _pg_function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n  {body};\n  RETURN NULL;\nEND\n$$"
    )


def _pg_trigger(name: str, table: str, event: str, referencing: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def _pg_source(source: _Source) -> list[str]:
    stat, column = source.stat.value, source.date_column
    insert = f"INSERT INTO {DIRTY} (stat, day) SELECT DISTINCT '{stat}', day FROM"
    added = f"{insert} (SELECT {column} AS day FROM new_rows) AS x WHERE day IS NOT NULL"
    removed = f"{insert} (SELECT {column} AS day FROM old_rows) AS x WHERE day IS NOT NULL"
    changed = (
        f"{insert} (SELECT o.{column} AS old_day, n.{column} AS new_day FROM old_rows AS o "
        f"JOIN new_rows AS n ON n.id = o.id WHERE {source.changed('o', 'n', PG_DISTINCT)}) AS pairs "
        "CROSS JOIN LATERAL (VALUES (pairs.old_day), (pairs.new_day)) AS x(day) WHERE day IS NOT NULL"
    )
    statements = []
    for event, body, referencing in [
        ("insert", added, "NEW TABLE AS new_rows"),
        ("delete", removed, "OLD TABLE AS old_rows"),
        ("update", changed, "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ]:
        name = _name(source.key, event)
        statements.append(_pg_function(name, body))
        statements += _pg_trigger(name, source.table, event.upper(), referencing)
    return statements


def _pg_dependent(dependent: _Dependent) -> list[str]:
    name = _name(dependent.key, "update")
    changed = " OR ".join(f"o.{column} {PG_DISTINCT} n.{column}" for column in dependent.columns)
    body = (
        f"INSERT INTO {DIRTY} (stat, day) SELECT DISTINCT '{dependent.stat.value}', s.{dependent.source_date} "
        f"FROM {dependent.source_table} AS s JOIN old_rows AS o ON s.{dependent.source_fk} = o.id "
        f"JOIN new_rows AS n ON n.id = o.id WHERE ({changed}) AND s.{dependent.source_date} IS NOT NULL"
    )
    referencing = "OLD TABLE AS old_rows NEW TABLE AS new_rows"
    return [_pg_function(name, body), *_pg_trigger(name, dependent.table, "UPDATE", referencing)]


def _pg_installed(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND starts_with(tgname, %s)", [PREFIX])
        return {row[0] for row in cursor.fetchall()}


def _pg_drop(connection: BaseDatabaseWrapper, names: Iterable[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, c.relname FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgname = ANY(%s)",
            [list(names)],
        )
        found = cursor.fetchall()
    return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in found] + [
        f"DROP FUNCTION IF EXISTS {name}()" for name, _table in found
    ]


# --- SQLite: row-level triggers ------------------------------------------------------------------------------


def _sqlite_mark(stat: str, day: str) -> str:
    """Mark `day` (an OLD./NEW. column) unless it is marked already or NULL."""
    return (
        f"INSERT INTO {DIRTY} (stat, day) SELECT '{stat}', {day} WHERE {day} IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {DIRTY} WHERE stat = '{stat}' AND day = {day});"
    )


def _sqlite_source(source: _Source) -> list[str]:
    stat, column = source.stat.value, source.date_column
    statements = []
    for event, header, marks in [
        ("insert", f"AFTER INSERT ON {source.table}", [_sqlite_mark(stat, f"NEW.{column}")]),
        ("delete", f"AFTER DELETE ON {source.table}", [_sqlite_mark(stat, f"OLD.{column}")]),
        (
            "update",
            f"AFTER UPDATE ON {source.table} FOR EACH ROW WHEN {source.changed('OLD', 'NEW', SQLITE_DISTINCT)}",
            [_sqlite_mark(stat, f"OLD.{column}"), _sqlite_mark(stat, f"NEW.{column}")],
        ),
    ]:
        name = _name(source.key, event)
        statements += [f"DROP TRIGGER IF EXISTS {name}", f"CREATE TRIGGER {name} {header} BEGIN {' '.join(marks)} END"]
    return statements


def _sqlite_dependent(dependent: _Dependent) -> list[str]:
    name, stat, day = _name(dependent.key, "update"), dependent.stat.value, dependent.source_date
    changed = " OR ".join(f"OLD.{column} {SQLITE_DISTINCT} NEW.{column}" for column in dependent.columns)
    mark = (
        f"INSERT INTO {DIRTY} (stat, day) SELECT DISTINCT '{stat}', {day} FROM {dependent.source_table} "
        f"WHERE {dependent.source_fk} = NEW.id AND {day} IS NOT NULL "
        f"AND {day} NOT IN (SELECT day FROM {DIRTY} WHERE stat = '{stat}');"
    )
    header = f"AFTER UPDATE OF {', '.join(dependent.columns)} ON {dependent.table} FOR EACH ROW WHEN {changed}"
    return [f"DROP TRIGGER IF EXISTS {name}", f"CREATE TRIGGER {name} {header} BEGIN {mark} END"]


def _sqlite_installed(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, %s) = %s", [len(PREFIX), PREFIX]
        )
        return {row[0] for row in cursor.fetchall()}


# --- installation --------------------------------------------------------------------------------------------


def expected_triggers() -> set[str]:
    """The names of the triggers of this version."""
    names = {_name(source.key, event) for source in _sources() for event in ("insert", "delete", "update")}
    return names | {_name(dependent.key, "update") for dependent in _dependents()}


def installed_triggers(using: str = DEFAULT_DB_ALIAS) -> set[str]:
    """The roll-up triggers present in the database (any version)."""
    connection = connections[using]
    return _pg_installed(connection) if connection.vendor == "postgresql" else _sqlite_installed(connection)


def _create_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            *(s for source in _sources() for s in _pg_source(source)),
            *(s for d in _dependents() for s in _pg_dependent(d)),
        ]
    return [
        *(s for source in _sources() for s in _sqlite_source(source)),
        *(s for d in _dependents() for s in _sqlite_dependent(d)),
    ]


def _drop_statements(connection: BaseDatabaseWrapper, names: Iterable[str]) -> list[str]:
    if connection.vendor == "postgresql":
        return _pg_drop(connection, names)
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names]


def _tables_exist(connection: BaseDatabaseWrapper) -> tuple[bool, bool]:
    """(our bookkeeping tables exist, the source tables exist)."""
    tables = set(connection.introspection.table_names())
    ours = {RollupDirtyDay._meta.db_table, RollupMonth._meta.db_table} <= tables
    sources = {source.table for source in _sources()} | {dependent.table for dependent in _dependents()}
    return ours, sources <= tables


def install_triggers(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Make the database's triggers exactly this version's; True when some were missing (all months invalidated).

    Without the roll-up tables (analytics not migrated, or migrated back to zero) any old triggers are dropped,
    since they would make every write of a contract or deal fail.
    """
    connection = connections[using]
    if connection.vendor not in {"postgresql", "sqlite"}:
        return False
    ours, sources = _tables_exist(connection)
    installed = installed_triggers(using)
    expected = expected_triggers() if ours and sources else set()
    missing = expected - installed
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in _drop_statements(connection, installed - expected):
            cursor.execute(statement)
        if missing:
            for statement in _create_statements(connection.vendor):
                cursor.execute(statement)
            RollupMonth.objects.using(using).all().delete()
    return bool(missing)


def drop_triggers(using: str = DEFAULT_DB_ALIAS) -> None:
    """Remove every roll-up trigger (the migration's reverse)."""
    connection = connections[using]
    if connection.vendor not in {"postgresql", "sqlite"}:
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in _drop_statements(connection, installed_triggers(using)):
            cursor.execute(statement)
