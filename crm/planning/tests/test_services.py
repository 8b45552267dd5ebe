"""Saving the plan grid: all or nothing, one audit event per changed month, head of sales only."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crm.audit.models import AuditEvent
from crm.catalog.models import ProductLine
from crm.planning.models import SalesPlan
from crm.planning.services import PlanCellInput, set_plans


def _counts():
    return SalesPlan.objects.count(), AuditEvent.objects.count()


def test_set_plans_saves_new_months_and_audits_each(head, manager_a):
    key = f"manager:{manager_a.pk}"
    cells = [PlanCellInput(key, 1, "12 000,50", "3"), PlanCellInput(key, 2, "", ""), PlanCellInput(key, 3, "1 000", "")]
    assert set_plans(actor=head, year=2026, scope="manager", product_line=None, cells=cells) == 2
    saved = {plan.month: (plan.amount, plan.contracts_count, plan.manager) for plan in SalesPlan.objects.all()}
    assert saved == {
        datetime.date(2026, 1, 1): (Decimal("12000.50"), 3, manager_a),
        datetime.date(2026, 3, 1): (Decimal("1000.00"), 0, manager_a),
    }
    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.subject_type, e.actor) for e in events] == [("plan.set", "planning.salesplan", head)] * 2
    assert events[0].changes == {"amount": [None, "12000.50"], "contracts_count": [None, 3]}


def test_changing_and_clearing_months(head, team_a, plan):
    january = plan("team", team_a, 2026, 1, "100.00", 1)
    february = plan("team", team_a, 2026, 2, "200.00", 2)
    plan("team", team_a, 2026, 3, "300.00", 3)
    key = f"team:{team_a.pk}"
    cells = [PlanCellInput(key, 1, "150", "1"), PlanCellInput(key, 2, "", ""), PlanCellInput(key, 3, "300,00", "3")]
    assert set_plans(actor=head, year=2026, scope="team", product_line=None, cells=cells) == 2
    january.refresh_from_db()
    assert january.amount == Decimal("150.00")
    assert not SalesPlan.objects.filter(pk=february.pk).exists()
    events = {e.action: (e.subject_id, e.changes) for e in AuditEvent.objects.all()}
    assert events == {
        "plan.set": (str(january.pk), {"amount": ["100.00", "150.00"], "contracts_count": [1, 1]}),
        "plan.cleared": (str(february.pk), {"amount": ["200.00", None], "contracts_count": [2, None]}),
    }


def test_one_invalid_cell_saves_nothing_and_names_every_bad_cell(head, manager_a, plan):
    plan("manager", manager_a, 2026, 1, "100.00", 1)
    key = f"manager:{manager_a.pk}"
    counts = _counts()
    cells = [PlanCellInput(key, 1, "999", "9"), PlanCellInput(key, 2, "abc", "1"), PlanCellInput(key, 3, "-5", "2,5")]
    with pytest.raises(ValidationError) as error:
        set_plans(actor=head, year=2026, scope="manager", product_line=None, cells=cells)
    assert error.value.message_dict == {
        f"amount__{key}__2": ["Сумма «abc» — не число (пример: 12 000,50)."],
        f"amount__{key}__3": ["Сумма плана не может быть отрицательной."],
        f"contracts_count__{key}__3": ["Число договоров должно быть целым."],
    }
    assert _counts() == counts
    assert SalesPlan.objects.get().amount == Decimal("100.00")


def test_unknown_row_month_and_duplicates_are_refused(head, manager_a):
    key = f"manager:{manager_a.pk}"
    cells = [
        {"target": "manager:999999", "month": 1, "amount": "1"},
        {"target": key, "month": 13, "amount": "1"},
        {"target": key, "month": 1, "amount": "1"},
        {"target": key, "month": 1, "amount": "2"},
    ]
    with pytest.raises(ValidationError) as error:
        set_plans(actor=head, year=2026, scope="manager", product_line=None, cells=cells)
    assert error.value.message_dict == {
        "amount__manager:999999__1": ["Нет такой строки плана, или она вам недоступна."],
        f"amount__{key}__13": ["Месяц — число от 1 до 12."],
        f"amount__{key}__1": ["Ячейка указана дважды."],
    }
    assert _counts() == (0, 0)


def test_unchanged_cells_write_nothing(head, plan):
    plan("company", None, 2026, 5, "1000000.00", 10)
    cells = [PlanCellInput("company", 5, "1 000 000", "10")]
    assert set_plans(actor=head, year=2026, scope="company", product_line=None, cells=cells) == 0
    assert AuditEvent.objects.count() == 0


def test_plans_per_product_line_are_separate_from_the_total(head, plan):
    cyber = ProductLine.objects.get(code="cyber")
    plan("company", None, 2026, 5, "1000.00", 1)
    set_plans(actor=head, year=2026, scope="company", product_line=cyber, cells=[PlanCellInput("company", 5, "40", "")])
    assert {(p.product_line_id, p.amount) for p in SalesPlan.objects.all()} == {
        (None, Decimal("1000.00")),
        (cyber.pk, Decimal("40.00")),
    }


@pytest.mark.parametrize("actor", ["senior_a", "manager_a", "marketing"])
def test_only_the_head_sets_plans(request, actor, team_a):
    user = request.getfixturevalue(actor)
    with pytest.raises(PermissionDenied):
        set_plans(
            actor=user, year=2026, scope="team", product_line=None, cells=[PlanCellInput(f"team:{team_a.pk}", 1, "1")]
        )
    assert _counts() == (0, 0)


def test_year_and_scope_are_checked(head):
    with pytest.raises(ValidationError) as error:
        set_plans(actor=head, year=1999, scope="company", product_line=None, cells=[])
    assert error.value.message_dict == {"year": ["Год — от 2000 до 2100."]}
    with pytest.raises(ValidationError) as error:
        set_plans(actor=head, year=2026, scope="galaxy", product_line=None, cells=[])
    assert error.value.message_dict == {"scope": ["Неизвестный уровень плана."]}
