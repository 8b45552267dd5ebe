"""The dashboard as a PDF and its drill-down tables as CSV: same figures as the page, Cyrillic font embedded."""

import csv
import io
import re
import zlib

import pytest
from django.template.loader import render_to_string

from crm.analytics.tests.conftest import Q4, TODAY, org, sales  # noqa: F401 - fixtures
from crm.reports.charts import Series, monthly_chart

PERIOD = {"period": "quarter", "year": "2026", "quarter": "4"}
NB = "\u00a0"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("crm.reports.views.today", lambda: TODAY)


def inflated(document: bytes) -> str:
    """The PDF with its compressed streams (objects, page contents) inflated, as text to search."""
    parts = [document.decode("latin-1")]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        try:
            parts.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return "".join(parts)


def pdf_fonts(document: bytes) -> set[str]:
    return {name.split("+")[-1] for name in re.findall(r"/FontName\s*/([A-Za-z0-9+\-]+)", inflated(document))}


def test_the_dashboard_pdf_embeds_a_cyrillic_font(client, sales):  # noqa: F811
    client.force_login(sales.head)
    response = client.get("/dashboard/report.pdf", PERIOD)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="dashboard-2026-10-01-2026-12-31.pdf"'
    document = response.content
    assert document.startswith(b"%PDF-")
    assert {"DejaVu-Sans", "DejaVu-Sans-Bold"} <= pdf_fonts(document)
    assert "/FontFile2" in inflated(document)
    assert len(re.findall(r"/Type\s*/Page\b", inflated(document))) >= 2


def test_the_report_shows_the_dashboards_figures(sales, rf):  # noqa: F811
    from crm.analytics.queries import dashboard
    from crm.reports import views

    result = dashboard(sales.head, Q4, TODAY)
    html = render_to_string(
        "reports/dashboard.html",
        {"title": "Продажи: план и факт", "subtitle": "IV квартал 2026 · Компания", "result": result,
         "chart": views._chart(result), "children": result.tree.children, "flagged": views._flagged(result)},
    )  # fmt: skip
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(NB, " ")
    assert "<h1>Продажи: план и факт</h1>" in html
    assert "Факт продаж 4 100 000 ₽ договоров: 7 План периода 8 200 000 ₽ на дату: 4 000 000 ₽" in text
    assert "Выполнение на дату 102,5 % отклонение: 2,5 %" in text
    assert "Динамика по месяцам 0 1 2 3 млн ₽ окт 26 ноя 26 дек 26 Факт План Факт год назад" in text
    assert "Компания 4 100 000 ₽ 7 8 200 000 ₽ 4 000 000 ₽ 2,5 % Сибирь 500 000 ₽ 2 нет плана нет плана — " in text
    assert "Центр 3 600 000 ₽ 5 6 000 000 ₽ 3 000 000 ₽ 20,0 % ▲" in text
    assert "<svg" in html and "млн ₽" in html


def test_drilldown_tables_as_csv(client, sales):  # noqa: F811
    client.force_login(sales.head)
    response = client.get("/dashboard/export/hierarchy.csv", {**PERIOD, "node": f"team:{sales.team_a.pk}"})
    assert response.status_code == 200
    name = f"plan-fact-hierarchy-team-{sales.team_a.pk}-2026-10-01-2026-12-31.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Название", "Факт, ₽", "Факт, договоров", "План, ₽", "План на дату, ₽", "Отклонение", "Флаг"],
        ["Команда А", "2500000,00", "4", "4000000,00", "2000000,00", "25,0%", "▲ выше плана"],
        ["Алексеев И.", "2000000,00", "3", "3200000,00", "1600000,00", "25,0%", "▲ выше плана"],
        ["Андреев И.", "500000,00", "1", "1250000,00", "625000,00", "-20,0%", "▼ ниже плана"],
        ["Старшова И.", "0,00", "0", "нет плана", "нет плана", "—", ""],
    ]
    assert client.get("/dashboard/export/nothing.csv", PERIOD).status_code == 404
    assert client.get("/dashboard/export/segments.csv", {"period": "quarter", "year": "1900"}).status_code == 400


def test_only_the_sales_hierarchy_gets_the_report(client, sales, service_desk):  # noqa: F811
    client.force_login(service_desk)
    assert client.get("/dashboard/report.pdf", PERIOD).status_code == 403
    assert client.get("/dashboard/export/segments.csv", PERIOD).status_code == 403


def test_the_chart_is_svg_with_gaps_for_missing_values():
    svg = monthly_chart(["окт 26", "ноя 26"], Series("Факт", [1_500_000, None]), [Series("План", [None, 2_100_000])])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<rect") == 1 + 2  # one bar, two legend keys
    assert '<polyline points="' in svg and ">2,5<" in svg and ">3<" not in svg  # ticks 0; 0,5; … 2,5 млн ₽


def test_the_dashboard_links_to_its_pdf_and_csv_tables(client, sales, monkeypatch):  # noqa: F811
    monkeypatch.setattr("crm.analytics.views.today", lambda: TODAY)
    client.force_login(sales.head)
    html = client.get("/dashboard/", PERIOD).content.decode()
    query = "period=quarter&amp;year=2026&amp;quarter=4"
    assert f'href="/dashboard/report.pdf?{query}' in html
    assert f'href="/dashboard/export/segments.csv?{query}' in html
    assert 'href="/dashboard/export/hierarchy.csv?' in html and 'data-testid="export-csv-hierarchy"' in html
