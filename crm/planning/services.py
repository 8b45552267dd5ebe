"""Setting sales plans: the head of sales saves a grid of monthly plans in one go.

`set_plans` is one business action in one transaction: every cell is checked first, and a single bad
cell saves nothing. Audit: one event per plan row that changed (`plan.set` for a new or changed month,
`plan.cleared` for a month whose plan was removed), each with old → new amount and contract count, all
in the same transaction — so each month's plan has its own history (crm.audit.queries.events_for).
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.audit.services import record_event
from crm.catalog.models import ProductLine
from crm.core.money import KOPECK, parse_number
from crm.org.models import User
from crm.planning.access import may_edit_plans, plan_targets_for
from crm.planning.models import PlanScope, SalesPlan
from crm.planning.queries import cell_name, plan_rows

MAX_AMOUNT = Decimal("99999999999999.99")
YEARS = range(2000, 2101)


@dataclass(frozen=True)
class PlanCellInput:
    """One typed cell: a scope key, a month (1–12) and the raw amount and contract count."""

    target: str
    month: int
    amount: Any = None
    contracts_count: Any = None


@dataclass(frozen=True)
class _ParsedCell:
    target: str
    month: int
    amount: Decimal | None
    contracts_count: int | None


def parse_amount(value: Any) -> Decimal | None:
    """A plan amount in roubles; ValidationError with the reason when it is not a valid one."""
    try:
        amount = parse_number(value)
    except ValueError:
        raise ValidationError(_("Сумма «%(value)s» — не число (пример: 12 000,50).") % {"value": value}) from None
    if amount is None:
        return None
    if amount < 0:
        raise ValidationError(_("Сумма плана не может быть отрицательной."))
    if amount != amount.quantize(KOPECK):
        raise ValidationError(_("Не больше двух знаков после запятой."))
    if amount > MAX_AMOUNT:
        raise ValidationError(_("Слишком большая сумма."))
    return amount.quantize(KOPECK)


def parse_count(value: Any) -> int | None:
    """A plan in number of contracts: a whole non-negative number; blank → None."""
    try:
        count = parse_number(value)
    except ValueError:
        raise ValidationError(_("Число договоров «%(value)s» — не число.") % {"value": value}) from None
    if count is None:
        return None
    if count != count.to_integral_value():
        raise ValidationError(_("Число договоров должно быть целым."))
    if count < 0:
        raise ValidationError(_("Число договоров не может быть отрицательным."))
    return int(count)


def _parse_cell(cell: PlanCellInput, targets: set[str], errors: dict[str, str]) -> _ParsedCell | None:
    where = cell_name("amount", cell.target, cell.month)
    if cell.target not in targets:
        errors[where] = _("Нет такой строки плана, или она вам недоступна.")
        return None
    if not 1 <= cell.month <= 12:
        errors[where] = _("Месяц — число от 1 до 12.")
        return None
    values: dict[str, Any] = {}
    for field, parse in (("amount", parse_amount), ("contracts_count", parse_count)):
        try:
            values[field] = parse(getattr(cell, field))
        except ValidationError as error:
            errors[cell_name(field, cell.target, cell.month)] = error.messages[0]
    return _ParsedCell(cell.target, cell.month, **values) if len(values) == 2 else None


def _parse_cells(cells: Iterable[PlanCellInput | Mapping[str, Any]], targets: set[str]) -> list[_ParsedCell]:
    """Every cell parsed, or ValidationError keyed by the cell names of all bad cells."""
    errors: dict[str, str] = {}
    parsed, seen = [], set()
    for raw in cells:
        cell = raw if isinstance(raw, PlanCellInput) else PlanCellInput(**raw)
        if (cell.target, cell.month) in seen:
            errors[cell_name("amount", cell.target, cell.month)] = _("Ячейка указана дважды.")
            continue
        seen.add((cell.target, cell.month))
        result = _parse_cell(cell, targets, errors)
        if result is not None:
            parsed.append(result)
    if errors:
        raise ValidationError(errors)
    return parsed


def _check_selection(year: int, scope: str) -> None:
    if year not in YEARS:
        raise ValidationError({"year": _("Год — от 2000 до 2100.")})
    if scope not in PlanScope.values:
        raise ValidationError({"scope": _("Неизвестный уровень плана.")})


def _new_plan(scope: str, target: str, month: datetime.date, product_line: ProductLine | None) -> SalesPlan:
    target_id = int(target.split(":")[1]) if ":" in target else None
    plan = SalesPlan(month=month, scope=scope, product_line=product_line, amount=0, contracts_count=0)
    if target_id is not None:
        setattr(plan, f"{scope}_id", target_id)
    return plan


def _save_cell(
    actor: User, cell: _ParsedCell, plan: SalesPlan | None, *, year: int, scope: str, line: ProductLine | None
) -> bool:
    """Create, change or clear one month's plan; audit it; False when the cell did not change."""
    old = (plan.amount, plan.contracts_count) if plan else (None, None)
    if cell.amount is None and cell.contracts_count is None:
        if plan is None:
            return False
        record_event(actor=actor, action="plan.cleared", subject=plan, changes=_changes(old, (None, None)))
        plan.delete()
        return True
    new = (cell.amount or Decimal(0), cell.contracts_count or 0)
    if plan is not None and old == new:
        return False
    plan = plan or _new_plan(scope, cell.target, datetime.date(year, cell.month, 1), line)
    plan.amount, plan.contracts_count = new
    plan.save()
    record_event(actor=actor, action="plan.set", subject=plan, changes=_changes(old, new))
    return True


def _changes(old: tuple[Any, Any], new: tuple[Any, Any]) -> dict[str, list[Any]]:
    return {"amount": [old[0], new[0]], "contracts_count": [old[1], new[1]]}


def set_plans(
    *,
    actor: User,
    year: int,
    scope: str,
    product_line: ProductLine | None,
    cells: Iterable[PlanCellInput | Mapping[str, Any]],
) -> int:
    """Save a grid of monthly plans (head of sales only); all or nothing; returns the number of changed months.

    A cell with both values blank removes that month's plan; one blank value of two counts as 0.
    """
    if not may_edit_plans(actor):
        raise PermissionDenied(_("Планы устанавливает только начальник отдела продаж."))
    _check_selection(year, scope)
    targets = {target.key for target in plan_targets_for(actor, scope)}
    parsed = _parse_cells(cells, targets)
    try:
        with transaction.atomic():
            rows = plan_rows(year=year, scope=scope, product_line=product_line, targets=list(targets))
            stored = {(plan.scope_key, plan.month.month): plan for plan in rows.select_for_update()}
            changed = [
                _save_cell(
                    actor, cell, stored.get((cell.target, cell.month)), year=year, scope=scope, line=product_line
                )
                for cell in parsed
            ]
            return sum(changed)
    except IntegrityError:
        raise ValidationError(_("Планы одновременно изменил другой пользователь — обновите страницу.")) from None
