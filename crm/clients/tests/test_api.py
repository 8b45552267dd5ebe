"""The clients REST API: structured JSON errors, scoped reads, writes through the services."""

import pytest
from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator

from crm.audit.models import AuditEvent
from crm.clients.factories import ClientFactory
from crm.clients.models import Client, Industry
from crm.clients.tests.conftest import as_json

NEW_CLIENT = {"name": "ООО «Ромашка»", "inn": "7707083893", "kpp": "773601001", "ogrn": "1027700132195"}


def test_create_with_invalid_inn_answers_400_with_field_messages(client, manager_a):
    client.force_login(manager_a)

    response = client.post("/api/clients/", **as_json({**NEW_CLIENT, "inn": "7707083894", "manager": manager_a.pk}))

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "Проверьте введённые данные.",
            "fields": {"inn": ["Неверная контрольная сумма ИНН — проверьте цифры."]},
        }
    }
    assert (Client.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_create_with_missing_fields_and_a_foreign_manager(client, senior_a, manager_b):
    client.force_login(senior_a)

    missing = client.post("/api/clients/", **as_json({"kpp": "773601001"}))
    foreign = client.post("/api/clients/", **as_json({**NEW_CLIENT, "manager": manager_b.pk}))

    assert missing.json()["error"]["fields"] == {
        "name": ["Обязательное поле."], "inn": ["Обязательное поле."], "manager": ["Обязательное поле."]
    }  # fmt: skip
    assert foreign.json()["error"]["fields"] == {
        "manager": ["Ответственным можно назначить только себя или менеджера своей команды."]
    }
    assert (missing.status_code, foreign.status_code, Client.objects.count(), AuditEvent.objects.count()) == (
        400,
        400,
        0,
        0,
    )


def test_create_answers_201_with_the_card(client, manager_a):
    client.force_login(manager_a)
    industry = Industry.objects.get(code="it")

    response = client.post(
        "/api/clients/",
        **as_json({**NEW_CLIENT, "manager": manager_a.pk, "industry": industry.pk, "turnover_amount": "90000000"}),
    )

    body = response.json()
    created = Client.objects.get()
    assert response.status_code == 201
    assert (body["id"], body["inn"], body["segment"], body["turnover_amount"]) == (
        created.pk,
        "7707083893",
        "micro",
        "90000000.00",
    )
    assert (body["manager"], body["industry"]) == (
        {"id": manager_a.pk, "name": "Алексеев И."}, {"id": industry.pk, "name": "Информационные технологии"}
    )  # fmt: skip
    assert (body["contacts"], body["consents"]) == ([], [])
    assert AuditEvent.objects.get().action == "client.created"


@pytest.mark.parametrize("method", ["get", "post"])
def test_unauthenticated_request_answers_403_json(db, client, method):
    response = getattr(client, method)("/api/clients/", **({} if method == "get" else as_json(NEW_CLIENT)))

    assert response.status_code == 403
    assert response.json() == {
        "error": {"code": "not_authenticated", "message": "Учетные данные не были предоставлены."}
    }
    assert Client.objects.count() == 0


def test_list_search_filter_and_pagination(client, head, manager_a, manager_b):
    ClientFactory(manager=manager_a, name="ООО «Ромашка»", inn="7707083893", is_strategic=True)
    ClientFactory(manager=manager_b, name="ООО «Ромб»")
    ClientFactory(manager=manager_b, name="ООО «Василёк»")
    client.force_login(head)

    def names(**params):
        body = client.get("/api/clients/", params).json()
        return body["count"], [row["name"] for row in body["results"]]

    assert names(q="ром") == (2, ["ООО «Ромашка»", "ООО «Ромб»"])
    assert names(q="770708") == (1, ["ООО «Ромашка»"])
    assert names(manager=manager_b.pk, ordering="-name") == (2, ["ООО «Ромб»", "ООО «Василёк»"])
    assert names(strategic="false") == (2, ["ООО «Василёк»", "ООО «Ромб»"])
    assert names(segment="") == (3, ["ООО «Василёк»", "ООО «Ромашка»", "ООО «Ромб»"])


def test_list_pages_by_fifty(client, head, manager_a):
    ClientFactory.create_batch(51, manager=manager_a)
    client.force_login(head)

    first = client.get("/api/clients/").json()
    second = client.get("/api/clients/", {"page": 2}).json()

    assert (first["count"], len(first["results"]), len(second["results"]), second["next"]) == (51, 50, 1, None)


def test_invalid_filter_answers_400(client, head):
    client.force_login(head)

    response = client.get("/api/clients/", {"ordering": "password", "segment": "huge"})

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"ordering", "segment"}


def test_patch_changes_only_the_given_fields(client, manager_a):
    target = ClientFactory(manager=manager_a, name="ООО «Альфа»", kpp="770101001")
    client.force_login(manager_a)

    response = client.patch(f"/api/clients/{target.pk}/", **as_json({"is_strategic": True, "branch_count": 10}))

    target.refresh_from_db()
    assert (response.status_code, target.is_strategic, target.branch_count, target.name, target.kpp) == (
        200, True, 10, "ООО «Альфа»", "770101001"
    )  # fmt: skip
    assert AuditEvent.objects.get().changes == {"branch_count": [0, 10], "is_strategic": [False, True]}


def test_patch_with_invalid_data_changes_nothing(client, manager_a):
    target = ClientFactory(manager=manager_a, name="ООО «Альфа»")
    client.force_login(manager_a)

    response = client.patch(f"/api/clients/{target.pk}/", **as_json({"name": "ООО «Омега»", "ogrn": "1027700132196"}))

    target.refresh_from_db()
    assert response.json()["error"]["fields"] == {"ogrn": ["Неверная контрольная цифра ОГРН — проверьте цифры."]}
    assert (response.status_code, target.name, AuditEvent.objects.count()) == (400, "ООО «Альфа»", 0)


def test_detail_lists_contacts_and_consents(client, manager_a):
    target = ClientFactory(manager=manager_a)
    contact = target.contacts.create(full_name="Иванова Анна", email="ivanova@example.ru")
    consent = target.consents.create(contact=contact, purpose="Страхование", given_on="2026-01-10", document="№ 1")
    client.force_login(manager_a)

    body = client.get(f"/api/clients/{target.pk}/").json()

    assert body["contacts"] == [
        {"id": contact.pk, "full_name": "Иванова Анна", "position": "", "phone": "", "email": "ivanova@example.ru",
         "is_decision_maker": False}
    ]  # fmt: skip
    assert body["consents"] == [
        {"id": consent.pk, "contact_id": contact.pk, "purpose": "Страхование", "document": "№ 1",
         "given_on": "2026-01-10", "withdrawn_on": None}
    ]  # fmt: skip


def test_schema_documents_the_client_endpoints():
    # Only this app's routes, so another app's schema problem does not hide ours.
    generator = SchemaGenerator(patterns=[path("api/", include("crm.clients.api"))])

    schema = generator.get_schema(request=None, public=True)

    assert set(schema["paths"]["/api/clients/"]) == {"get", "post"}
    assert set(schema["paths"]["/api/clients/{id}/"]) == {"get", "patch"}
    assert schema["paths"]["/api/clients/"]["post"]["operationId"] == "clients_create"
    assert "ClientInput" in schema["components"]["schemas"]
