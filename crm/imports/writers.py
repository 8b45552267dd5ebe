"""Writing imported rows through the owning apps' batch upserts (the same ones the REST API uses).

Each source's rows go to its app's `BatchUpserter` (`crm.finance.services.ClaimUpserter` and the like), so
a file row is checked by exactly the rules an API item is: references, dates, amounts, statuses, unique
numbers. What differs is decided in docs/decisions/0007-file-import.md:

- `dry_run`: the validation pass plans every row (created / updated / unchanged / error) and writes nothing.
- The high-volume finance feeds (payments and claims, `Source.fast`) are audited with one event per written
  batch, naming the import job and holding the external ids of the created records (their values are the
  rows themselves) and every changed record with its old → new values, instead of one event per record:
  the per-record journal costs about 2 ms a row (its hash chain is appended under a lock), which caps an
  import at a few hundred rows a second. Contracts, underwriting decisions, complaints and NPS keep the
  owning service's per-record events (e.g. `contract.terms_changed`).
- The fast feeds load the contracts (and a claim's client) they reference with only the columns read.
- The `all` mode spools its audit events and records them just before its commit (`AuditSpool`).
"""

import json
import tempfile
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from crm.audit.services import record_event
from crm.clients.models import Client
from crm.core.upserts import BatchResult, BatchUpserter, InvalidItem, ItemStatus, Plan, UpsertResult, index_by, keys_of
from crm.finance.services import ClaimUpserter, InstalmentUpserter
from crm.imports.sources import Source, SourceKind
from crm.policies.models import Contract
from crm.policies.services import ContractReferences, ContractUpserter
from crm.service.services import ComplaintUpserter, NpsUpserter
from crm.underwriting.services import DecisionUpserter

UPSERTERS: dict[str, type[BatchUpserter[Any]]] = {
    SourceKind.PAYMENTS: InstalmentUpserter,
    SourceKind.CLAIMS: ClaimUpserter,
    SourceKind.CONTRACTS: ContractUpserter,
    SourceKind.DECISIONS: DecisionUpserter,
    SourceKind.COMPLAINTS: ComplaintUpserter,
    SourceKind.NPS: NpsUpserter,
}
CONTRACT_COLUMNS = ("id", "external_id", "number", "client_id", "starts_on", "ends_on", "terminated_on")
CLIENT_COLUMNS = ("id", "name", "short_name")
BATCH_ACTION = "import.batch_written"


class LeanContractReferences(ContractReferences):
    """The contracts a batch names, loaded with only the columns the payment and claim rules read."""

    def __init__(self, items: list[Mapping[str, Any]], *, related: Sequence[str] = ()) -> None:
        contracts = Contract.objects.only(*CONTRACT_COLUMNS)
        self.by_external_id = index_by(
            contracts.filter(external_id__in=keys_of(items, "contract_external_id")), "external_id"
        )
        numbers = keys_of(items, "contract_number")
        self.by_number = index_by(contracts.filter(number__in=numbers), "number") if numbers else {}


class AuditSpool:
    """Audit events of a long transaction, recorded together just before it commits.

    The audit chain is appended under a transaction-scoped lock (crm.audit.services): an event recorded by
    the first batch of an all-or-nothing import would hold that lock — and with it every audited write of
    every user — until the import commits, minutes later. The `all` mode spools its events (batch events to
    a temporary file, per-record events of the small sources in memory) and records them at the end.
    """

    def __init__(self) -> None:
        self.batches = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self.records: list[tuple[Callable[[list[Plan]], None], list[Plan]]] = []

    def add_batch(self, changes: dict[str, Any]) -> None:
        self.batches.write(json.dumps(changes, cls=DjangoJSONEncoder) + "\n")

    def add_records(self, audit_all: Callable[[list[Plan]], None], plans: list[Plan]) -> None:
        self.records.append((audit_all, plans))

    def replay(self, *, actor: Any, job: models.Model) -> None:
        """Record the spooled events, in the order they were spooled; inside the import's transaction."""
        self.batches.seek(0)
        for line in self.batches:
            record_event(actor=actor, action=BATCH_ACTION, subject=job, changes=json.loads(line))
        for audit_all, plans in self.records:
            audit_all(plans)

    def close(self) -> None:
        self.batches.close()


class ImportBatch:
    """One batch of rows of an import: planned (dry run) or written, with the audit the source calls for."""

    def __init__(
        self,
        source: Source,
        *,
        actor: Any,
        job: models.Model,
        dry_run: bool,
        atomic: bool,
        spool: AuditSpool | None = None,
    ) -> None:
        self.source = source
        self.actor = actor
        self.job = job
        self.dry_run = dry_run
        self.atomic = atomic
        self.spool = spool
        self.written: list[Plan] = []

    def run(self, items: Sequence[Mapping[str, Any] | InvalidItem]) -> BatchResult:
        """Plan (and unless dry, write) the items in one transaction; per-item results in item order."""
        upserter = _upserter_class(self.source)(actor=self.actor, items=items, atomic=self.atomic)
        upserter.batch = self  # type: ignore[attr-defined]
        with transaction.atomic():
            result = upserter.run()
            if self.source.fast and self.written:
                self._audit_batch()
        return result

    def _audit_batch(self) -> None:
        # A plan rolled back with its atomic batch is still in `written`; only what was saved is audited.
        saved = [plan for plan in self.written if plan.result.status in (ItemStatus.CREATED, ItemStatus.UPDATED)]
        if not saved:
            return
        created = [plan.result.external_id for plan in saved if plan.is_new]
        updated = {plan.result.external_id: plan.changes for plan in saved if not plan.is_new}
        changes = {"source": str(self.source.kind), "created": created, "updated": updated}
        if self.spool is not None:
            self.spool.add_batch(changes)
        else:
            record_event(actor=self.actor, action=BATCH_ACTION, subject=self.job, changes=changes)


class _ImportUpserterMixin:
    """Hooks on a source's upserter: dry runs write nothing; fast sources hand their audit to the batch."""

    batch: ImportBatch

    def _write(self, plans: list[Plan], results: list[UpsertResult]) -> None:
        if not self.batch.dry_run:
            super()._write(plans, results)  # type: ignore[misc]
            return
        if self.batch.atomic and any(result.status == ItemStatus.ERROR for result in results):
            return
        for plan in plans:
            plan.result.status = ItemStatus.CREATED if plan.is_new else ItemStatus.UPDATED

    def audit_all(self, plans: list[Plan]) -> None:
        """The events of a bulk write: the batch's own for fast sources, else the service's, maybe spooled."""
        if self.batch.source.fast:
            self.batch.written.extend(plans)
        elif self.batch.spool is not None:
            self.batch.spool.add_records(super().audit_all, plans)  # type: ignore[misc]
        else:
            super().audit_all(plans)  # type: ignore[misc]

    def audit(self, plan: Plan) -> None:
        """One record's event (the service's savepoint path): as `audit_all` of one."""
        if self.batch.source.fast or self.batch.spool is not None:
            self.audit_all([plan])
        else:
            super().audit(plan)  # type: ignore[misc]


class _FastReferencesMixin:
    """Payments and claims: contracts (and a claim's client) loaded lean, stored rows without joins.

    The stored rows' contracts come in one query with only the columns the rules and the audit diff read;
    a claim's client (set from its contract, shown by name in the audit diff) in one more query per batch
    instead of one per claim.
    """

    select_related: tuple[str, ...] = ()
    model: type[models.Model]

    def load_references(self, items: list[Mapping[str, Any]]) -> None:
        self.contracts = LeanContractReferences(items)
        self.clients = self._clients(self.contracts.by_external_id.values(), self.contracts.by_number.values())

    def _clients(self, *groups: Any) -> dict[int, Client]:
        if not self._has_client():
            return {}
        ids = {contract.client_id for group in groups for contract in group}
        return index_by(Client.objects.only(*CLIENT_COLUMNS).filter(pk__in=ids), "pk") if ids else {}

    def _has_client(self) -> bool:
        return any(field.name == "client" for field in self.model._meta.concrete_fields)

    def assign(self, instance: Any, data: Mapping[str, Any], errors: Any) -> None:
        super().assign(instance, data, errors)  # type: ignore[misc]
        if self._has_client() and instance.client_id in self.clients:
            instance.client = self.clients[instance.client_id]

    def _existing(self, external_ids: list[str]) -> dict[str, Any]:
        rows = self.model._default_manager.select_for_update(of=("self",)).filter(external_id__in=external_ids)
        existing = index_by(rows, "external_id")
        ids = {row.contract_id for row in existing.values()}
        contracts = index_by(Contract.objects.only(*CONTRACT_COLUMNS).filter(pk__in=ids), "pk") if ids else {}
        clients = self._clients([row for row in existing.values()]) if existing else {}
        for row in existing.values():
            row.contract = contracts[row.contract_id]
            if clients:
                row.client = clients[row.client_id]
        return existing


_classes: dict[str, type[BatchUpserter[Any]]] = {}


def _upserter_class(source: Source) -> type[BatchUpserter[Any]]:
    """The source's upserter with the import hooks (built once per source)."""
    if source.kind not in _classes:
        base = UPSERTERS[source.kind]
        mixins: tuple[type, ...] = (
            (_ImportUpserterMixin, _FastReferencesMixin) if source.fast else (_ImportUpserterMixin,)
        )
        _classes[source.kind] = type(f"Import{base.__name__}", (*mixins, base), {})
    return _classes[source.kind]
