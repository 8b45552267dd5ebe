"""A discount above the senior's limit goes to the head, who consults underwriting in the chat and approves.

The manager requests 15 % (senior limit 10 %) from the deal card; the head sees the notification, opens the
decision card and mentions the underwriter; the underwriter (in another browser) answers with a verdict,
which appears on the head's open card without a reload (htmx polling); the head approves with a comment.
"""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from crm.approvals.models import ApprovalRequest
from crm.catalog.factories import ProductFactory
from crm.catalog.models import ProductLine
from crm.clients.factories import ClientFactory
from crm.clients.models import Industry
from crm.core.periods import today
from crm.core.roles import Role
from crm.org.factories import RegionFactory, TeamFactory, UserFactory
from crm.org.models import Team
from crm.pipeline.factories import DealFactory
from crm.pipeline.models import Deal
from crm.policies.models import Contract
from crm.service.models import Complaint, NpsResponse

pytestmark = [pytest.mark.browser]
NB = "\u00a0"
COMMENT = "Согласовать специальные условия в обмен на страхование 10 филиалов"


@pytest.fixture
def department(browser_db):
    team = TeamFactory(name="Москва — Средний бизнес", region=RegionFactory(name="Москва", code="MSK"))
    senior = UserFactory(username="starostina", role=Role.SENIOR_MANAGER, team=team, last_name="Старостина")
    Team.objects.filter(pk=team.pk).update(lead=senior)
    manager = UserFactory(username="andreev", role=Role.MANAGER, team=team, last_name="Андреев", first_name="Павел")
    UserFactory(username="boss", role=Role.HEAD_OF_SALES, last_name="Воронцов", first_name="Игорь")
    UserFactory(username="lapteva", role=Role.UNDERWRITER, last_name="Лаптева", first_name="Марина")
    logistics = Industry.objects.get(code="logistics")
    client = ClientFactory(
        name="ООО «Волга-Терминал»",
        manager=manager,
        industry=logistics,
        turnover_amount=Decimal("1500000000"),
        branch_count=10,
        is_strategic=True,
    )
    product = ProductFactory(product_line=ProductLine.objects.get(code="property"), name="Имущество — Базовый")
    _history(client, product)
    cargo = ProductFactory(product_line=ProductLine.objects.get(code="cargo"), name="Грузы — экспедиторы")
    for number in range(5):  # peers of the same industry and segment all insure cargo
        peer = ClientFactory(manager=manager, industry=logistics, turnover_amount=Decimal("1200000000"))
        _contract(peer, cargo, today() - datetime.timedelta(days=30 + number), f"ГР-{number}")
    return DealFactory(
        client=client, manager=manager, product=product, title="Имущество складов 2027", amount=Decimal("4800000")
    )


def _contract(client, product, starts: datetime.date, number: str, **fields) -> Contract:
    return Contract.objects.create(
        number=number,
        client=client,
        product=product,
        manager=client.manager,
        concluded_on=starts,
        starts_on=starts,
        ends_on=starts + datetime.timedelta(days=364),
        written_premium_amount=Decimal("3900000"),
        status="in_force" if starts + datetime.timedelta(days=364) >= today() else "expired",
        **fields,
    )


def _history(client, product) -> None:
    """Three years of renewed property cover, NPS answers and one complaint."""
    first = _contract(client, product, today() - datetime.timedelta(days=3 * 365 - 20), "ИМ-1")
    second = _contract(client, product, first.ends_on + datetime.timedelta(days=1), "ИМ-2", renewal_of=first)
    _contract(client, product, second.ends_on + datetime.timedelta(days=1), "ИМ-3", renewal_of=second)
    for days_ago, score in [(700, 9), (300, 10), (40, 8)]:
        NpsResponse.objects.create(client=client, score=score, responded_on=today() - datetime.timedelta(days=days_ago))
    Complaint.objects.create(
        client=client, category="documents", status="resolved", received_on=today() - datetime.timedelta(days=90)
    )


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Логин").fill(username)
    page.get_by_label("Пароль").fill("demo-pass-123")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()


def post_in_thread(page: Page, text: str, verdict: str = "") -> None:
    thread = page.get_by_test_id("discussion")
    thread.get_by_label("Сообщение").fill(text)
    if verdict:
        thread.get_by_label("Заключение").select_option(label=verdict)
    thread.get_by_role("button", name="Отправить").click()


@pytest.fixture
def new_page(browser, browser_context_args):
    """A page in a browser context of its own (another person signed in at the same time), closed afterwards."""
    contexts = []

    def _new_page() -> Page:
        contexts.append(browser.new_context(**browser_context_args))
        return contexts[-1].new_page()

    yield _new_page
    for context in contexts:
        context.close()


def test_head_consults_underwriting_and_approves_a_discount_above_the_senior_limit(
    page, new_page, live_server, department, screenshot_dir
):
    base = live_server.url
    sign_in(page, base, "andreev")
    page.goto(f"{base}/deals/{department.pk}/")
    page.get_by_test_id("request-approval").click()
    page.get_by_label("Скидка, %").fill("15")
    page.get_by_label("Особые условия").fill("Рассрочка на 4 платежа")
    page.get_by_label("Обоснование").fill("Клиент готов застраховать у нас 10 филиалов")
    page.get_by_role("button", name="Отправить").click()
    expect(page.get_by_test_id("approval-state")).to_have_text("На согласовании")
    expect(page.get_by_test_id("request")).to_contain_text("Воронцов")  # above 10 %: routed to the head
    request = ApprovalRequest.objects.get()

    head = new_page()
    sign_in(head, base, "boss")
    expect(head.get_by_test_id("unread-count")).to_have_text("1")
    head.locator("#notification-badge").click()
    head.get_by_text(f"Ждёт вашего решения: запрос №{request.pk}").click()
    expect(head.get_by_test_id("decision-card")).to_contain_text("ООО «Волга-Терминал»")
    expect(head.get_by_test_id("requested-discount")).to_contain_text(f"15,0{NB}%")
    expect(head.get_by_test_id("cross-sell")).to_contain_text(f"Грузы — у 100,0{NB}% (5)")
    expect(head.get_by_test_id("reputation")).to_contain_text("Стратегический клиент")
    post_in_thread(head, "@lapteva оцените, пожалуйста, риск по складам")
    expect(head.get_by_test_id("messages")).to_contain_text("оцените, пожалуйста, риск по складам")

    underwriter = new_page()
    sign_in(underwriter, base, "lapteva")
    underwriter.locator("#notification-badge").click()
    underwriter.get_by_text("упоминает вас").click()
    expect(underwriter.get_by_test_id("decision-card")).to_be_visible()
    post_in_thread(underwriter, "Риск приемлем при франшизе 100 000 ₽", verdict="Принять с условиями")
    expect(underwriter.get_by_test_id("messages")).to_contain_text("Риск приемлем")

    # The head's card shows the verdict without a reload: the thread polls for new messages.
    expect(head.get_by_test_id("messages")).to_contain_text("Риск приемлем при франшизе 100 000 ₽", timeout=15_000)
    expect(head.locator('[data-message] [data-verdict="conditions"]')).to_have_text("Принять с условиями")
    head.get_by_label("Комментарий к решению").fill(COMMENT)
    head.get_by_role("button", name="Согласовать").click()
    expect(head.get_by_test_id("approval-state")).to_have_text("Согласован")
    expect(head.get_by_test_id("decision-comment")).to_have_text(COMMENT)
    expect(head.get_by_test_id("frozen-terms")).to_contain_text(f"15,00{NB}%")
    expect(head.get_by_test_id("verdicts")).to_contain_text("Лаптева")
    head.screenshot(path=str(screenshot_dir / "approval-decision-card.png"), full_page=True)

    assert Deal.objects.get(pk=department.pk).granted_discount_rate == Decimal("0.1500")
    request.refresh_from_db()
    assert (request.state, request.decided_by.username, request.decision_comment) == ("approved", "boss", COMMENT)
