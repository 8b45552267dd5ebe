"""The plan editor page: head edits, senior views, others are refused."""

from decimal import Decimal

import pytest
from django.urls import reverse

from crm.audit.models import AuditEvent
from crm.core.navigation import menu_for
from crm.planning.models import SalesPlan

EDITOR = reverse("plans:editor")


def _cells(key, month, amount, count):
    return {f"amount__{key}__{month}": amount, f"contracts_count__{key}__{month}": count}


def test_head_saves_the_grid(client, head, team_a):
    client.force_login(head)
    key = f"team:{team_a.pk}"
    url = f"{EDITOR}?year=2026&scope=team"
    response = client.post(url, _cells(key, 1, "12 000,50", "3") | _cells(key, 2, "", ""))
    assert response.status_code == 302
    assert response.url == url
    plan = SalesPlan.objects.get()
    assert (plan.team, plan.month.month, plan.amount, plan.contracts_count) == (team_a, 1, Decimal("12000.50"), 3)
    page = client.get(url).content.decode()
    assert f'name="amount__{key}__1" value="12\u00a0000,50"' in page
    assert "План сохранён: изменено месяцев — 1." in page


def test_invalid_cell_keeps_typed_values_and_saves_nothing(client, head, team_a, plan):
    plan("team", team_a, 2026, 1, "100.00", 1)
    client.force_login(head)
    key = f"team:{team_a.pk}"
    counts = (SalesPlan.objects.count(), AuditEvent.objects.count())
    response = client.post(f"{EDITOR}?year=2026&scope=team", _cells(key, 1, "555", "5") | _cells(key, 2, "abc", "1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="amount__{key}__2" value="abc"' in html
    assert f'name="amount__{key}__1" value="555"' in html
    assert f'data-cell-error="amount__{key}__2">Сумма «abc» — не число (пример: 12 000,50).<' in html
    assert "Команда А (Центр), февраль, сумма, ₽: Сумма «abc» — не число" in html
    assert (SalesPlan.objects.count(), AuditEvent.objects.count()) == counts
    assert SalesPlan.objects.get().amount == Decimal("100.00")


def test_senior_sees_own_team_read_only(client, senior_a, team_a, team_b, plan):
    plan("team", team_a, 2026, 1, "100.00", 1)
    plan("team", team_b, 2026, 1, "777.00", 7)
    client.force_login(senior_a)
    response = client.get(EDITOR, {"year": 2026, "scope": "team"})
    html = response.content.decode()
    assert response.status_code == 200
    assert [row.target.key for row in response.context["grid"].rows] == [f"team:{team_a.pk}"]
    assert "Только просмотр" in html
    assert 'name="amount__' not in html
    assert "777" not in html
    counts = (SalesPlan.objects.count(), AuditEvent.objects.count())
    response = client.post(f"{EDITOR}?year=2026&scope=team", _cells(f"team:{team_a.pk}", 1, "1", "1"))
    assert response.status_code == 403
    assert (SalesPlan.objects.count(), AuditEvent.objects.count()) == counts
    assert SalesPlan.objects.get(team=team_a).amount == Decimal("100.00")


def test_senior_asking_for_the_company_plan_gets_their_team(client, senior_a):
    client.force_login(senior_a)
    response = client.get(EDITOR, {"scope": "company"})
    assert response.context["grid"].scope == "team"


@pytest.mark.parametrize("actor", ["manager_a", "underwriter", "marketing", "administrator"])
def test_others_are_forbidden(request, client, actor):
    client.force_login(request.getfixturevalue(actor))
    assert client.get(EDITOR).status_code == 403
    assert client.post(EDITOR, {}).status_code == 403


def test_menu_entry_for_head_and_senior_only(head, senior_a, manager_a):
    assert "План продаж" in [item.label for item in menu_for(head, "/")]
    assert "План продаж" in [item.label for item in menu_for(senior_a, "/")]
    assert "План продаж" not in [item.label for item in menu_for(manager_a, "/")]
