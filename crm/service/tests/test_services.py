"""Complaints and NPS from the service desk: client by ИНН, the manager a complaint is about, dates."""

import datetime

import pytest

from crm.audit.models import AuditEvent
from crm.clients.factories import ClientFactory
from crm.policies.tests.factories import ContractFactory
from crm.service.models import Complaint, NpsResponse
from crm.service.services import upsert_complaint, upsert_complaints, upsert_nps_response, upsert_nps_responses

INN = "7707083893"


@pytest.fixture
def client_a(manager_a):
    return ClientFactory(manager=manager_a, inn=INN, name="ООО «Альфа»")


def complaint_item(**overrides):
    item = {
        "external_id": "SD-0000001",
        "client_inn": INN,
        "category": "claims",
        "status": "resolved",
        "received_on": datetime.date(2025, 6, 2),
        "resolved_on": datetime.date(2025, 6, 20),
        "text": "Долго рассматривают заявление об убытке",
    }
    return {**item, **overrides}


def test_a_complaint_is_attributed_to_the_clients_manager_by_default(client_a, manager_a, administrator):
    result = upsert_complaint(actor=administrator, source="service_desk", data=complaint_item())

    complaint = Complaint.objects.get()
    assert (result.status, complaint.client, complaint.manager, complaint.contract) == (
        "created", client_a, manager_a, None
    )  # fmt: skip
    assert AuditEvent.objects.get().action == "complaint.created"


def test_a_complaint_about_a_contract_goes_to_the_contracts_manager(client_a, manager_a2, administrator):
    ContractFactory(client=client_a, manager=manager_a2, number="ИМ-1", external_id="1C-1")

    upsert_complaint(actor=administrator, source="service_desk", data=complaint_item(contract_number="ИМ-1"))

    assert Complaint.objects.get().manager == manager_a2


def test_an_explicit_manager_wins_and_a_resend_is_unchanged(client_a, manager_b, administrator):
    item = complaint_item(manager_login="manager_b")
    upsert_complaint(actor=administrator, source="service_desk", data=item)

    again = upsert_complaints(actor=administrator, source="service_desk", items=[item])

    assert (Complaint.objects.get().manager, again.results[0].status) == (manager_b, "unchanged")
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"client_inn": "7736050003"}, {"client_inn": ["Клиент с ИНН 7736050003 не найден."]}),
        ({"resolved_on": None}, {"resolved_on": ["Для решённой или отклонённой жалобы укажите дату решения."]}),
        ({"status": "open"},
         {"resolved_on": ["Дата решения указывается только для решённой или отклонённой жалобы."]}),
        ({"resolved_on": datetime.date(2025, 6, 1)}, {"resolved_on": ["Дата решения раньше поступления жалобы."]}),
        ({"received_on": datetime.date(2030, 6, 1), "resolved_on": None, "status": "open"},
         {"received_on": ["Дата 01.06.2030 ещё не наступила."]}),
        ({"category": "weather"}, {"category": ["Значения 'weather' нет среди допустимых вариантов."]}),
    ],
)  # fmt: skip
def test_complaint_rules(client_a, administrator, overrides, errors):
    result = upsert_complaint(actor=administrator, source="service_desk", data=complaint_item(**overrides))

    assert (result.status, result.errors) == ("error", errors)
    assert Complaint.objects.count() == 0


def test_a_contract_of_another_client_is_refused(client_a, administrator):
    ContractFactory(number="ЧУЖОЙ-1", external_id="1C-OTHER")

    result = upsert_complaint(
        actor=administrator, source="service_desk", data=complaint_item(contract_external_id="1C-OTHER")
    )

    assert result.errors == {"contract_external_id": ["Договор принадлежит другому клиенту."]}


def test_nps_answers_are_upserted(client_a, administrator):
    items = [
        {"external_id": "NPS-1", "client_inn": INN, "score": 9, "responded_on": datetime.date(2025, 12, 1)},
        {"external_id": "NPS-2", "client_inn": INN, "score": 11, "responded_on": datetime.date(2025, 12, 1)},
    ]

    batch = upsert_nps_responses(actor=administrator, source="service_desk", items=items)
    changed = upsert_nps_response(actor=administrator, source="service_desk", data={"external_id": "NPS-1", "score": 6})

    assert [r.status for r in batch.results] == ["created", "error"]
    assert batch.results[1].errors == {"score": ["Убедитесь, что это значение меньше либо равно 10."]}
    assert changed.status == "updated"
    assert list(NpsResponse.objects.values_list("external_id", "score")) == [("NPS-1", 6)]
    assert AuditEvent.objects.latest("id").changes == {"score": [9, 6]}
