"""The plans API: GET the grid, PUT cells through the same service (head only)."""

from decimal import Decimal

from crm.audit.models import AuditEvent
from crm.planning.models import SalesPlan


def test_get_grid(client, senior_a, team_a, plan):
    plan("team", team_a, 2026, 2, "1500.50", 2)
    client.force_login(senior_a)
    body = client.get("/api/plans/", {"year": 2026, "scope": "team"}).json()
    assert (body["year"], body["scope"], body["product_line"]) == (2026, "team", None)
    (row,) = body["rows"]
    assert (row["target"], row["name"]) == (f"team:{team_a.pk}", "Команда А (Центр)")
    assert row["months"][1] == {"month": 2, "amount": "1500.50", "contracts_count": 2}
    assert row["quarters"] == [{"amount": "1500.50", "contracts_count": "2.00"}, None, None, None]
    assert row["year"] == {"amount": "1500.50", "contracts_count": "2.00"}


def test_get_is_forbidden_to_managers_and_scope_is_checked(client, manager_a, senior_a):
    client.force_login(manager_a)
    assert client.get("/api/plans/").status_code == 403
    client.force_login(senior_a)
    response = client.get("/api/plans/", {"scope": "company"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"scope"}


def test_put_saves_through_the_service(client, head, manager_a):
    client.force_login(head)
    key = f"manager:{manager_a.pk}"
    payload = {
        "year": 2026,
        "scope": "manager",
        "cells": [{"target": key, "month": 4, "amount": 12000.5, "contracts_count": 3}],
    }
    response = client.put("/api/plans/", payload, content_type="application/json")
    assert response.status_code == 200
    row = next(row for row in response.json()["rows"] if row["target"] == key)
    assert row["months"][3] == {"month": 4, "amount": "12000.50", "contracts_count": 3}
    assert SalesPlan.objects.get().amount == Decimal("12000.50")
    assert AuditEvent.objects.get().action == "plan.set"


def test_put_with_a_bad_cell_saves_nothing(client, head, manager_a):
    client.force_login(head)
    key = f"manager:{manager_a.pk}"
    cells = [{"target": key, "month": 1, "amount": "100"}, {"target": key, "month": 2, "amount": "сто"}]
    response = client.put(
        "/api/plans/", {"year": 2026, "scope": "manager", "cells": cells}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {f"amount__{key}__2": ["Сумма «сто» — не число (пример: 12 000,50)."]}
    assert (SalesPlan.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_put_is_for_the_head_only(client, senior_a, team_a):
    client.force_login(senior_a)
    payload = {"year": 2026, "scope": "team", "cells": [{"target": f"team:{team_a.pk}", "month": 1, "amount": "1"}]}
    response = client.put("/api/plans/", payload, content_type="application/json")
    assert response.status_code == 403
    assert SalesPlan.objects.count() == 0
