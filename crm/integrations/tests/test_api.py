"""The integration API over real HTTP: tokens, scopes, batch limits, per-item results, idempotency, atomic mode."""

import datetime
import json
from decimal import Decimal

import pytest

from crm.audit.models import AuditEvent
from crm.clients.factories import ClientFactory
from crm.finance.models import Instalment
from crm.integrations.services import revoke_token, set_account_active
from crm.integrations.tests.conftest import post_batch
from crm.policies.tests.factories import ContractFactory
from crm.service.models import Complaint

INSTALMENTS = "/api/integrations/instalments/"
INN = "7707083893"


@pytest.fixture
def contract(manager_a):
    return ContractFactory(client=ClientFactory(manager=manager_a, inn=INN), number="ИМ-7", external_id="1C-7")


def schedule(count=3):
    return [
        {"external_id": f"1C-7-{n}", "contract_external_id": "1C-7", "due_on": f"2025-0{n}-01", "amount": "400000.00",
         "paid_on": f"2025-0{n}-03", "paid_amount": 400000}
        for n in range(1, count + 1)
    ]  # fmt: skip


def state():
    return list(Instalment.objects.order_by("pk").values()), AuditEvent.objects.count()


def test_a_batch_is_answered_item_by_item(client, finance, contract):
    items = [*schedule(2), {"external_id": "1C-7-9", "contract_external_id": "1C-404", "due_on": "2025-13-01",
                            "amount": "-5", "premium": 1}]  # fmt: skip

    response = post_batch(client, finance.secret, INSTALMENTS, items)

    assert response.status_code == 200
    body = response.json()
    assert (body["atomic"], body["committed"]) == (False, True)
    assert body["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "error": 1, "skipped": 0}
    ids = dict(Instalment.objects.values_list("external_id", "pk"))
    assert body["results"] == [
        {"index": 0, "external_id": "1C-7-1", "status": "created", "id": ids["1C-7-1"], "errors": {}},
        {"index": 1, "external_id": "1C-7-2", "status": "created", "id": ids["1C-7-2"], "errors": {}},
        {"index": 2, "external_id": "1C-7-9", "status": "error", "id": None, "errors": {
            "due_on": ["Неверная дата: нужен формат ГГГГ-ММ-ДД, например 2026-11-26."],
            "amount": ["Убедитесь, что это значение больше либо равно 0."],
            "premium": ["Неизвестное поле."],
        }},
    ]  # fmt: skip


def test_the_same_batch_twice_changes_nothing_and_says_so(client, finance, contract):
    post_batch(client, finance.secret, INSTALMENTS, schedule())
    before = state()

    response = post_batch(client, finance.secret, INSTALMENTS, schedule())

    assert [item["status"] for item in response.json()["results"]] == ["unchanged"] * 3
    assert state() == before
    assert before[1] == 2 + 3  # account created + token issued, then one event per instalment


def test_writes_are_audited_as_the_accounts_technical_user(client, finance, contract):
    post_batch(client, finance.secret, INSTALMENTS, schedule(1))

    event = AuditEvent.objects.latest("id")
    assert (event.actor, event.actor_label, event.action) == (
        finance.account.user,
        "api-1с-финансы",
        "instalment.created",
    )
    assert event.request_id != ""


def test_an_unknown_reference_is_an_item_error_in_the_requested_language(client, finance, contract):
    item = {**schedule(1)[0], "contract_external_id": "1C-404"}

    russian = post_batch(client, finance.secret, INSTALMENTS, [item])
    english = post_batch(client, finance.secret, INSTALMENTS, [item], HTTP_ACCEPT_LANGUAGE="en")

    assert russian.json()["results"][0]["errors"] == {
        "contract_external_id": ["Договор с внешним ID «1C-404» не найден."]
    }
    assert list(english.json()["results"][0]["errors"]) == ["contract_external_id"]
    assert Instalment.objects.count() == 0


def test_atomic_mode_rolls_back_the_whole_batch(client, finance, contract):
    items = [*schedule(2), {**schedule(3)[2], "contract_external_id": "1C-404"}]
    before = state()

    response = post_batch(client, finance.secret, f"{INSTALMENTS}?atomic=true", items)

    assert response.status_code == 422
    body = response.json()
    assert (body["committed"], [r["status"] for r in body["results"]]) == (False, ["skipped", "skipped", "error"])
    assert state() == before


def test_atomic_mode_saves_a_valid_batch(client, finance, contract):
    response = post_batch(client, finance.secret, f"{INSTALMENTS}?atomic=1", schedule())

    assert (response.status_code, response.json()["counts"]["created"], Instalment.objects.count()) == (200, 3, 3)


def test_a_finance_token_may_not_write_complaints(client, finance, contract):
    item = {"external_id": "SD-1", "client_inn": INN, "category": "claims", "received_on": "2025-06-01"}
    before = AuditEvent.objects.count()

    response = post_batch(client, finance.secret, "/api/integrations/complaints/", [item])

    assert response.status_code == 403
    assert response.json() == {
        "error": {"code": "permission_denied", "message": "Токену этой системы запрещено записывать такие данные."}
    }
    assert (Complaint.objects.count(), AuditEvent.objects.count()) == (0, before)


def test_a_token_limited_to_some_kinds(client, administrator, contract):
    from crm.integrations.tests.conftest import make_feed

    payments_only = make_feed(administrator, "Платёжный шлюз", "finance", scopes=["instalments"])

    allowed = post_batch(client, payments_only.secret, INSTALMENTS, schedule(1))
    refused = post_batch(client, payments_only.secret, "/api/integrations/claims/", [])

    assert (allowed.status_code, refused.status_code) == (200, 403)


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "Учетные данные не были предоставлены."),
        ("Bearer crm_00000000_unknown", "Токен недействителен, отозван или учётная запись отключена."),
        ("Bearer not-a-token", "Токен недействителен, отозван или учётная запись отключена."),
        ("Bearer two parts", "Заголовок Authorization: Bearer <токен> — без пробелов в токене."),
    ],
)
def test_no_or_unknown_token_answers_401_json(client, finance, contract, authorization, message):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    response = client.post(INSTALMENTS, data=json.dumps(schedule(1)), content_type="application/json", **headers)

    assert (response.status_code, response.headers["WWW-Authenticate"]) == (401, "Bearer")
    assert response.json()["error"]["message"] == message
    assert Instalment.objects.count() == 0


def test_a_revoked_token_and_a_switched_off_account_answer_401(client, administrator, finance, contract):
    revoke_token(actor=administrator, token=finance.token)
    revoked = post_batch(client, finance.secret, INSTALMENTS, schedule(1))
    from crm.integrations.tests.conftest import make_feed

    other = make_feed(administrator, "Резервная 1С", "finance")
    set_account_active(actor=administrator, account=other.account, is_active=False)
    switched_off = post_batch(client, other.secret, INSTALMENTS, schedule(1))

    assert (revoked.status_code, switched_off.status_code) == (401, 401)
    assert revoked.json()["error"]["code"] == "authentication_failed"
    assert Instalment.objects.count() == 0


def test_a_session_login_is_not_enough_for_the_integration_api(client, head, contract):
    client.force_login(head)

    response = post_batch(client, None, INSTALMENTS, schedule(1))

    assert response.status_code == 401
    assert Instalment.objects.count() == 0


def test_an_integration_token_reads_nothing_of_the_users_api(client, finance):
    response = client.get("/api/clients/", HTTP_AUTHORIZATION=f"Bearer {finance.secret}")

    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def test_more_than_1000_items_answers_413(client, finance, contract):
    response = post_batch(client, finance.secret, INSTALMENTS, [{"external_id": f"X-{n}"} for n in range(1001)])

    assert response.status_code == 413
    assert response.json() == {
        "error": {"code": "batch_too_large", "message": "Пакет слишком большой: не больше 1000 элементов и 10 МБ."}
    }
    assert Instalment.objects.count() == 0


def test_a_body_over_10_mb_answers_413_without_being_parsed(client, finance, contract):
    response = post_batch(client, finance.secret, INSTALMENTS, None, raw="[" + " " * (10 * 1024 * 1024) + "]")

    assert (response.status_code, response.json()["error"]["code"]) == (413, "batch_too_large")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('[{"external_id": "1C-7-1",',
         "Неверный JSON: Expecting property name enclosed in double quotes: line 1 column 27 (char 26)"),
        ("[NaN]", "Неверный JSON: NaN is not valid JSON"),
        ("[" * 50000 + "]" * 50000, "Неверный JSON: слишком глубокая вложенность"),
        ('{"external_id": "1C-7-1"}', "Ожидается JSON-массив элементов."),
        ("\"\\ud800\"\xff", None),
    ],
)  # fmt: skip
def test_malformed_json_answers_400_with_a_json_body(client, finance, contract, raw, message):
    response = post_batch(client, finance.secret, INSTALMENTS, None, raw=raw)

    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "parse_error"
    if message:
        assert body["error"]["message"] == message
    assert Instalment.objects.count() == 0


def test_a_body_that_is_not_json_answers_415(client, finance):
    response = client.post(
        INSTALMENTS, data="a;b", content_type="text/csv", HTTP_AUTHORIZATION=f"Bearer {finance.secret}"
    )

    assert (response.status_code, response.json()["error"]["code"]) == (415, "unsupported_media_type")


def test_a_bad_atomic_parameter_answers_400(client, finance):
    response = post_batch(client, finance.secret, f"{INSTALMENTS}?atomic=perhaps", [])

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"atomic": ["Параметр atomic: true или false."]}


def test_items_that_are_not_objects_are_item_errors(client, finance):
    response = post_batch(client, finance.secret, INSTALMENTS, [1, None, {"external_id": 5}])

    assert [r["errors"] for r in response.json()["results"]] == [
        {"non_field_errors": ["Элемент пакета должен быть объектом JSON."]},
        {"non_field_errors": ["Элемент пакета должен быть объектом JSON."]},
        {
            "contract_external_id": ["Укажите договор: contract_external_id или contract_number."],
            "due_on": ["Обязательное поле."],
            "amount": ["Обязательное поле."],
        },
    ]
    assert response.json()["results"][2]["external_id"] == "5"


def test_the_account_endpoint_names_the_account_and_its_scopes(client, finance):
    response = client.get("/api/integrations/me/", HTTP_AUTHORIZATION=f"Bearer {finance.secret}")

    assert response.json() == {
        "account": "1С Финансы", "source_system": "finance", "scopes": ["claims", "contracts", "instalments"],
        "token_prefix": finance.token.prefix, "user": "api-1с-финансы", "max_batch_items": 1000,
    }  # fmt: skip


def test_contracts_claims_and_service_desk_feeds_end_to_end(client, finance, service_feed, manager_a, contract):
    from crm.catalog.factories import ProductFactory

    ProductFactory(name="КАСКО Флот")
    new_contract = {
        "external_id": "1C-8",
        "number": "КА-8",
        "client_inn": INN,
        "product_name": "КАСКО Флот",
        "manager_login": "manager_a",
        "concluded_on": "2025-03-01",
        "starts_on": "2025-03-01",
        "ends_on": "2026-02-28",
        "written_premium_amount": "350000.50",
        "discount_rate": 0.05,
    }
    claim = {
        "external_id": "1C-8-CL1",
        "contract_number": "КА-8",
        "loss_on": "2025-04-01",
        "reported_on": "2025-04-02",
        "incurred_amount": 10000,
        "status": "reported",
    }
    nps = {"external_id": "NPS-1", "client_inn": INN, "score": 10, "responded_on": "2025-12-01"}

    statuses = [
        post_batch(client, finance.secret, "/api/integrations/contracts/", [new_contract]).json()["counts"]["created"],
        post_batch(client, finance.secret, "/api/integrations/claims/", [claim]).json()["counts"]["created"],
        post_batch(client, service_feed.secret, "/api/integrations/nps-responses/", [nps]).json()["counts"]["created"],
    ]

    assert statuses == [1, 1, 1]


def test_underwriting_decisions_through_the_api(client, underwriting_feed, underwriter):
    from crm.pipeline.factories import DealFactory

    deal = DealFactory(created_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    item = {"external_id": "UW-1", "deal_id": deal.pk, "underwriter_login": "underwriter", "outcome": "refused",
            "refusal_reason": "sanctions", "decided_at": "2025-02-01T10:00:00+03:00"}  # fmt: skip

    first = post_batch(client, underwriting_feed.secret, "/api/integrations/underwriting-decisions/", [item])
    second = post_batch(client, underwriting_feed.secret, "/api/integrations/underwriting-decisions/", [item])

    assert [first.json()["counts"]["created"], second.json()["counts"]["unchanged"]] == [1, 1]
    assert deal.underwriting_decisions.get().decided_at == datetime.datetime(2025, 2, 1, 7, 0, tzinfo=datetime.UTC)


def test_the_schema_documents_every_integration_endpoint(client, head):
    client.force_login(head)

    schema = client.get("/api/schema/?format=json").json()

    paths = {path for path in schema["paths"] if path.startswith("/api/integrations/")}
    assert paths == {
        "/api/integrations/me/", "/api/integrations/contracts/", "/api/integrations/instalments/",
        "/api/integrations/claims/", "/api/integrations/underwriting-decisions/", "/api/integrations/complaints/",
        "/api/integrations/nps-responses/",
    }  # fmt: skip
    operation = schema["paths"]["/api/integrations/instalments/"]["post"]
    assert operation["security"] == [{"integrationToken": []}]
    assert set(operation["responses"]) == {"200", "400", "401", "403", "413", "415", "422"}
    assert schema["components"]["securitySchemes"]["integrationToken"]["scheme"] == "bearer"


def test_changing_approved_terms_through_the_api_is_flagged_and_audited(client, finance, contract):
    """Story (h): the finance system lowers the premium and raises the discount of an approved contract."""
    contract.discount_rate = Decimal("0.08")
    contract.approved_terms = contract.current_terms()
    contract.save()
    change = {"external_id": "1C-7", "discount_rate": "0.15", "written_premium_amount": "1100000.00",
              "special_terms": "Франшиза отменена по просьбе клиента."}  # fmt: skip

    response = post_batch(client, finance.secret, "/api/integrations/contracts/", [change])

    contract.refresh_from_db()
    event = AuditEvent.objects.latest("id")
    assert response.json()["results"][0]["status"] == "updated"
    assert contract.terms_changed_after_approval is True
    assert (event.action, event.actor_label, event.subject_id) == (
        "contract.terms_changed", "api-1с-финансы", str(contract.pk)
    )  # fmt: skip
    assert event.changes == {
        "written_premium_amount": ["1200000.00", "1100000.00"],
        "discount_rate": ["0.0800", "0.1500"],
        "special_terms": ["", "Франшиза отменена по просьбе клиента."],
    }
