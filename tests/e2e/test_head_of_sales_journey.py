"""The head of sales logs in, opens the pipeline board and a client card (Debian's chromium)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from crm.clients.factories import ClientFactory
from crm.core.roles import Role
from crm.org.factories import RegionFactory, TeamFactory, UserFactory
from crm.pipeline.factories import DealFactory

pytestmark = [pytest.mark.browser]


@pytest.fixture
def department(browser_db):
    team = TeamFactory(name="Команда Север", region=RegionFactory(name="Северо-Запад", code="NW"))
    manager = UserFactory(username="ivanov", role=Role.MANAGER, team=team, last_name="Иванов", first_name="Пётр")
    head = UserFactory(username="boss", role=Role.HEAD_OF_SALES, last_name="Главная", first_name="Анна")
    client = ClientFactory(name="ООО «Балтийская логистика»", short_name="Балтлогистик", manager=manager)
    deal = DealFactory(client=client, title="КАСКО автопарка 2027", amount=Decimal("2450000.00"))
    return {"head": head, "client": client, "deal": deal}


def test_head_opens_the_pipeline_and_a_client_card(page, live_server, login, department, screenshot_dir):
    login("boss")
    expect(page.get_by_test_id("current-user")).to_contain_text("Начальник отдела продаж")

    page.goto(f"{live_server.url}/deals/board/")
    card = page.get_by_text("КАСКО автопарка 2027")
    expect(card).to_be_visible()
    expect(page.locator("body")).to_contain_text("2\u00a0450\u00a0000\u00a0₽")
    page.screenshot(path=str(screenshot_dir / "pipeline-board.png"), full_page=True)

    page.goto(f"{live_server.url}/clients/?q=Балт")
    page.get_by_role("link", name="Балтлогистик").first.click()
    expect(page.locator("body")).to_contain_text(department["client"].inn)
    expect(page.locator("body")).to_contain_text("КАСКО автопарка 2027")
    page.screenshot(path=str(screenshot_dir / "client-card.png"), full_page=True)


def test_manager_creates_a_deal_with_the_client_picker_and_moves_it(page, live_server, login, department):
    login("ivanov")
    page.goto(f"{live_server.url}/deals/new/")
    page.get_by_placeholder("Начните вводить название или ИНН").fill("балт")
    expect(page.locator("#id_client option:checked")).to_contain_text("Балтлогистик")
    page.get_by_label("Продукт").select_option(index=1)
    page.get_by_label("Название").fill("Грузы 2027")
    page.get_by_label("Сумма премии, ₽").fill("1 500 000")
    page.get_by_role("button", name="Создать сделку").click()
    expect(page.locator("body")).to_contain_text("Грузы 2027")

    page.goto(f"{live_server.url}/deals/board/")
    card = page.locator("article.board-card", has_text="Грузы 2027")
    card.locator("select").select_option(label="Переговоры")
    card.get_by_role("button", name="Переместить").click()
    column = page.get_by_role("region", name="Переговоры")
    expect(column).to_contain_text("Грузы 2027")
    expect(column).to_contain_text("Взвешенно: 975\u00a0000\u00a0₽")
