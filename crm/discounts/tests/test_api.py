"""The rules API: read rules and versions, and ask whether a discount would pass."""

import datetime
from decimal import Decimal

import pytest

from crm.discounts import services
from crm.discounts.tests.conftest import MESSAGE, client_with, make_rule, version_of

NB = "\u00a0"


@pytest.fixture
def rule(head, logistics):
    return make_rule(head, industries=[logistics], turnover_to_amount=Decimal("500000000"))


def test_list_and_detail_shape(client, head, rule, logistics):
    services.change_rule(
        actor=head,
        rule=rule,
        data={
            "name": rule.name,
            "industries": [logistics],
            "turnover_to_amount": Decimal("500000000"),
            "max_discount_rate": Decimal("0.1"),
            "message": MESSAGE,
            "starts_on": datetime.date(2020, 1, 1),
        },
    )
    client.force_login(head)
    rows = client.get("/api/discounts/rules/").json()
    assert len(rows) == 1
    row = rows[0]
    assert (row["id"], row["name"], row["is_active"], row["in_force"], row["status"]) == (
        rule.pk,
        "Логистика до 500 млн",
        True,
        True,
        "Действует",
    )
    current = row["current_version"]
    assert (current["number"], current["max_discount_rate"], current["turnover_to_amount"]) == (
        2,
        "0.1000",
        "500000000.00",
    )
    assert current["industries"] == [{"id": logistics.pk, "name": "Логистика и грузоперевозки"}]
    assert current["conditions_in_words"] == [
        "отрасли: Логистика и грузоперевозки",
        f"оборот менее 500{NB}000{NB}000{NB}₽",
    ]
    detail = client.get(f"/api/discounts/rules/{rule.pk}/").json()
    assert [version["number"] for version in detail["versions"]] == [2, 1]
    first = detail["versions"][1]
    assert client.get(f"/api/discounts/versions/{first['id']}/").json()["max_discount_rate"] == "0.1500"


def test_active_filter_and_manager_view(client, head, manager_a, rule):
    old = make_rule(head, "Старое правило")
    services.set_rule_active(actor=head, rule=old, is_active=False)
    client.force_login(head)
    assert [row["name"] for row in client.get("/api/discounts/rules/", {"active": "false"}).json()] == [
        "Старое правило"
    ]
    client.force_login(manager_a)
    assert [row["name"] for row in client.get("/api/discounts/rules/").json()] == ["Логистика до 500 млн"]
    assert client.get(f"/api/discounts/rules/{old.pk}/").status_code == 404
    assert client.get(f"/api/discounts/versions/{version_of(old).pk}/").status_code == 404


def test_other_departments_get_403(client, underwriter, rule):
    client.force_login(underwriter)
    response = client.get("/api/discounts/rules/")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Правила скидок доступны только отделу продаж."
    assert client.post("/api/discounts/check/", {}, content_type="application/json").status_code == 403


def test_check_says_no_and_names_the_rule(client, manager_a, rule, logistics, cargo):
    customer = client_with(manager_a, logistics, "499999999.99")
    client.force_login(manager_a)
    payload = {"client": customer.pk, "product": cargo.pk, "rate": "0.18"}
    body = client.post("/api/discounts/check/", payload, content_type="application/json").json()
    version = version_of(rule)
    assert body == {
        "allowed": False,
        "message": f"Скидка 18{NB}% превышает максимум 15{NB}% по правилу «Логистика до 500 млн»: {MESSAGE}",
        "rule": {
            "id": rule.pk,
            "name": "Логистика до 500 млн",
            "version_id": version.pk,
            "version": 1,
            "max_discount_rate": "0.1500",
            "message": MESSAGE,
        },
    }


def test_check_within_the_limit_passes_and_still_names_the_rule(client, manager_a, rule, logistics, cargo):
    customer = client_with(manager_a, logistics, "100000000")
    client.force_login(manager_a)
    payload = {"client": customer.pk, "product": cargo.pk, "rate": "0.15"}
    body = client.post("/api/discounts/check/", payload, content_type="application/json").json()
    assert (body["allowed"], body["message"], body["rule"]["version_id"]) == (True, "", version_of(rule).pk)


def test_check_without_a_rule(client, manager_a, rule, logistics, cargo):
    customer = client_with(manager_a, logistics, "500000000")
    client.force_login(manager_a)
    payload = {"client": customer.pk, "product": cargo.pk, "rate": "0.5", "on_date": "2026-03-01"}
    body = client.post("/api/discounts/check/", payload, content_type="application/json").json()
    assert body == {"allowed": True, "message": "", "rule": None}


def test_check_of_another_managers_client_is_refused(client, manager_a, manager_b, rule, logistics, cargo):
    foreign = client_with(manager_b, logistics, "100000000")
    client.force_login(manager_a)
    payload = {"client": foreign.pk, "product": cargo.pk, "rate": "1.5"}
    response = client.post("/api/discounts/check/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "client": ["Клиент не найден или недоступен вам."],
        "rate": ["Убедитесь, что это значение меньше либо равно 1."],
    }


def test_openapi_documents_the_rules_and_the_violation(client, head):
    client.force_login(head)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/discounts/rules/", "/api/discounts/rules/{id}/", "/api/discounts/versions/{id}/"):
        assert "get" in schema["paths"][path]
    assert "post" in schema["paths"]["/api/discounts/check/"]
    assert "400" in schema["paths"]["/api/deals/{id}/"]["patch"]["responses"]
    assert "discount_rule_version" in schema["components"]["schemas"]["Deal"]["properties"]
