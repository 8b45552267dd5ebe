"""The head of sales opens the Top-20 by LTV, goes to the bottom of the list, opens a toxic client's card and
reads why it is toxic.

The live server uses the real today, so the contracts, claims and complaints are placed relative to
`crm.core.periods.today()`: «Трудный клиент» earned 1 000 000 ₽ over a finished one-year contract and cost
2 000 000 ₽ in claims (loss ratio 2,00 → 24 points) with 8 complaints (twice the threshold of 4 → 50 points).
"""

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from crm.catalog.factories import ProductFactory
from crm.catalog.models import Product, ProductLine
from crm.clients.factories import ClientFactory
from crm.clients.models import Client, Industry
from crm.core.periods import today
from crm.core.roles import Role
from crm.finance.models import Claim
from crm.org.factories import RegionFactory, TeamFactory, UserFactory
from crm.org.models import User
from crm.policies.models import Contract
from crm.service.models import Complaint

pytestmark = [pytest.mark.browser]

NB = "\u00a0"
DAY = datetime.timedelta(days=1)
_numbers = itertools.count(1)


def _product(code: str) -> Product:
    line = ProductLine.objects.get(code=code)
    return Product.objects.filter(product_line=line).first() or ProductFactory(product_line=line, name=line.name)


def _client(manager: User, name: str, industry: str) -> Client:
    return ClientFactory(manager=manager, name=name, industry=Industry.objects.get(code=industry))


def _contract(owner: Client, starts: datetime.date, premium: int, code: str = "property") -> Contract:
    return Contract.objects.create(
        number=f"ЖП-{next(_numbers):05d}",
        client=owner,
        product=_product(code),
        manager=owner.manager,
        concluded_on=starts,
        starts_on=starts,
        ends_on=starts + 364 * DAY,
        written_premium_amount=Decimal(premium),
        status="expired" if starts + 364 * DAY < today() else "in_force",
    )


@pytest.fixture
def portfolio(browser_db):
    day = today()
    team = TeamFactory(name="Москва", region=RegionFactory(name="Москва", code="MSK"))
    manager = UserFactory(role=Role.MANAGER, team=team, last_name="Соколов", first_name="Илья")
    UserFactory(username="boss", role=Role.HEAD_OF_SALES, last_name="Главная", first_name="Анна")
    for index, premium in enumerate([3_650_000, 2_400_000, 1_800_000, 900_000]):
        _contract(_client(manager, f"ООО «Партнёр {index + 1}»", "trade"), day - 200 * DAY, premium)
    hard = _client(manager, "ООО «Трудный клиент»", "logistics")
    contract = _contract(hard, day - 400 * DAY, 1_000_000, "cargo")
    for offset in (380, 300, 200, 100):
        loss = day - offset * DAY
        Claim.objects.create(contract=contract, client=hard, loss_on=loss, reported_on=loss, incurred_amount=500_000)
    for offset in range(8):
        Complaint.objects.create(
            client=hard, manager=manager, category="claims", received_on=day - (30 + 40 * offset) * DAY
        )
    return hard


def test_head_finds_a_toxic_client_from_the_ltv_ranking(page, live_server, login, portfolio, screenshot_dir):
    login("boss")
    page.get_by_role("link", name="Прибыльность").click()
    table = page.get_by_test_id("ltv-table")
    expect(table.locator("tbody tr[data-client]")).to_have_count(5)
    expect(table.locator("tbody tr[data-client]").first).to_contain_text("ООО «Партнёр 1»")
    expect(page.get_by_test_id("show-top")).to_have_text("Лучшие 20")
    page.screenshot(path=str(screenshot_dir / "profitability-ltv.png"), full_page=True)

    page.get_by_test_id("show-bottom").click()
    worst = table.locator("tbody tr[data-client]").first
    expect(worst).to_contain_text("ООО «Трудный клиент»")
    expect(worst.get_by_test_id("ltv")).to_have_text(f"-1{NB}000{NB}000{NB}₽")

    worst.get_by_role("link", name="ООО «Трудный клиент»").click()
    expect(page.get_by_test_id("client-name")).to_have_text("ООО «Трудный клиент»")
    panel = page.get_by_test_id("profitability-panel")  # loaded by htmx from /profitability/clients/<id>/panel/
    expect(panel.get_by_test_id("toxic-flag")).to_contain_text("«Токсичный» клиент: 74 баллов при пороге 50")
    expect(panel).to_contain_text("убыточность 2,00 при пороге 1,00")
    expect(panel).to_contain_text("жалоб за 36 мес.: 8 при пороге 4")
    expect(panel.get_by_test_id("panel-ltv")).to_have_text(f"-1{NB}000{NB}000{NB}₽")
    assert re.search(r"/clients/\d+/$", page.url)
    page.screenshot(path=str(screenshot_dir / "profitability-toxic-client-card.png"), full_page=True)

    page.get_by_role("link", name="Прибыльность").click()
    page.get_by_role("link", name="«Токсичные» клиенты").click()
    rows = page.get_by_test_id("toxic-table").locator("tbody tr[data-client]")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_test_id("reasons")).to_contain_text("убыточность 2,00 при пороге 1,00")
