"""The approvals API: list and retrieve what the caller may see, submit, transitions, structured errors."""

import json

import pytest

from crm.approvals.models import ApprovalRequest
from crm.approvals.tests.conftest import JUSTIFICATION, submit
from crm.audit.models import AuditEvent


def post(client, url: str, data: dict):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def waiting(head, senior_a, deal_a, manager_a):
    return submit(manager_a, deal_a, "0.08")


def test_list_and_retrieve_only_what_the_caller_sees(client, waiting, senior_a, manager_b, marketing):
    client.force_login(senior_a)
    listed = client.get("/api/approvals/?box=waiting").json()
    assert [row["id"] for row in listed["results"]] == [waiting.pk]
    row = listed["results"][0]
    assert (row["state"], row["discount_rate"], row["approver"]["username"], row["client"]) == (
        "submitted",
        "0.0800",
        "senior_a",
        "ООО «Альфа»",
    )
    assert client.get(f"/api/approvals/{waiting.pk}/").json()["justification"] == JUSTIFICATION

    client.force_login(manager_b)
    assert client.get("/api/approvals/").json()["results"] == []
    assert client.get(f"/api/approvals/{waiting.pk}/").json() == {
        "error": {"code": "not_found", "message": "Не найдено."}
    }
    client.force_login(marketing)
    assert client.get("/api/approvals/").status_code == 403


def test_submit_creates_or_applies(client, head, deal_a, manager_a):
    client.force_login(manager_a)
    applied = post(client, "/api/approvals/", {"deal": deal_a.pk, "discount_rate": "0.03", "justification": "—"})
    assert (applied.status_code, applied.json()) == (200, {"applied": True, "deal": deal_a.pk})
    created = post(client, "/api/approvals/", {"deal": deal_a.pk, "discount_rate": "0.2", "justification": "x"})
    assert (created.status_code, created.json()["route"], created.json()["approver"]["username"]) == (
        201,
        "head",
        "head",
    )


def test_bad_submit_is_a_structured_400_and_saves_nothing(client, head, deal_a, manager_a):
    client.force_login(manager_a)
    response = post(client, "/api/approvals/", {"deal": deal_a.pk, "discount_rate": "0.2"})
    assert (response.status_code, response.json()["error"]["fields"]) == (
        400,
        {"justification": ["Обоснуйте запрос: что клиент даёт взамен, почему это выгодно."]},
    )
    assert ApprovalRequest.objects.count() == 0


def test_transitions_through_the_api(client, waiting, senior_a, manager_a):
    client.force_login(manager_a)
    own = post(client, f"/api/approvals/{waiting.pk}/approve/", {"comment": "Сам"})
    assert (own.status_code, own.json()["error"]["fields"]) == (
        400,
        {"non_field_errors": ["Нельзя согласовать собственный запрос."]},
    )
    client.force_login(senior_a)
    returned = post(client, f"/api/approvals/{waiting.pk}/return/", {"comment": "Подробнее"})
    assert returned.json()["state"] == "returned"
    client.force_login(manager_a)
    again = post(
        client, f"/api/approvals/{waiting.pk}/resubmit/", {"discount_rate": "0.09", "justification": "12 филиалов"}
    )
    assert (again.json()["state"], again.json()["round"]) == ("submitted", 2)
    client.force_login(senior_a)
    approved = post(client, f"/api/approvals/{waiting.pk}/approve/", {"comment": "Да"})
    assert (approved.json()["state"], approved.json()["frozen_terms"]["discount_rate"]) == ("approved", "0.0900")
    events = AuditEvent.objects.filter(action__startswith="approval.").order_by("id")
    assert list(events.values_list("action", flat=True)) == [
        "approval.submitted",
        "approval.returned",
        "approval.resubmitted",
        "approval.approved",
    ]


def test_the_schema_documents_the_endpoints(client, head):
    client.force_login(head)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/approvals/", "/api/approvals/{id}/approve/", "/api/approvals/{id}/resubmit/"):
        assert path in schema
