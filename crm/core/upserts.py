"""Batch upserts of records that another system owns (finance, underwriting, service desk), by external id.

The owning app's service subclasses `BatchUpserter` for its model: it loads the references a batch names
(one query per kind of reference, whatever the batch size), turns each item into a plan — a new or changed
instance with its old → new diff — or into field errors, and `BatchUpserter.run` writes the plans in one
transaction: `bulk_create`/`bulk_update` plus one audit event per created or changed record. Should the
bulk write hit a conflict no check could foresee (a concurrent writer), the batch is written again item by
item, each in its own savepoint, and the conflicting items are reported. An item whose values equal what
is stored is `unchanged`: nothing is written and nothing audited, so a re-sent batch changes nothing.

Items are *merged* into the stored record: a key that is absent leaves the field as it is; on creation the
model's default applies. `atomic=True` writes everything or nothing.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext as _

from crm.audit.services import record_event, record_events
from crm.core.periods import today

EXTERNAL_ID_MAX_LENGTH = 64
BULK_SIZE = 500
UPDATE_BATCH_SIZE = 100
ABSURD_AMOUNT = Decimal("100000000000")  # 100 bn ₽: above any corporate premium, payment or claim
EARLIEST_DATE = datetime.date(2000, 1, 1)
NON_FIELD = "non_field_errors"

Errors = dict[str, list[str]]


class ItemStatus(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"
    SKIPPED = "skipped"  # valid, but not written: the batch was atomic and another item failed


@dataclass(slots=True)
class UpsertResult:
    """What became of one item: its position in the batch, its key, the outcome, the record and any errors."""

    index: int
    external_id: str | None
    status: ItemStatus = ItemStatus.ERROR
    pk: int | None = None
    errors: Errors = field(default_factory=dict)


@dataclass(slots=True)
class BatchResult:
    results: list[UpsertResult]
    atomic: bool

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ItemStatus, 0)
        for result in self.results:
            counts[result.status] += 1
        return {str(status): count for status, count in counts.items()}

    @property
    def committed(self) -> bool:
        """False when an atomic batch was refused because of an invalid item."""
        return not (self.atomic and any(result.status == ItemStatus.ERROR for result in self.results))


@dataclass(frozen=True, slots=True)
class InvalidItem:
    """An item its feed could not even parse (bad JSON type, bad date in a file): it is reported as is."""

    external_id: str | None
    errors: Errors


@dataclass(slots=True)
class Plan:
    result: UpsertResult
    instance: models.Model
    changes: dict[str, list[Any]]
    is_new: bool
    action: str = ""


class ItemErrors:
    """Field errors of one item, keyed by the item's own key names (what the sender wrote)."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = names
        self.by_key: Errors = {}

    def add(self, key: str, message: str) -> None:
        self.by_key.setdefault(self.names.get(key, key), []).append(str(message))

    def add_validation_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                for message in messages:
                    self.add(NON_FIELD if key == "__all__" else key, message)
        else:
            for message in error.messages:
                self.add(NON_FIELD, message)

    def has(self, *keys: str) -> bool:
        return any(self.names.get(key, key) in self.by_key for key in keys)

    def __bool__(self) -> bool:
        return bool(self.by_key)


@dataclass(frozen=True, slots=True)
class _Column:
    attname: str
    is_relation: bool
    null: bool
    scale: Decimal | None  # the quantum of a decimal column

    @classmethod
    def of(cls, model_field: Any) -> "_Column":
        scale = None
        if isinstance(model_field, models.DecimalField) and model_field.decimal_places is not None:
            scale = Decimal(1).scaleb(-model_field.decimal_places)
        return cls(model_field.attname, model_field.is_relation, model_field.null, scale)

    def normalise(self, value: Any) -> Any:
        """A decimal at its column's scale, so 1500 and 1500.00 are one value for the diff and the database."""
        return value.quantize(self.scale) if self.scale is not None and isinstance(value, Decimal) else value


def check_amount(errors: ItemErrors, key: str, value: Decimal | None) -> None:
    """Money from a feed: not negative, not absurd."""
    if value is None:
        return
    if value < 0:
        errors.add(key, _("Сумма не может быть отрицательной."))
    elif value > ABSURD_AMOUNT:
        errors.add(key, _("Сумма неправдоподобно велика (больше 100 млрд ₽) — проверьте единицы и разделители."))


def check_past_date(errors: ItemErrors, key: str, value: datetime.date | None) -> None:
    """A date of something that has already happened: not in the future, not before 2000."""
    if value is None:
        return
    if value > today():
        errors.add(key, _("Дата %(date)s ещё не наступила.") % {"date": f"{value:%d.%m.%Y}"})
    elif value < EARLIEST_DATE:
        errors.add(key, _("Дата %(date)s раньше 2000 года — проверьте год.") % {"date": f"{value:%d.%m.%Y}"})


def check_source(source: str, expected: str) -> None:
    """Each kind of record has one system of record; another source is a programming error, not bad data."""
    if source != expected:
        raise ValueError(f"records of this kind come from {expected!r}, not {source!r}")


def resolve(
    instance: models.Model,
    name: str,
    data: Mapping[str, Any],
    key: str,
    found: Mapping[Any, models.Model],
    errors: ItemErrors,
    message: str,
) -> None:
    """Set a reference from the batch's prefetched records; an unknown key is the item's error, naming it."""
    if key not in data:
        return
    value = data[key]
    if value in (None, ""):
        setattr(instance, name, None)
    elif value in found:
        setattr(instance, name, found[value])
    else:
        errors.add(key, message % {"key": value})


class UniqueInBatch:
    """Values that must be unique per table (a contract number): who holds each, stored or earlier in the batch."""

    def __init__(self, stored: Mapping[Any, str | None]) -> None:
        self.holders: dict[Any, str | None] = dict(stored)

    def claim(self, value: Any, external_id: str | None) -> bool:
        """Take `value` for the record `external_id`; False when another record holds it."""
        holder = self.holders.setdefault(value, external_id)
        return holder == external_id


def index_by(objects: Iterable[Any], key: str) -> dict[Any, Any]:
    return {getattr(obj, key): obj for obj in objects}


def keys_of(items: Iterable[Mapping[str, Any]], key: str) -> set[Any]:
    """The non-empty values a batch gives for `key`, for one `__in` query."""
    return {item[key] for item in items if item.get(key) not in (None, "")}


class BatchUpserter[M: models.Model]:
    """The skeleton of a batch upsert; subclasses load references, assign values, and check business rules.

    `fields` are the model fields the feed owns (compared, written and audited); `names` maps a model field
    to the item key it comes from when they differ (`client` ← `client_inn`), so that errors name what
    the sender wrote; `required` are item keys a new record needs.
    """

    model: type[M]
    action_prefix: ClassVar[str]
    fields: ClassVar[tuple[str, ...]]
    names: ClassVar[Mapping[str, str]] = {}
    required: ClassVar[tuple[str, ...]] = ()
    select_related: ClassVar[tuple[str, ...]] = ()
    _column_cache: ClassVar[dict[str, _Column]]

    def __init__(self, *, actor: Any, items: Sequence[Mapping[str, Any] | InvalidItem], atomic: bool) -> None:
        self.actor = actor
        self.items = items
        self.atomic = atomic

    # --- what a subclass provides -------------------------------------------------------------------

    def load_references(self, items: list[Mapping[str, Any]]) -> None:
        """Fetch every record the batch refers to, one query per kind of reference."""

    def assign(self, instance: M, data: Mapping[str, Any], errors: ItemErrors) -> None:
        raise NotImplementedError

    def check(self, instance: M, errors: ItemErrors) -> None:
        """Business rules across fields and references; called only when every field is valid on its own."""

    def audit(self, plan: Plan) -> None:
        """One record's audit event (the per-item savepoint path); `audit_all` is the bulk path."""
        record_event(actor=self.actor, action=plan.action, subject=plan.instance, changes=plan.changes)

    def audit_all(self, plans: list[Plan]) -> None:
        """The audit events of a bulk write, appended to the journal at once."""
        record_events(actor=self.actor, events=[(plan.action, plan.instance, plan.changes) for plan in plans])

    def action_for(self, plan: Plan) -> str:
        return f"{self.action_prefix}.{'created' if plan.is_new else 'updated'}"

    # --- the skeleton ---------------------------------------------------------------------------------

    def run(self) -> BatchResult:
        """Plan every item, then write the plans in one transaction (or nothing, when atomic and one failed)."""
        results, work = self._screen()
        with transaction.atomic():
            existing = self._existing([data["external_id"] for _, data in work])
            self.load_references([data for _, data in work])
            plans = [plan for index, data in work if (plan := self._plan(results[index], data, existing))]
            self._write(plans, results)
        return BatchResult(results, self.atomic)

    def _screen(self) -> tuple[list[UpsertResult], list[tuple[int, Mapping[str, Any]]]]:
        """Items that are objects with a usable, non-repeated external id go on; the rest are errors now."""
        results: list[UpsertResult] = []
        work: list[tuple[int, Mapping[str, Any]]] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(self.items):
            if isinstance(item, InvalidItem):
                results.append(UpsertResult(index, item.external_id, errors=dict(item.errors)))
                continue
            external_id = item.get("external_id") if isinstance(item, Mapping) else None
            result = UpsertResult(index, external_id if isinstance(external_id, str) else None)
            results.append(result)
            problem = self._external_id_problem(item, external_id, seen)
            if problem:
                result.errors = {NON_FIELD if not isinstance(item, Mapping) else "external_id": [problem]}
                continue
            seen[str(external_id)] = index
            work.append((index, item))
        return results, work

    @staticmethod
    def _external_id_problem(item: Any, external_id: Any, seen: dict[str, int]) -> str:
        if not isinstance(item, Mapping):
            return _("Элемент пакета должен быть объектом JSON.")
        if not isinstance(external_id, str) or not external_id.strip():
            return _("Обязательное поле.")
        if len(external_id) > EXTERNAL_ID_MAX_LENGTH or external_id != external_id.strip():
            return _("Внешний ID — до 64 символов, без пробелов по краям.")
        if external_id in seen:
            return _("Этот внешний ID уже встречался в пакете (элемент %(index)s).") % {"index": seen[external_id]}
        return ""

    def _existing(self, external_ids: list[str]) -> dict[str, M]:
        """The stored records of the batch, locked until the batch is written (no-op on SQLite)."""
        rows = self.model._default_manager.select_for_update(of=("self",)).select_related(*self.select_related)
        existing: dict[str, M] = {}
        for start in range(0, len(external_ids), BULK_SIZE * 4):
            chunk = external_ids[start : start + BULK_SIZE * 4]
            existing.update(index_by(rows.filter(external_id__in=chunk), "external_id"))
        return existing

    def _plan(self, result: UpsertResult, data: Mapping[str, Any], existing: dict[str, M]) -> Plan | None:
        errors = ItemErrors(self.names)
        stored = existing.get(data["external_id"])
        instance = stored if stored is not None else self.model(external_id=data["external_id"])
        before = self._state(instance) if stored is not None else {}
        if stored is None:
            for key in self.required:
                if data.get(key) in (None, ""):
                    errors.add(key, _("Обязательное поле."))
        self.assign(instance, data, errors)
        self._clean(instance, errors)
        if not errors:
            self.check(instance, errors)
        if errors:
            result.errors = errors.by_key
            return None
        after = self._state(instance)
        plan = Plan(result, instance, self._diff(before, after, is_new=stored is None), is_new=stored is None)
        if not plan.is_new and not plan.changes:
            result.status, result.pk = ItemStatus.UNCHANGED, instance.pk
            return None
        plan.action = self.action_for(plan)
        result.status = ItemStatus.SKIPPED  # until written
        return plan

    def _clean(self, instance: M, errors: ItemErrors) -> None:
        """Model field rules (types, lengths, choices, validators) and `clean()`.

        References, uniqueness and check constraints would cost queries per item in `full_clean`; they are
        resolved from the batch's references instead, and the constraints are restated in `check`.
        """
        columns = self._columns()
        for name in self.relations if not errors else ():  # an unresolved reference has already said why
            column = columns.get(name)
            if column is not None and not column.null and getattr(instance, column.attname) is None:
                errors.add(name, _("Обязательное поле."))
        exclude = [*self.relations, *(name for name in self.fields if errors.has(name))]
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors.add_validation_error(error)
        for name, column in columns.items():
            if column.scale is not None and not errors.has(name):
                setattr(instance, name, column.normalise(getattr(instance, name)))

    def _state(self, instance: M) -> dict[str, tuple[Any, Any]]:
        """(value compared, value shown in the audit) per owned field: a reference compares by id, shows by name."""
        state = {}
        for name, column in self._columns().items():
            raw = getattr(instance, column.attname)
            if column.is_relation:
                state[name] = (raw, str(getattr(instance, name)) if raw is not None else None)
            else:
                raw = column.normalise(raw)
                state[name] = (raw, raw)
        return state

    @classmethod
    def _columns(cls) -> dict[str, "_Column"]:
        """The owned fields' metadata, looked up once per class (a batch reads it for every item)."""
        cached = cls.__dict__.get("_column_cache")
        if cached is None:
            cached = {name: _Column.of(cls.model._meta.get_field(name)) for name in cls.fields}
            cls._column_cache = cached
        return cached

    @property
    def relations(self) -> list[str]:
        return [f.name for f in self.model._meta.concrete_fields if f.is_relation]

    @staticmethod
    def _diff(before: dict[str, tuple[Any, Any]], after: dict[str, tuple[Any, Any]], *, is_new: bool) -> dict:
        if is_new:
            return {name: [None, shown] for name, (_raw, shown) in after.items() if shown not in (None, "")}
        return {name: [before[name][1], shown] for name, (raw, shown) in after.items() if before[name][0] != raw}

    # --- writing ------------------------------------------------------------------------------------

    def _write(self, plans: list[Plan], results: list[UpsertResult]) -> None:
        if self.atomic and any(result.status == ItemStatus.ERROR for result in results):
            return  # the valid items stay `skipped`
        try:
            with transaction.atomic():
                self._bulk_write(plans)
        except DatabaseError:
            self._forget_keys(plans)
            if not self._write_one_by_one(plans):
                return
        for plan in plans:
            if plan.result.status == ItemStatus.SKIPPED:
                plan.result.status = ItemStatus.CREATED if plan.is_new else ItemStatus.UPDATED
                plan.result.pk = plan.instance.pk

    def _bulk_write(self, plans: list[Plan]) -> None:
        manager: Any = self.model._default_manager
        new = [plan.instance for plan in plans if plan.is_new]
        changed = [plan for plan in plans if not plan.is_new]
        if new:
            manager.bulk_create(new, batch_size=BULK_SIZE)
        if changed:
            names = sorted({name for plan in changed for name in plan.changes})
            # Small batches: an UPDATE … CASE WHEN id = … costs rows × cases, so it grows with the square.
            manager.bulk_update([plan.instance for plan in changed], names, batch_size=UPDATE_BATCH_SIZE)
        self.audit_all(plans)

    def _write_one_by_one(self, plans: list[Plan]) -> bool:
        """Each item in its own savepoint: a conflicting item is reported, the others are saved.

        Returns False when the batch is atomic and an item failed: then everything is rolled back.
        """
        with transaction.atomic():
            for plan in plans:
                try:
                    with transaction.atomic():
                        if plan.is_new:
                            plan.instance.save(force_insert=True)
                        else:
                            plan.instance.save(update_fields=list(plan.changes))
                        self.audit(plan)
                except DatabaseError:
                    self._forget_keys([plan])
                    plan.result.status = ItemStatus.ERROR
                    plan.result.errors = {
                        NON_FIELD: [
                            _(
                                "Запись не сохранена: её одновременно изменил другой запрос "
                                "или она противоречит данным в базе. Повторите отправку."
                            )
                        ]
                    }
            if self.atomic and any(plan.result.status == ItemStatus.ERROR for plan in plans):
                transaction.set_rollback(True)
                self._forget_keys(plans)
                return False
        return True

    @staticmethod
    def _forget_keys(plans: list[Plan]) -> None:
        """A rolled-back insert leaves its id on the instance; clear it so the next attempt inserts again."""
        for plan in plans:
            if plan.is_new:
                plan.instance.pk = None
                plan.instance._state.adding = True
