# ruff: noqa: S608 — the SQL is built from our own table and column names and constants, never from input.
"""Database triggers that mark a client dirty in the profitability snapshot when its source rows change.

Triggers, not signals: contracts, claims, instalments and deals are also written by bulk inserts, queryset
updates, imports and the demo generator; a trigger sees every write in the writer's own transaction. A client is
marked when a row of it is inserted or deleted, or a column the reports read changed (both the old and the new
client when a row moved):

- contracts (`client`, product, dates, termination, status, premium, commission); claims (client, contract, loss
  date, incurred amount); instalments (contract, due and payment dates — the contract's client);
- deals (client, creation, status, requested and granted discount); complaints and NPS answers (client, date,
  score); a product moved to another line marks every client with a contract or claim under it.

PostgreSQL: statement-level triggers with transition tables (one mark per client and statement, append-only).
SQLite has only row-level triggers; there a mark is written when the client has none yet. The triggers are
(re)installed after every `migrate` (post_migrate), because SQLite drops a table's triggers when Django rebuilds
it; the installer is idempotent. The names carry `VERSION`: bump it when the SQL changes.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

VERSION = 1
PREFIX = "profitability_dirty_"
DIRTY = "profitability_dirtyclient"
CONTRACTS = "policies_contract"


@dataclass(frozen=True)
class _Source:
    table: str
    columns: tuple[str, ...]
    """The columns the reports read: a change of any of them marks the client."""
    client: str = "client_id"
    """The client of a row `r`: a column, or `contract` (the client of the row's contract)."""


SOURCES = (
    _Source(
        CONTRACTS,
        (
            "client_id",
            "product_id",
            "starts_on",
            "ends_on",
            "terminated_on",
            "status",
            "written_premium_amount",
            "commission_amount",
        ),
    ),
    _Source("finance_claim", ("client_id", "contract_id", "loss_on", "incurred_amount")),
    _Source("finance_instalment", ("contract_id", "due_on", "paid_on"), client="contract"),
    _Source("pipeline_deal", ("client_id", "created_at", "status", "requested_discount_rate", "granted_discount_rate")),
    _Source("service_complaint", ("client_id", "received_on")),
    _Source("service_npsresponse", ("client_id", "responded_on", "score")),
)
PRODUCTS = "catalog_product"


def _name(table: str, event: str) -> str:
    return f"{PREFIX}v{VERSION}_{table}_{event}"


def _clients_of(source: _Source, rows: str) -> str:
    """SELECT the client ids of the rows of `rows` (a table or alias)."""
    if source.client == "contract":
        return f"SELECT c.client_id FROM {rows} r JOIN {CONTRACTS} c ON c.id = r.contract_id"
    return f"SELECT r.client_id FROM {rows} r WHERE r.client_id IS NOT NULL"


def _pg_statements(source: _Source) -> list[str]:
    statements = []
    changed = " OR ".join(f"o.{column} IS DISTINCT FROM n.{column}" for column in source.columns)
    moved = f"(SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {changed})"
    moved_new = f"(SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {changed})"
    bodies = {
        "insert": (_clients_of(source, "new_rows"), "NEW TABLE AS new_rows"),
        "delete": (_clients_of(source, "old_rows"), "OLD TABLE AS old_rows"),
        "update": (
            f"{_clients_of(source, moved)} UNION {_clients_of(source, moved_new)}",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        ),
    }
    for event, (select, referencing) in bodies.items():
        name = _name(source.table, event)
        statements += _pg_trigger(name, source.table, event, referencing, select)
    return statements


def _pg_trigger(name: str, table: str, event: str, referencing: str, select: str) -> list[str]:
    body = f"INSERT INTO {DIRTY} (client_id) SELECT DISTINCT m.client_id FROM ({select}) AS m; RETURN NULL;"
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} END $$",
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def _pg_products() -> list[str]:
    name = _name(PRODUCTS, "update")
    moved = (
        "SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id "
        "WHERE o.product_line_id IS DISTINCT FROM n.product_line_id"
    )
    select = (
        f"SELECT c.client_id FROM {CONTRACTS} c WHERE c.product_id IN ({moved}) "
        f"UNION SELECT cl.client_id FROM finance_claim cl JOIN {CONTRACTS} c ON c.id = cl.contract_id "
        f"WHERE c.product_id IN ({moved})"
    )
    return _pg_trigger(name, PRODUCTS, "update", "OLD TABLE AS old_rows NEW TABLE AS new_rows", select)


def _sqlite_mark(select: str) -> str:
    return (
        f"INSERT INTO {DIRTY} (client_id) SELECT DISTINCT m.client_id FROM ({select}) AS m "
        f"WHERE m.client_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {DIRTY} d WHERE d.client_id = m.client_id);"
    )


def _sqlite_clients(source: _Source, row: str) -> str:
    if source.client == "contract":
        return f"SELECT client_id FROM {CONTRACTS} WHERE id = {row}.contract_id"
    return f"SELECT {row}.client_id AS client_id"


def _sqlite_statements(source: _Source) -> list[str]:
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in source.columns)
    columns = ", ".join(source.columns)
    triggers = {
        "insert": (f"AFTER INSERT ON {source.table}", _sqlite_mark(_sqlite_clients(source, "NEW"))),
        "delete": (f"AFTER DELETE ON {source.table}", _sqlite_mark(_sqlite_clients(source, "OLD"))),
        "update": (
            f"AFTER UPDATE OF {columns} ON {source.table} WHEN {changed}",
            _sqlite_mark(_sqlite_clients(source, "OLD")) + " " + _sqlite_mark(_sqlite_clients(source, "NEW")),
        ),
    }
    statements = []
    for event, (header, body) in triggers.items():
        name = _name(source.table, event)
        statements += [f"DROP TRIGGER IF EXISTS {name}", f"CREATE TRIGGER {name} {header} BEGIN {body} END"]
    return statements


def _sqlite_products() -> list[str]:
    name = _name(PRODUCTS, "update")
    select = (
        f"SELECT client_id FROM {CONTRACTS} WHERE product_id = NEW.id "
        f"UNION SELECT cl.client_id FROM finance_claim cl JOIN {CONTRACTS} c ON c.id = cl.contract_id "
        "WHERE c.product_id = NEW.id"
    )
    header = f"AFTER UPDATE OF product_line_id ON {PRODUCTS} WHEN OLD.product_line_id IS NOT NEW.product_line_id"
    return [f"DROP TRIGGER IF EXISTS {name}", f"CREATE TRIGGER {name} {header} BEGIN {_sqlite_mark(select)} END"]


def create_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [s for source in SOURCES for s in _pg_statements(source)] + _pg_products()
    if vendor == "sqlite":
        return [s for source in SOURCES for s in _sqlite_statements(source)] + _sqlite_products()
    return []


def _tables(using: str) -> set[str]:
    with connections[using].cursor() as cursor:
        return set(connections[using].introspection.table_names(cursor))


def install_triggers(using: str = DEFAULT_DB_ALIAS, **_kwargs: Any) -> bool:
    """Create (or replace) the triggers when every table they touch exists; True when installed."""
    needed: Iterable[str] = {DIRTY, PRODUCTS, *(source.table for source in SOURCES)}
    if not set(needed) <= _tables(using):
        return False
    connection = connections[using]
    with connection.cursor() as cursor:
        for sql in create_statements(connection.vendor):
            cursor.execute(sql)
    return True
