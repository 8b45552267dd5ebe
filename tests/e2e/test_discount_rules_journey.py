"""The head writes a discount rule, sees its simulation, saves it; a manager who breaks it is stopped.

History: two deals of small logistics clients got 20 % discounts this year (1 200 000 ₽ and 800 000 ₽),
one got 12 % — so the rule «logistics below 500 M ₽, at most 15 %» would have hit two deals, 2 000 000 ₽.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm.catalog.factories import ProductFactory
from crm.catalog.models import ProductLine
from crm.clients.factories import ClientFactory
from crm.clients.models import Industry
from crm.core.roles import Role
from crm.discounts.models import DiscountRule
from crm.org.factories import RegionFactory, TeamFactory, UserFactory
from crm.pipeline.factories import DealFactory
from crm.pipeline.models import Deal

pytestmark = [pytest.mark.browser]

NB = "\u00a0"
RULE = "Не более 15 % скидки логистическим компаниям с оборотом до 500 млн ₽"


@pytest.fixture
def department(browser_db):
    team = TeamFactory(name="Команда Север", region=RegionFactory(name="Северо-Запад", code="NW"))
    manager = UserFactory(username="ivanov", role=Role.MANAGER, team=team, last_name="Иванов", first_name="Пётр")
    UserFactory(username="boss", role=Role.HEAD_OF_SALES, last_name="Главная", first_name="Анна")
    logistics = Industry.objects.get(code="logistics")
    cargo = ProductFactory(product_line=ProductLine.objects.get(code="cargo"), name="Грузы — экспедиторы")
    month_ago = timezone.now() - datetime.timedelta(days=30)
    for number, (amount, rate) in enumerate([(1_200_000, "0.20"), (800_000, "0.20"), (500_000, "0.12")]):
        customer = ClientFactory(
            name=f"ООО «Экспедитор {number}»", manager=manager, industry=logistics, turnover_amount=Decimal("3e8")
        )
        DealFactory(
            client=customer,
            product=cargo,
            amount=Decimal(amount),
            granted_discount_rate=Decimal(rate),
            created_at=month_ago,
        )
    client = ClientFactory(
        name="ООО «Балтийская логистика»", manager=manager, industry=logistics, turnover_amount=Decimal("2.5e8")
    )
    deal = DealFactory(client=client, product=cargo, title="Грузы Балтлогистик 2027", amount=Decimal("2450000.00"))
    return {"deal": deal}


def test_head_writes_a_rule_and_a_manager_is_stopped_by_it(page, live_server, login, department, screenshot_dir):
    login("boss")
    page.get_by_role("link", name="Правила скидок").click()
    page.get_by_role("link", name="Новое правило").click()
    page.locator("#id_name").fill(RULE)
    page.locator("#id_industries").select_option(label="— Логистика и грузоперевозки")
    page.locator("#id_turnover_to_amount").fill("500 000 000")
    page.locator("#id_max_discount_rate").fill("15")
    page.locator("#id_message").fill("У небольших логистических компаний высокая убыточность по грузам.")
    # htmx recomputed the simulation while the head typed
    expect(page.get_by_test_id("simulation-deals")).to_have_text("2")
    expect(page.get_by_test_id("simulation-premium")).to_have_text(f"2{NB}000{NB}000{NB}₽")
    page.screenshot(path=str(screenshot_dir / "discount-rule-simulation.png"), full_page=True)

    page.get_by_role("button", name="Сохранить").click()
    confirm = page.get_by_test_id("confirm")
    expect(confirm).to_contain_text("Сохранить правило с этими условиями?")
    assert DiscountRule.objects.count() == 0  # nothing saved before the confirmation
    confirm.get_by_role("button", name="Подтвердить и сохранить").click()
    expect(page.locator("h1")).to_have_text(RULE)
    expect(page.get_by_test_id("rule-status")).to_have_text("Действует")
    expect(page.get_by_test_id("rule-conditions")).to_have_text(
        f"отрасли: Логистика и грузоперевозки; оборот менее 500{NB}000{NB}000{NB}₽"
    )
    page.screenshot(path=str(screenshot_dir / "discount-rule-saved.png"), full_page=True)
    page.get_by_role("button", name="Выйти").click()

    login("ivanov")  # the manager sees the rule in force, read-only
    page.get_by_role("link", name="Правила скидок").click()
    expect(page.get_by_test_id("rules")).to_contain_text(RULE)
    expect(page.get_by_test_id("read-only")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "discount-rules-manager.png"), full_page=True)
    deal = department["deal"]
    page.goto(f"{live_server.url}/deals/{deal.pk}/edit/")
    page.get_by_label("Запрошенная скидка, %").fill("18")
    page.get_by_role("button", name="Сохранить").click()
    error = page.locator('[data-field-error="requested_discount_rate"]')
    expect(error).to_contain_text(f"Скидка 18{NB}% превышает максимум 15{NB}% по правилу «{RULE}»")
    expect(error).to_contain_text("высокая убыточность по грузам")
    page.screenshot(path=str(screenshot_dir / "discount-rule-stops-manager.png"), full_page=True)
    deal = Deal.objects.get(pk=deal.pk)
    assert (deal.requested_discount_rate, deal.discount_rule_version_id) == (None, None)
