"""The head of sales opens the dashboard, finds the team under plan, drills down to a deal and exports XLSX.

The live server uses the real today, so the data is built around `crm.core.periods.today()`: contracts
between the quarter's first day and today, and plans set so that each node's deviation from the plan to
date is a chosen figure whatever the day (team «Север» −35 %, its manager Иванов −45 %).
"""

import datetime
import io
import itertools
import re
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from crm.analytics.sales import comparison_windows, plan_to_date
from crm.catalog.factories import ProductFactory
from crm.catalog.models import Product, ProductLine
from crm.clients.factories import ClientFactory
from crm.core.periods import Period, today
from crm.core.roles import Role
from crm.org.factories import RegionFactory, TeamFactory, UserFactory
from crm.org.models import Team, User
from crm.pipeline.factories import DealFactory
from crm.pipeline.models import Stage
from crm.planning.models import SalesPlan
from crm.policies.models import Contract

pytestmark = [pytest.mark.browser]

NB = "\u00a0"
TURNOVER = {"micro": "90000000", "small": "500000000", "medium": "1500000000", "large": "6000000000"}
LINES = ["property", "kasko", "cargo", "liability", "cyber"]
SEGMENTS = ["small", "medium", "large", "micro"]
# manager: (team, contracts this quarter in ₽, deviation of their plan to date)
SALES = {
    ("Иванов", "Пётр"): ("Север", [400_000, 250_000], "-0.45"),
    ("Петрова", "Анна"): ("Север", [600_000, 350_000, 300_000], "-0.25"),
    ("Соколов", "Илья"): ("Юг", [900_000, 700_000, 450_000], "0.05"),
    ("Попова", "Мария"): ("Юг", [800_000, 650_000], "-0.05"),
    ("Морозов", "Андрей"): ("Екатеринбург", [1_200_000, 950_000], "0.18"),
    ("Лебедев", "Олег"): ("Екатеринбург", [700_000, 600_000, 500_000], "0.08"),
}
TEAM_DEVIATIONS = {"Север": "-0.35", "Юг": "0.02", "Екатеринбург": "0.12"}
REGION_DEVIATIONS = {"Центр": "-0.12", "Урал": "0.12"}
_numbers = itertools.count(1)


def _product(line_code: str) -> Product:
    line = ProductLine.objects.get(code=line_code)
    return Product.objects.filter(product_line=line).first() or ProductFactory(product_line=line, name=line.name)


def _sell(manager: User, amount: int, on: datetime.date, index: int) -> None:
    client = ClientFactory(
        manager=manager,
        name=f"ООО «{manager.last_name}-Партнёр {index}»",
        turnover_amount=Decimal(TURNOVER[SEGMENTS[index % len(SEGMENTS)]]),
    )
    Contract.objects.create(
        number=f"ДС-{next(_numbers):05d}",
        client=client,
        product=_product(LINES[index % len(LINES)]),
        manager=manager,
        concluded_on=on,
        starts_on=on,
        ends_on=on + datetime.timedelta(days=364),
        written_premium_amount=Decimal(amount),
    )


def _spread(window: Period, index: int, count: int) -> datetime.date:
    """The index-th of `count` days spread over the window, the last one on its last day."""
    return window.first + datetime.timedelta(days=(window.days - 1) * (index + 1) // count)


def _plan(scope: str, target, fact: int, deviation: str, day: datetime.date, count: int, line: str = "") -> None:
    """Equal monthly plans of the quarter whose plan to date makes fact ÷ plan to date − 1 equal `deviation`."""
    quarter = _quarter(day)
    elapsed = plan_to_date({month.first.replace(day=1): Decimal(1) for month in quarter.months()}, quarter, day)
    monthly = (Decimal(fact) / ((1 + Decimal(deviation)) * elapsed)).quantize(Decimal("0.01"))
    product_line = ProductLine.objects.get(code=line) if line else None
    for month in quarter.months():
        fields = {scope: target} if target is not None else {}
        SalesPlan.objects.create(
            month=month.first, scope=scope, amount=monthly, contracts_count=count, product_line=product_line, **fields
        )


def _quarter(day: datetime.date) -> Period:
    return Period.quarter(day.year, (day.month - 1) // 3 + 1)


def _open_deals(manager: User, quarter: Period, day: datetime.date, index: int) -> None:
    stages = list(Stage.objects.order_by("position"))
    client = ClientFactory(manager=manager, name=f"АО «{manager.last_name}-Логистик»")
    for number, (stage, amount) in enumerate([(stages[1], 1_500_000), (stages[3], 800_000)]):
        DealFactory(
            client=client,
            manager=manager,
            product=_product(LINES[(index + number) % len(LINES)]),
            title=f"{_product(LINES[(index + number) % len(LINES)]).product_line.name} для {client.name}",
            stage=stage,
            amount=Decimal(amount),
            expected_close_on=_spread(Period(day, quarter.last), number + 1, 3),
        )
    overdue_on = day - datetime.timedelta(days=5 + index)
    DealFactory(
        client=client,
        manager=manager,
        title=f"Пролонгация {client.name}",
        amount=Decimal(300_000),
        stage=stages[2],
        expected_close_on=overdue_on,
    )


def _closed_deals(manager: User, windows, won: int, lost: int) -> None:
    """Deals won and lost in the elapsed part of the quarter (and half as many in the previous one)."""
    stage = Stage.objects.order_by("-position").first()
    for window, share in ((windows.elapsed, 1), (windows.previous_comparable, 2)):
        outcomes = ["won"] * (won // share) + ["lost"] * (lost // share)
        for number, status in enumerate(outcomes):
            extra = {"lost_reason": "price"} if status == "lost" else {}
            DealFactory(
                client=ClientFactory(manager=manager),
                manager=manager,
                stage=stage,
                amount=Decimal(200_000),
                status=status,
                closed_on=_spread(window, number, len(outcomes)),
                **extra,
            )


def _falling_cargo(manager: User, windows) -> None:
    """Cargo for micro clients sold ten contracts in each comparison window and none now: a hot spot."""
    for window in (windows.previous_comparable, windows.last_year_comparable):
        for number in range(10):
            on = _spread(window, number, 10)
            client = ClientFactory(manager=manager, turnover_amount=Decimal(TURNOVER["micro"]))
            Contract.objects.create(
                number=f"ДС-{next(_numbers):05d}",
                client=client,
                product=_product("cargo"),
                manager=manager,
                concluded_on=on,
                starts_on=on,
                ends_on=on + datetime.timedelta(days=364),
                written_premium_amount=Decimal(150_000),
            )


def _structure() -> dict[str, Team]:
    """Regions Центр (teams Север, Юг) and Урал (team Екатеринбург), each team with its senior as lead."""
    regions = {"Центр": RegionFactory(name="Центр", code="C"), "Урал": RegionFactory(name="Урал", code="U")}
    team_regions = {"Север": "Центр", "Юг": "Центр", "Екатеринбург": "Урал"}
    teams = {name: TeamFactory(name=name, region=regions[region]) for name, region in team_regions.items()}
    leads = [("Смирнова", "Ольга"), ("Кузнецов", "Дмитрий"), ("Волков", "Сергей")]
    for team, (last_name, first_name) in zip(teams.values(), leads, strict=True):
        lead = UserFactory(role=Role.SENIOR_MANAGER, team=team, last_name=last_name, first_name=first_name)
        Team.objects.filter(pk=team.pk).update(lead=lead)
    return teams


def _sales(teams: dict[str, Team], windows, day: datetime.date) -> dict[str, int]:
    """Each manager's contracts (this quarter, the previous one, a year ago), plans, deals; facts per scope."""
    facts: dict[str, int] = {}
    for index, ((last_name, first_name), (team, amounts, deviation)) in enumerate(SALES.items()):
        manager = UserFactory(role=Role.MANAGER, team=teams[team], last_name=last_name, first_name=first_name)
        for number, amount in enumerate(amounts):
            _sell(manager, amount, _spread(windows.elapsed, number, len(amounts)), index + number)
            _sell(manager, amount * 9 // 10, _spread(windows.previous, number, len(amounts)), index + number + 1)
            last_year_on = _spread(windows.last_year, number + 1, len(amounts) + 1)
            _sell(manager, amount * 3 // 4, last_year_on, index + number + 2)
            line = LINES[(index + number) % len(LINES)]
            facts[line] = facts.get(line, 0) + amount
            facts["previous"] = facts.get("previous", 0) + amount * 9 // 10
        _plan("manager", manager, sum(amounts), deviation, day, len(amounts))
        _open_deals(manager, windows.current, day, index)
        _closed_deals(manager, windows, *((2, 10) if team == "Екатеринбург" else (8, 3)))
        if last_name == "Соколов":
            _falling_cargo(manager, windows)
        for key in (team, teams[team].region.name, "company"):
            facts[key] = facts.get(key, 0) + sum(amounts)
    return facts


@pytest.fixture
def department(browser_db):
    day = today()
    windows = comparison_windows(_quarter(day), day)
    teams = _structure()
    head = UserFactory(username="boss", role=Role.HEAD_OF_SALES, last_name="Главная", first_name="Анна")
    facts = _sales(teams, windows, day)
    for name, team in teams.items():
        _plan("team", team, facts[name], TEAM_DEVIATIONS[name], day, 3)
    regions = {team.region.name: team.region for team in teams.values()}
    for name, deviation in REGION_DEVIATIONS.items():
        _plan("region", regions[name], facts[name], deviation, day, 5)
    _plan("company", None, facts["company"], "-0.06", day, 12)
    _plan("company", None, facts["property"], "-0.2", day, 1, line="property")
    _plan("company", None, facts["kasko"], "0.15", day, 1, line="kasko")
    # The previous quarter's plan: its sales (and the cargo that has since stopped) came to 92,6 % of it.
    monthly = (Decimal(facts["previous"] + 10 * 150_000) * Decimal("1.08") / 3).quantize(Decimal("0.01"))
    for month in windows.previous.months():
        SalesPlan.objects.create(month=month.first, scope="company", amount=monthly, contracts_count=5)
    return {"head": head, "north": teams["Север"], "facts": facts}


def _number(text: str) -> Decimal:
    return Decimal(text.replace(NB, "").replace("₽", "").replace("−", "-").strip())


def test_head_finds_the_team_under_plan_drills_to_a_deal_and_exports(
    page, live_server, login, department, screenshot_dir
):
    login("boss")
    expect(page.get_by_test_id("scope-name")).to_have_text("Компания")  # the head lands on the dashboard
    north = department["north"]
    flagged = page.locator(f'[data-flagged="team:{north.pk}"]')
    expect(flagged).to_contain_text("Север")
    expect(flagged).to_contain_text(f"−35,0{NB}%")
    expect(flagged).to_contain_text("▼ ниже плана")
    expect(page.locator("#trend-chart svg")).to_be_visible()  # ECharts drew the trend
    page.screenshot(path=str(screenshot_dir / "dashboard.png"), full_page=True)

    drilldown = page.locator("#drilldown")
    drilldown.get_by_role("link", name="Центр").click()
    expect(drilldown.get_by_test_id("crumbs")).to_have_text("Компания Центр", use_inner_text=True)
    assert page.url.startswith(f"{live_server.url}/dashboard/node/region:")  # htmx pushed the level's address
    row = drilldown.locator(f'tr[data-node="team:{north.pk}"]')
    expect(row).to_have_class(re.compile(r"\brow-below\b"))
    expect(row).to_contain_text(f"1{NB}900{NB}000{NB}₽")
    expect(row).to_contain_text("▼ ниже плана")

    row.get_by_role("link", name="Север").click()
    expect(drilldown.get_by_test_id("crumbs")).to_contain_text("Север")
    managers = drilldown.locator("tr[data-node]")
    expect(managers).to_have_count(4)  # the team, Иванов, Петрова and the lead Смирнова
    shown = [
        [cell.inner_text().strip() for cell in managers.nth(index).locator("td").all()]
        for index in range(managers.count())
    ]
    with page.expect_download() as download_info:
        drilldown.get_by_test_id("export-hierarchy").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"plan-fact-hierarchy-team-{north.pk}-")
    sheet = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[0] for row in rows] == ["Север", "Иванов П.", "Петрова А.", "Смирнова О."]
    assert [row[1:3] for row in rows] == [[1_900_000, 5], [650_000, 2], [1_250_000, 3], [0, 0]]
    for page_row, sheet_row in zip(shown, rows, strict=True):
        assert [_number(page_row[1]), int(page_row[2])] == [sheet_row[1], sheet_row[2]]
        if isinstance(sheet_row[4], float):
            assert _number(page_row[4]) == round(Decimal(str(sheet_row[4])))
    assert rows[0][5] == pytest.approx(-0.35, abs=1e-6) and rows[0][6] == "▼ ниже плана"
    assert rows[1][5] == pytest.approx(-0.45, abs=1e-6)

    drilldown.get_by_role("link", name="Иванов П.").click()
    expect(drilldown.get_by_test_id("contracts").locator("tr[data-contract]")).to_have_count(2)
    expect(drilldown.get_by_test_id("manager-deals")).to_contain_text(f"650{NB}000{NB}₽")
    page.screenshot(path=str(screenshot_dir / "dashboard-manager.png"), full_page=True)
    deal_link = drilldown.get_by_test_id("open-deals").locator("tr[data-deal] a").first
    title = deal_link.inner_text()
    deal_link.click()
    expect(page.locator("h1")).to_contain_text(title)
