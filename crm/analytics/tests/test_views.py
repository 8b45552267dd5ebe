"""The dashboard page on the hand-built department (conftest: today 15.11.2026, Q4 2026): exact figures as shown."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.utils.html import escape

from crm.analytics.queries import hot_spots
from crm.analytics.tests.conftest import Q4, TODAY, contract, day, grow
from crm.catalog.models import ProductLine

NB = "\u00a0"
PAGE_QUERIES = 22  # session and user 2, dashboard 12, hot spots 8 (each reads the roll-ups' coverage once)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


FIGURE_SPACE = re.compile(r"(?<=\d) (?=\d)|(?<=\d) (?=[₽%]|п\.)|(?<=п\.) (?=п\.)")


def n(text: str) -> str:
    """Figures as the page prints them: no-break spaces in «4 100 000 ₽», «15,3 %», «+5,0 п. п.»."""
    return FIGURE_SPACE.sub(NB, text)


def sales_line_id(code: str) -> int:
    return ProductLine.objects.get(code=code).pk


class _Element(HTMLParser):
    """Text and cells (td/th) of every element carrying an attribute with a given value."""

    def __init__(self, attribute: str, value: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.attribute, self.value = attribute, value
        self.depth = 0
        self.found: list[dict] = []

    def _matches(self, attrs) -> bool:
        return any(name == self.attribute and (self.value is None or v == self.value) for name, v in attrs)

    def _space(self) -> None:
        self.found[-1]["text"].append(" ")
        if self.found[-1]["cells"]:
            self.found[-1]["cells"][-1].append(" ")

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self._space()
            if tag in ("td", "th"):
                self.found[-1]["cells"].append([])
        if tag in VOID:
            return
        if self.depth:
            self.depth += 1
        elif self._matches(attrs):
            self.depth = 1
            self.found.append({"attrs": dict(attrs), "text": [], "cells": []})

    def handle_endtag(self, tag):
        if tag not in VOID and self.depth:
            self.depth -= 1
            self._space()

    def handle_data(self, data):
        if self.depth:
            self.found[-1]["text"].append(data)
            if self.found[-1]["cells"]:
                self.found[-1]["cells"][-1].append(data)


def _clean(parts) -> str:
    return re.sub(r"[ \t\r\n]+", " ", "".join(parts)).strip()


def elements(html: str, attribute: str, value: str | None = None) -> list[dict]:
    parser = _Element(attribute, value)
    parser.feed(html)
    return [
        {"attrs": found["attrs"], "text": _clean(found["text"]), "cells": [_clean(cell) for cell in found["cells"]]}
        for found in parser.found
    ]


def text(html: str, attribute: str, value: str) -> str:
    return elements(html, attribute, value)[0]["text"]


def cells(html: str, attribute: str, value: str) -> list[str]:
    return elements(html, attribute, value)[0]["cells"]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("crm.analytics.views.today", lambda: TODAY)


def page(client, user, url="/dashboard/", params=None, **headers):
    client.force_login(user)
    response = client.get(url, params or {}, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_head_sees_the_company_kpis(client, sales):
    html = page(client, sales.head)
    assert text(html, "data-testid", "period-label") == "IV квартал 2026"
    assert text(html, "data-testid", "scope-name") == "Компания"
    assert text(html, "data-kpi", "fact") == n("Факт продаж 4 100 000 ₽ Договоров: 7 Средняя премия: 585 714 ₽")
    assert text(html, "data-kpi", "plan") == n(
        "План периода 8 200 000 ₽ На дату: 4 000 000 ₽ Договоров: 16 · на дату 8"
    )
    assert text(html, "data-kpi", "attainment") == n("Выполнение на дату 102,5 % Плана периода: 50,0 %")
    # +2,5 % in roubles is within the threshold; −12,5 % in contracts is flagged, with an arrow and words.
    assert text(html, "data-kpi", "deviation") == n(
        "Отклонение на дату +2,5 % ● в пределах порога В договорах: −12,5 % ▼ ниже плана"
    )
    assert text(html, "data-kpi", "run-rate") == n(
        "Прогноз по темпу 8 200 000 ₽ run-rate: к концу периода при текущем темпе Договоров: 14"
    )
    assert text(html, "data-kpi", "forecast") == n(
        "Взвешенный прогноз 4 730 000 ₽ Факт + воронка 630 000 ₽ Разрыв с планом: ▼ −3 470 000 ₽"
    )
    assert text(html, "data-kpi", "outside") == n(
        "Вне прогноза 1 200 000 ₽ Просрочено сделок: 2 Без ожидаемой даты: 1 · 600 000 ₽"
    )


def test_forecast_by_stage_and_dynamics(client, sales):
    html = page(client, sales.head)
    stages = [row["cells"] for row in elements(html, "data-stage")]
    assert stages == [
        ["Коммерческое предложение", "2", n("1 200 000 ₽"), n("630 000 ₽")],
        ["Согласование договора", "1", n("500 000 ₽"), n("0 ₽")],
    ]
    assert cells(html, "data-dynamics", "amount") == [
        "Факт, ₽",
        n("4 100 000 ₽"),
        n("1 025 000 ₽ +3 075 000 ₽ · +300,0 %"),
        n("1 000 000 ₽ +3 100 000 ₽ · +310,0 %"),
    ]
    assert cells(html, "data-dynamics", "count") == ["Договоров", "7", n("2 +5 · +250,0 %"), n("1 +6 · +600,0 %")]
    # Previous comparable attainment: 1 025 000 ÷ (1 000 000 + 1 500 000 × 15/31) = 59,4 %; no plan a year ago.
    assert cells(html, "data-dynamics", "attainment") == [
        "Выполнение плана на дату",
        n("102,5 %"),
        n("59,4 % +43,1 п. п."),
        "— —",
    ]


def test_hierarchy_rows_are_flagged_with_an_arrow_and_words(client, sales):
    html = page(client, sales.head)
    rows = elements(html, "data-node")
    assert [row["attrs"]["data-node"] for row in rows] == [
        "company",
        f"region:{sales.siberia.pk}",
        f"region:{sales.centre.pk}",
    ]
    company, siberia, centre = (row["cells"] for row in rows)
    assert company == [
        "Компания итого",
        *map(n, ["4 100 000 ₽", "7", "8 200 000 ₽", "4 000 000 ₽", "102,5 %", "+2,5 %"]),
        "",
    ]
    assert siberia == ["Сибирь · команд: 1", n("500 000 ₽"), "2", "нет плана", "нет плана", "—", "—", ""]
    assert centre == [
        "Центр · команд: 2",
        *map(n, ["3 600 000 ₽", "5", "6 000 000 ₽", "3 000 000 ₽", "120,0 %", "+20,0 %"]),
        "▲ выше плана",
    ]
    assert rows[2]["attrs"]["class"].split() == ["row-above"]
    link = f'href="/dashboard/node/region:{sales.centre.pk}/?period=quarter&amp;year=2026&amp;quarter=4"'
    assert link in html


def test_flagged_nodes_and_drivers_of_the_root(client, sales):
    html = page(client, sales.head)
    flagged = elements(html, "data-flagged")
    assert [(item["attrs"]["data-flagged"], item["text"]) for item in flagged] == [
        (f"region:{sales.centre.pk}", n("Регион Центр +20,0 % ▲ выше плана")),
        (f"team:{sales.team_a.pk}", n("Команда Команда А +25,0 % ▲ выше плана")),
        (f"manager:{sales.manager_a.pk}", n("Менеджер Алексеев И. +25,0 % ▲ выше плана")),
        (f"manager:{sales.manager_a2.pk}", n("Менеджер Андреев И. −20,0 % ▼ ниже плана")),
    ]
    assert text(html, "data-testid", "flagged-count") == "4"
    assert text(html, "data-driver", "deals-won") == "Выиграно сделок 5 было 1"
    assert text(html, "data-driver", "win-rate") == n("Конверсия сделок 62,5 % было 50,0 %")
    assert text(html, "data-driver", "average-premium") == n("Средняя премия 585 714 ₽ было 512 500 ₽")
    assert text(html, "data-driver", "count-effect") == n("Эффект числа договоров +2 562 500 ₽")
    assert text(html, "data-driver", "premium-effect") == n("Эффект средней премии +512 500 ₽")


def test_cuts_by_product_line_and_segment(client, sales):
    html = page(client, sales.head)
    lines = {
        row["attrs"]["data-cut"]: row["cells"]
        for row in elements(html, "data-cut")
        if "line" in row["attrs"]["data-cut"]
    }
    assert list(lines.values()) == [
        [
            "Имущество",
            *map(n, ["1 600 000 ₽", "3", "2 000 000 ₽", "2 000 000 ₽", "−20,0 %"]),
            "▼ ниже плана",
            *map(n, ["+166,7 %", "+60,0 %"]),
        ],
        [
            "КАСКО",
            *map(n, ["1 400 000 ₽", "3", "2 000 000 ₽", "1 000 000 ₽", "+40,0 %"]),
            "▲ выше плана",
            n("+229,4 %"),
            "—",
        ],
        ["Киберриски", n("1 100 000 ₽"), "1", "нет плана", "нет плана", "—", "", "—", "—"],
    ]
    assert cells(html, "data-cut", "segment:small") == [
        "Малый",
        n("1 800 000 ₽"),
        "2",
        "нет плана",
        "нет плана",
        "—",
        "",
        n("+75,6 %"),
        n("+80,0 %"),
    ]
    assert cells(html, "data-cut", "segment:key")[:3] == ["Ключевой", n("0 ₽"), "0"]


def test_trend_chart_data_and_its_table(client, sales):
    html = page(client, sales.head)
    data = json.loads(re.search(r'<script id="trend-data" type="application/json">(.*?)</script>', html).group(1))
    assert data["months"] == ["окт 2026", "ноя 2026", "дек 2026"]
    assert (data["fact"], data["plan"], data["lastYear"]) == (
        [3_000_000, 1_100_000, 0],
        [2_800_000, 2_400_000, 3_000_000],
        [1_000_000, 0, 2_000_000],
    )
    assert data["names"] == {"fact": "Факт", "plan": "План", "lastYear": "Факт год назад"}
    scripts = re.findall(r'<script src="/static/([^"]+)"', html)
    assert scripts.index("vendor/echarts/echarts.min.js") < scripts.index("vendor/echarts/langRU.js")
    assert "analytics/dashboard.js" in scripts
    chart = elements(html, "id", "trend-chart")[0]["attrs"]
    assert chart["role"] == "img" and "пунктирная линия с ромбами" in chart["aria-label"]
    table = elements(html, "data-testid", "trend-table")[0]["cells"]
    assert table[6:12] == ["Октябрь 2026", n("3 000 000 ₽"), "4", n("2 800 000 ₽"), "Октябрь 2025", n("1 000 000 ₽")]


def test_senior_manager_sees_their_team(client, sales):
    html = page(client, sales.senior_a)
    assert text(html, "data-testid", "scope-name") == "Команда А"
    assert text(html, "data-kpi", "fact").startswith(n("Факт продаж 2 500 000 ₽ Договоров: 4"))
    rows = {row["attrs"]["data-node"]: row["cells"] for row in elements(html, "data-node")}
    assert list(rows) == [
        f"team:{sales.team_a.pk}",
        f"manager:{sales.manager_a.pk}",
        f"manager:{sales.manager_a2.pk}",
        f"manager:{sales.senior_a.pk}",
    ]
    a2 = rows[f"manager:{sales.manager_a2.pk}"]
    assert a2 == [
        "Андреев И.",
        *map(n, ["500 000 ₽", "1", "1 250 000 ₽", "625 000 ₽", "80,0 %", "−20,0 %"]),
        "▼ ниже плана",
    ]
    assert 'name="threshold"' not in html  # only the head sets the threshold


def test_manager_sees_only_themselves_with_their_deals(client, sales):
    html = page(client, sales.manager_b)
    assert text(html, "data-testid", "scope-name") == "Борисов И."
    assert text(html, "data-kpi", "deviation").startswith(n("Отклонение на дату +10,0 % ● в пределах порога"))
    assert [row["attrs"]["data-cut"] for row in elements(html, "data-cut") if "line" in row["attrs"]["data-cut"]] == [
        "product_line:" + str(sales_line_id("cyber"))
    ]
    deals = elements(html, "data-deal")
    assert [deal["cells"][1:] for deal in deals] == [
        ["Согласование договора", n("500 000 ₽"), n("0,0 %"), n("0 ₽"), "31.12.2026"],
        ["Переговоры", n("600 000 ₽"), n("65,0 %"), n("390 000 ₽"), "без даты"],
    ]


@pytest.mark.parametrize("persona", ["marketing", "underwriter"])
def test_other_roles_are_forbidden(client, sales, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in ("/dashboard/", f"/dashboard/node/team:{sales.team_a.pk}/", "/dashboard/export/hierarchy.xlsx"):
        assert client.get(url).status_code == 403
    assert "Дашборд" not in [str(item.label) for item in client.get("/", follow=True).context["nav_items"]]


def test_anonymous_users_are_sent_to_login(client, sales):
    response = client.get("/dashboard/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/dashboard/")


@pytest.mark.parametrize("persona", ["head", "senior_a", "manager_a"])
def test_the_dashboard_is_the_first_menu_entry_of_sales(client, sales, persona):
    client.force_login(getattr(sales, persona))
    items = client.get("/dashboard/").context["nav_items"]
    assert (str(items[0].label), items[0].url, items[0].is_active) == ("Дашборд", "/dashboard/", True)


def test_drill_down_region_team_manager_deals(client, sales):
    q4 = {"period": "quarter", "year": "2026", "quarter": "4"}
    html = page(client, sales.head, f"/dashboard/node/region:{sales.centre.pk}/", q4)
    assert text(html, "data-testid", "crumbs") == "Компания Центр"
    teams = [row["cells"] for row in elements(html, "data-node")][1:]
    assert teams == [
        [
            "Команда А · сотрудников: 3",
            *map(n, ["2 500 000 ₽", "4", "4 000 000 ₽", "2 000 000 ₽", "125,0 %", "+25,0 %"]),
            "▲ выше плана",
        ],
        ["Команда Б · сотрудников: 2", n("1 100 000 ₽"), "1", "нет плана", "нет плана", "—", "—", ""],
    ]
    html = page(client, sales.head, f"/dashboard/node/team:{sales.team_a.pk}/", q4)
    assert text(html, "data-testid", "crumbs") == "Компания Центр Команда А"
    assert [row["cells"][0] for row in elements(html, "data-node")] == [
        "Команда А итого",
        "Алексеев И.",
        "Андреев И.",
        "Старшова И.",
    ]
    html = page(client, sales.head, f"/dashboard/node/manager:{sales.manager_a.pk}/", q4)
    assert text(html, "data-testid", "crumbs") == "Компания Центр Команда А Алексеев И."
    contracts = [row["cells"][3:] for row in elements(html, "data-contract")]
    assert contracts == [
        ["05.10.2026", n("1 000 000 ₽"), "Действует"],
        ["20.10.2026", n("800 000 ₽"), "Действует"],
        ["03.11.2026", n("200 000 ₽"), "Действует"],
    ]
    deals = [row["cells"][1:] for row in elements(html, "data-deal")]
    assert deals == [
        ["Сбор данных и андеррайтинг", n("400 000 ₽"), n("25,0 %"), n("100 000 ₽"), "14.11.2026 просрочена"],
        ["Коммерческое предложение", n("1 000 000 ₽"), n("45,0 %"), n("450 000 ₽"), "01.12.2026"],
    ]
    assert text(html, "data-driver", "count-effect") == n("Эффект числа договоров +1 200 000 ₽")


def test_htmx_drill_down_answers_only_the_panel(client, sales):
    html = page(client, sales.head, f"/dashboard/node/team:{sales.team_a.pk}/", HX_Request="true")
    assert html.lstrip().startswith('<section id="drilldown"') and "<html" not in html
    assert 'hx-target="#drilldown"' in html and 'hx-push-url="true"' in html


def test_drill_down_outside_the_viewers_scope_is_not_found(client, sales):
    client.force_login(sales.senior_a)
    assert client.get(f"/dashboard/node/team:{sales.team_b.pk}/").status_code == 404
    assert client.get(f"/dashboard/node/region:{sales.centre.pk}/").status_code == 404
    client.force_login(sales.manager_a)
    assert client.get(f"/dashboard/node/manager:{sales.manager_a2.pk}/").status_code == 404
    client.force_login(sales.head)
    assert client.get("/dashboard/node/team:987654/").status_code == 404


def test_the_head_sets_the_threshold(client, sales):
    html = page(client, sales.head, params={"threshold": "30"})
    assert text(html, "data-testid", "threshold") == n("±30,0 %")
    assert [item["attrs"]["data-flagged"] for item in elements(html, "data-flagged")] == []
    link = f"/dashboard/node/region:{sales.centre.pk}/?period=quarter&amp;year=2026&amp;quarter=4&amp;threshold=30"
    assert f'href="{link}"' in html
    senior = page(client, sales.senior_a, params={"threshold": "30"})
    assert text(senior, "data-testid", "threshold") == n("±10,0 %")  # the configured default stays for others


@pytest.mark.parametrize(
    ("params", "period_label"),
    [
        ({"period": "month", "year": "2026", "month": "10"}, "Октябрь 2026"),
        ({"period": "year", "year": "2026"}, "2026 год"),
        ({"period": "custom", "first": "2026-10-05", "last": "2026-10-20"}, "05.10.2026 – 20.10.2026"),
        ({"period": "quarter", "year": "2026", "quarter": "3"}, "III квартал 2026"),
    ],
)
def test_period_selector(client, sales, params, period_label):
    html = page(client, sales.head, params=params)
    assert text(html, "data-testid", "period-label") == period_label
    assert 'data-testid="period-errors"' not in html


def test_october_alone(client, sales):
    html = page(client, sales.head, params={"period": "month", "year": "2026", "month": "10"})
    assert text(html, "data-kpi", "fact").startswith(n("Факт продаж 3 000 000 ₽ Договоров: 4"))
    assert cells(html, "data-node", "company")[1:6] == list(
        map(n, ["3 000 000 ₽", "4", "2 800 000 ₽", "2 800 000 ₽", "107,1 %"])
    )


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"period": "week"}, "period", "Выберите корректный вариант. week нет среди допустимых значений."),
        (
            {"period": "quarter", "quarter": "5"},
            "quarter",
            "Выберите корректный вариант. 5 нет среди допустимых значений.",
        ),
        ({"period": "month", "year": "двадцать"}, "year", "Введите целое число."),
        ({"period": "year", "year": "1999"}, "year", "Убедитесь, что это значение больше либо равно 2000."),
        ({"period": "custom", "first": "2026-10-31", "last": "2026-10-01"}, "last", "Конец периода раньше начала."),
        ({"period": "custom", "first": "2026-13-45"}, "first", "Введите правильную дату."),
        ({"threshold": "200"}, "threshold", "Убедитесь, что это значение меньше либо равно 100."),
    ],
)
def test_bad_parameters_are_a_russian_form_error(client, sales, params, field, message):
    html = page(client, sales.head, params=params)
    assert text(html, "data-field-error", field).endswith(message)
    assert text(html, "data-testid", "period-label") == "IV квартал 2026"  # the current quarter is shown instead
    assert text(html, "data-kpi", "fact").startswith(n("Факт продаж 4 100 000 ₽"))


@pytest.mark.parametrize("persona", ["head", "senior_a", "manager_a"])
def test_page_queries_do_not_grow_with_the_data(client, sales, persona, django_assert_max_num_queries):
    client.force_login(getattr(sales, persona))
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get("/dashboard/").status_code == 200
    grow(1)
    grow(2)  # three times the regions, twice the people and more than twice the rows
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get("/dashboard/").status_code == 200
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(f"/dashboard/node/manager:{sales.manager_a.pk}/").status_code == 200


def test_hot_spots_say_why(client, sales):
    """Cargo sold 10 contracts in each comparison window and none now: a falling line and segment."""
    for on in [day(2026, 7, 1 + index) for index in range(10)] + [day(2025, 10, 1 + index) for index in range(10)]:
        contract(sales.manager_b, "cargo", "large", on, 100_000)
    expected = hot_spots(sales.head, TODAY, Q4)
    cargo = f"product_line:{sales_line_id('cargo')}"
    assert cargo in [spot.key for spot in expected.falling]
    html = page(client, sales.head)
    shown = elements(html, "data-spot")
    assert [spot["attrs"]["data-spot"] for spot in shown] == [spot.key for spot in expected.falling]
    for spot, item in zip(expected.falling, shown, strict=True):
        assert item["text"].startswith("▼ продажи падают ·") and spot.name in item["text"]
        assert escape(spot.reason) in html


def test_counts_are_plain_numbers_even_when_pro_rated(client, sales):
    html = page(client, sales.head, params={"period": "custom", "first": "2026-10-01", "last": "2026-10-15"})
    # 6 contracts planned in October × 15/31 days = 2,9 (2,903…).
    assert text(html, "data-kpi", "plan").endswith(n("Договоров: 2,9 · на дату 2,9"))
