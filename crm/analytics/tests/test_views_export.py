"""XLSX of each drill-down table: opens with openpyxl and holds the numbers the page shows."""

import io
from decimal import Decimal

import openpyxl
import pytest

from crm.analytics.tests.conftest import TODAY
from crm.analytics.tests.test_views import NB, elements

Q4 = {"period": "quarter", "year": "2026", "quarter": "4"}
HEADER = ["Название", "Факт, ₽", "Факт, договоров", "План, ₽", "План на дату, ₽", "Отклонение", "Флаг"]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("crm.analytics.views.today", lambda: TODAY)


def workbook_rows(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def rub_value(text: str) -> Decimal | str:
    """«2 500 000 ₽» → 2500000; «нет плана» stays text."""
    if not text.endswith("₽"):
        return text
    return Decimal(text.removesuffix("₽").replace(NB, "").replace("−", "-"))


def test_a_team_level_as_on_the_page(client, sales):
    client.force_login(sales.head)
    params = {**Q4, "node": f"team:{sales.team_a.pk}"}
    response = client.get("/dashboard/export/hierarchy.xlsx", params)
    filename = f"plan-fact-hierarchy-team-{sales.team_a.pk}-2026-10-01-2026-12-31.xlsx"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    rows = workbook_rows(response)
    assert rows == [
        HEADER,
        ["Команда А", 2_500_000, 4, 4_000_000, 2_000_000, 0.25, "▲ выше плана"],
        ["Алексеев И.", 2_000_000, 3, 3_200_000, 1_600_000, 0.25, "▲ выше плана"],
        ["Андреев И.", 500_000, 1, 1_250_000, 625_000, -0.2, "▼ ниже плана"],
        ["Старшова И.", 0, 0, "нет плана", "нет плана", "—", None],
    ]
    html = client.get(f"/dashboard/node/team:{sales.team_a.pk}/", Q4).content.decode()
    shown = [row["cells"] for row in elements(html, "data-node")]
    for page_row, sheet_row in zip(shown, rows[1:], strict=True):
        assert [rub_value(page_row[1]), int(page_row[2])] == [sheet_row[1], sheet_row[2]]
        assert [rub_value(page_row[3]), rub_value(page_row[4])] == [sheet_row[3], sheet_row[4]]
        assert page_row[7] == (sheet_row[6] or "")


def test_the_root_level_by_default_and_the_cuts(client, sales):
    client.force_login(sales.head)
    rows = workbook_rows(client.get("/dashboard/export/hierarchy.xlsx"))
    assert [row[:3] for row in rows[1:]] == [
        ["Компания", 4_100_000, 7],
        ["Сибирь", 500_000, 2],
        ["Центр", 3_600_000, 5],
    ]
    lines = workbook_rows(client.get("/dashboard/export/product-lines.xlsx", Q4))
    assert lines[1:] == [
        ["Имущество", 1_600_000, 3, 2_000_000, 2_000_000, -0.2, "▼ ниже плана"],
        ["КАСКО", 1_400_000, 3, 2_000_000, 1_000_000, 0.4, "▲ выше плана"],
        ["Киберриски", 1_100_000, 1, "нет плана", "нет плана", "—", None],
    ]
    segments = workbook_rows(client.get("/dashboard/export/segments.xlsx", Q4))
    assert [row[:3] for row in segments[1:]] == [
        ["Микро", 300_000, 2],
        ["Малый", 1_800_000, 2],
        ["Средний", 900_000, 2],
        ["Крупный", 1_100_000, 1],
        ["Ключевой", 0, 0],
    ]


def test_the_export_follows_the_period_and_the_viewers_scope(client, sales):
    client.force_login(sales.senior_a)
    rows = workbook_rows(
        client.get("/dashboard/export/hierarchy.xlsx", {"period": "month", "year": "2026", "month": "11"})
    )
    # November: 15 of 30 days elapsed; team А's plan 1 000 000 → 500 000 to date against 700 000 sold.
    assert rows[1] == ["Команда А", 700_000, 2, 1_000_000, 500_000, pytest.approx(0.4), "▲ выше плана"]
    assert client.get("/dashboard/export/hierarchy.xlsx", {"node": f"team:{sales.team_b.pk}"}).status_code == 404


def test_bad_requests(client, sales, marketing):
    client.force_login(sales.head)
    assert client.get("/dashboard/export/deals.xlsx").status_code == 404
    response = client.get(
        "/dashboard/export/hierarchy.xlsx", {"period": "custom", "first": "2026-10-31", "last": "2026-10-01"}
    )
    assert response.status_code == 400
    assert response.content.decode() == "Неверные параметры периода: Конец периода раньше начала."
    client.force_login(marketing)
    assert client.get("/dashboard/export/segments.xlsx").status_code == 403
