"""The XLSX of a drill-down table opens with openpyxl and holds the dashboard's numbers."""

import io

import openpyxl

from crm.analytics.exports import drilldown_xlsx
from crm.analytics.queries import dashboard
from crm.analytics.tests.conftest import Q4, TODAY


def test_team_level_of_the_centre_as_xlsx(sales):
    centre = dashboard(sales.head, Q4, TODAY).tree.find(f"region:{sales.centre.pk}")
    data = drilldown_xlsx(centre.children, title="Центр: команды")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Центр  команды"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows == [
        ["Название", "Факт, ₽", "Факт, договоров", "План, ₽", "План на дату, ₽", "Отклонение", "Флаг"],
        ["Команда А", 2_500_000, 4, 4_000_000, 2_000_000, 0.25, "▲ выше плана"],
        ["Команда Б", 1_100_000, 1, "нет плана", "нет плана", "—", None],
    ]
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.b is True
    assert (sheet["B2"].number_format, sheet["C2"].number_format, sheet["F2"].number_format) == (
        '#,##0 "₽"',
        "#,##0",
        "0.0%",
    )


def test_managers_with_a_flag_below_and_cuts(sales):
    result = dashboard(sales.head, Q4, TODAY)
    team_a = result.tree.find(f"team:{sales.team_a.pk}")
    sheet = openpyxl.load_workbook(io.BytesIO(drilldown_xlsx(team_a.children))).active
    assert [cell.value for cell in sheet[3]] == ["Андреев И.", 500_000, 1, 1_250_000, 625_000, -0.2, "▼ ниже плана"]
    lines = openpyxl.load_workbook(io.BytesIO(drilldown_xlsx(result.by_product_line, title="Виды"))).active
    assert [cell.value for cell in lines[2]] == ["Имущество", 1_600_000, 3, 2_000_000, 2_000_000, -0.2, "▼ ниже плана"]
