"""The deals API: same rules as the UI, structured JSON errors."""

import datetime

import pytest

from crm.audit.models import AuditEvent
from crm.catalog.factories import ProductFactory
from crm.clients.factories import ClientFactory
from crm.pipeline.models import Deal, DealStatus
from crm.pipeline.tests.conftest import deal_for


@pytest.fixture
def api(client, manager_a):
    client.force_login(manager_a)
    return client


def test_list_filters_and_shape(api, manager_a, stages):
    deal = deal_for(manager_a, stage=stages[1], title="КАСКО", expected_close_on=datetime.date(2026, 5, 20))
    deal_for(manager_a, stage=stages[2])
    body = api.get("/api/deals/", {"stage": stages[1].pk}).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == deal.pk
    assert row["stage"] == {"id": stages[1].pk, "name": "Сбор данных и андеррайтинг"}
    assert row["client"] == {"id": deal.client_id, "name": str(deal.client), "inn": deal.client.inn}
    assert (row["amount"], row["probability"], row["effective_probability"]) == ("1000000.00", None, "0.2500")
    assert (row["status"], row["expected_close_on"], row["requested_risks"]) == ("open", "2026-05-20", [])


def test_list_rejects_a_bad_filter_with_field_errors(api):
    response = api.get("/api/deals/", {"close_from": "завтра"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert set(response.json()["error"]["fields"]) == {"close_from"}


def test_create_through_the_service(api, manager_a, stages):
    customer = ClientFactory(manager=manager_a)
    payload = {"client": customer.pk, "product": ProductFactory().pk, "amount": "500000.00", "probability": "0.2"}
    response = api.post("/api/deals/", payload, content_type="application/json")
    assert response.status_code == 201
    deal = Deal.objects.get()
    assert response.json()["id"] == deal.pk
    assert (deal.manager, deal.stage, deal.kind) == (manager_a, stages[0], "new")
    assert AuditEvent.objects.get().action == "deal.created"


def test_create_without_client_says_choose_a_client(api):
    response = api.post("/api/deals/", {"product": ProductFactory().pk, "amount": "1"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"client": ["Выберите клиента."]}
    assert Deal.objects.count() == 0


def test_create_for_an_invisible_client_is_the_same_error_as_a_missing_one(api, manager_b):
    product = ProductFactory().pk
    foreign = ClientFactory(manager=manager_b).pk
    answers = [
        api.post(
            "/api/deals/", {"client": pk, "product": product, "amount": "1"}, content_type="application/json"
        ).json()
        for pk in (foreign, 999_999)
    ]
    assert answers[0]["error"]["fields"]["client"][0].replace(str(foreign), "N") == answers[1]["error"]["fields"][
        "client"
    ][0].replace("999999", "N")
    assert Deal.objects.count() == 0


def test_patch_move_and_close(api, manager_a, stages):
    deal = deal_for(manager_a, stage=stages[0])
    patched = api.patch(f"/api/deals/{deal.pk}/", {"probability": "0.5"}, content_type="application/json").json()
    assert patched["effective_probability"] == "0.5000"
    moved = api.post(f"/api/deals/{deal.pk}/move/", {"stage": stages[3].pk}, content_type="application/json").json()
    assert moved["stage"]["name"] == "Переговоры"
    lost = api.post(
        f"/api/deals/{deal.pk}/close-lost/",
        {"lost_reason": "price", "closed_on": "2026-03-02"},
        content_type="application/json",
    ).json()
    assert (lost["status"], lost["lost_reason"], lost["closed_on"]) == ("lost", "price", "2026-03-02")
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "deal.updated",
        "deal.moved",
        "deal.lost",
    ]


def test_closing_a_closed_deal_is_a_structured_400_and_changes_nothing(api, manager_a):
    deal = deal_for(manager_a, status=DealStatus.WON, closed_on=datetime.date(2026, 3, 2))
    response = api.post(f"/api/deals/{deal.pk}/close-won/", {}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "Проверьте введённые данные.",
            "fields": {"non_field_errors": ["Сделка уже закрыта (выиграна 02.03.2026) — повторно закрыть её нельзя."]},
        }
    }
    deal.refresh_from_db()
    assert (deal.status, AuditEvent.objects.count()) == (DealStatus.WON, 0)


def test_close_lost_without_reason(api, manager_a):
    deal = deal_for(manager_a)
    response = api.post(f"/api/deals/{deal.pk}/close-lost/", {}, content_type="application/json")
    assert response.json()["error"]["fields"] == {"lost_reason": ["Укажите причину проигрыша."]}
    deal.refresh_from_db()
    assert deal.status == DealStatus.OPEN


def test_anonymous_gets_json_401_or_403(client):
    response = client.get("/api/deals/")
    assert response.status_code in {401, 403}
    assert "error" in response.json()


def test_schema_documents_the_deal_endpoints(admin_client):
    schema = admin_client.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/deals/", "/api/deals/{id}/", "/api/deals/{id}/move/", "/api/deals/{id}/close-won/"):
        assert path in schema["paths"], path
