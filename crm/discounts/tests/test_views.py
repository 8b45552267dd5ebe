"""Rule pages over real HTTP: who sees what, the two-step save with the simulation, versions, deactivation."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.audit.models import AuditEvent
from crm.discounts import services
from crm.discounts.models import DiscountRule, DiscountRuleVersion
from crm.discounts.tests.conftest import client_with, make_rule, version_of
from crm.pipeline.factories import DealFactory

NB = "\u00a0"


def _form(logistics, **changes) -> dict[str, object]:
    data = {
        "name": "Логистика до 500 млн",
        "industries": [logistics.pk],
        "turnover_from_amount": "",
        "turnover_to_amount": "500 000 000",
        "strategic": "any",
        "max_discount_rate": "15",
        "message": "Высокая убыточность сегмента.",
        "starts_on": "2026-01-01",
        "ends_on": "",
    }
    return data | changes


def _counts() -> tuple[int, int, int]:
    return DiscountRule.objects.count(), DiscountRuleVersion.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("head", 200), ("senior_a", 200), ("manager_a", 200), ("underwriter", 403), ("marketing", 403)],
)
def test_who_opens_the_list(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/discounts/").status_code == status


def test_managers_see_active_rules_read_only(client, head, manager_a, logistics):
    active = make_rule(head, "Логистика до 500 млн", industries=[logistics], turnover_to_amount=Decimal("5e8"))
    inactive = make_rule(head, "Старое правило")
    inactive.is_active = False
    inactive.save()
    client.force_login(manager_a)
    page = client.get("/discounts/", {"status": "inactive"}).content.decode()
    assert "Логистика до 500 млн" in page and "Старое правило" not in page
    assert f"отрасли: Логистика и грузоперевозки; оборот менее 500{NB}000{NB}000{NB}₽" in page
    assert "Новое правило" not in page and 'data-testid="read-only"' in page
    assert client.get(f"/discounts/{active.pk}/").status_code == 200
    assert client.get(f"/discounts/{inactive.pk}/").status_code == 404


def test_the_head_sees_inactive_rules_on_their_tab(client, head):
    make_rule(head, "Действующее")
    old = make_rule(head, "Старое правило")
    old.is_active = False
    old.save()
    client.force_login(head)
    assert "Старое правило" not in client.get("/discounts/").content.decode()
    page = client.get("/discounts/", {"status": "inactive"}).content.decode()
    assert "Старое правило" in page and "Действующее" not in page and "Отключено" in page


@pytest.mark.parametrize("persona", ["manager_a", "senior_a", "underwriter"])
def test_only_the_head_creates_edits_simulates_and_deactivates(client, request, head, logistics, persona):
    rule = make_rule(head)
    client.force_login(request.getfixturevalue(persona))
    before = _counts()
    assert client.get("/discounts/new/").status_code == 403
    assert client.post("/discounts/new/", _form(logistics, name="Новое", confirm="1")).status_code == 403
    assert client.get(f"/discounts/{rule.pk}/edit/").status_code == 403
    assert client.post(f"/discounts/{rule.pk}/edit/", _form(logistics, confirm="1")).status_code == 403
    assert client.post("/discounts/simulate/", _form(logistics)).status_code == 403
    assert client.post(f"/discounts/{rule.pk}/active/", {"is_active": "0"}).status_code == 403
    assert _counts() == before
    rule.refresh_from_db()
    assert rule.is_active


def test_save_first_shows_the_simulation_and_asks_to_confirm(client, head, manager_a, logistics, cargo):
    customer = client_with(manager_a, logistics, "100000000")
    DealFactory(client=customer, product=cargo, amount=Decimal("1200000"), requested_discount_rate=Decimal("0.2"))
    client.force_login(head)
    before = _counts()
    response = client.post("/discounts/new/", _form(logistics, review="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert _counts() == before
    assert 'data-testid="confirm"' in page and "Подтвердить и сохранить" in page
    assert 'data-testid="simulation-deals">1<' in page
    assert f'data-testid="simulation-premium">1{NB}200{NB}000{NB}₽<' in page

    response = client.post("/discounts/new/", _form(logistics, confirm="1"))
    rule = DiscountRule.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/discounts/{rule.pk}/"
    version = version_of(rule)
    assert (version.number, version.max_discount_rate, version.turnover_to_amount) == (
        1,
        Decimal("0.1500"),
        Decimal("500000000.00"),
    )
    assert list(version.industries.all()) == [logistics]
    assert AuditEvent.objects.latest("id").action == "discount_rule.created"


def test_bad_input_shows_russian_messages_and_saves_nothing(client, head, logistics):
    client.force_login(head)
    before = _counts()
    data = _form(logistics, max_discount_rate="", message="", turnover_from_amount="600 000 000", confirm="1")
    page = client.post("/discounts/new/", data).content.decode()
    assert "Укажите максимальную скидку." in page
    assert "Обязательное поле." in page
    assert _counts() == before
    page = client.post("/discounts/new/", _form(logistics, turnover_from_amount="600 000 000", confirm="1"))
    assert "Верхняя граница оборота должна быть больше нижней." in page.content.decode()
    assert _counts() == before


def test_simulate_answers_the_partial(client, head, manager_a, logistics, cargo):
    customer = client_with(manager_a, logistics, "100000000")
    DealFactory(client=customer, product=cargo, amount=Decimal("300000"), granted_discount_rate=Decimal("0.16"))
    DealFactory(client=customer, product=cargo, amount=Decimal("700000"), granted_discount_rate=Decimal("0.15"))
    client.force_login(head)
    page = client.post("/discounts/simulate/", _form(logistics), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in page
    assert 'data-testid="simulation-deals">1<' in page
    assert f'data-testid="simulation-premium">300{NB}000{NB}₽<' in page
    assert 'data-testid="simulation-clients">1<' in page
    empty = client.post("/discounts/simulate/", _form(logistics, max_discount_rate="")).content.decode()
    assert 'data-testid="simulation-empty"' in empty


def test_edit_saves_a_new_version_shown_in_the_history(client, head, logistics):
    rule = make_rule(head, industries=[logistics], turnover_to_amount=Decimal("500000000"))
    client.force_login(head)
    page = client.get(f"/discounts/{rule.pk}/edit/").content.decode()
    assert 'value="500 000 000"' in page.replace(NB, " ") and 'data-testid="simulation"' in page
    response = client.post(f"/discounts/{rule.pk}/edit/", _form(logistics, max_discount_rate="10", confirm="1"))
    assert response.status_code == 302
    assert list(rule.versions.order_by("number").values_list("number", "max_discount_rate")) == [
        (1, Decimal("0.1500")),
        (2, Decimal("0.1000")),
    ]
    detail = client.get(f"/discounts/{rule.pk}/").content.decode()
    assert 'data-version="2"' in detail and 'data-version="1"' in detail
    assert f'data-testid="rule-max">10,0{NB}%<' in detail


def test_deactivate_from_the_rule_page(client, head):
    rule = make_rule(head)
    client.force_login(head)
    response = client.post(f"/discounts/{rule.pk}/active/", {"is_active": "0"}, follow=True)
    assert "Правило отключено: оно больше не применяется." in response.content.decode()
    rule.refresh_from_db()
    assert not rule.is_active
    assert AuditEvent.objects.latest("id").action == "discount_rule.deactivated"


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_pages_run_a_fixed_number_of_queries(client, head, logistics, region):
    rule = make_rule(head, "Правило 0", industries=[logistics], regions=[region])
    client.force_login(head)
    services.change_rule(
        actor=head,
        rule=rule,
        data={"name": "Правило 0", "industries": [logistics], "max_discount_rate": Decimal("0.1"), "message": "Нет."}
        | {"starts_on": datetime.date(2020, 1, 1)},
    )
    few = (_queries(client, "/discounts/"), _queries(client, f"/discounts/{rule.pk}/"))
    for number in range(1, 8):
        make_rule(head, f"Правило {number}", industries=[logistics], regions=[region])
        services.change_rule(
            actor=head,
            rule=DiscountRule.objects.get(name=f"Правило {number}"),
            data={"name": f"Правило {number}", "max_discount_rate": Decimal("0.1"), "message": "Нет."}
            | {"starts_on": datetime.date(2020, 1, 1)},
        )
    many = (_queries(client, "/discounts/"), _queries(client, f"/discounts/{rule.pk}/"))
    assert few == many
    assert many[0] <= 10
