"""The JSON API: shapes and values (the portfolio of conftest, 26.11.2026), errors, and the OpenAPI schema."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from crm.profitability.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("crm.profitability.api.today", lambda: TODAY)


def test_ltv(client, head, portfolio):
    client.force_login(head)
    body = client.get("/api/profitability/ltv/", {"order": "bottom", "limit": 1}).json()
    assert body["window"] == {"first": "2023-11-27", "last": "2026-11-26"}
    assert (body["order"], body["limit"], body["clients_count"]) == ("bottom", 1, 3)
    [row] = body["rows"]
    assert row["client"]["name"] == "ООО «Гамма»"
    assert row["ltv"] == "-309589.04"
    assert row["economics"]["incurred_claims"] == "400000.00"
    assert row["economics"]["loss_ratio"] == "4.4242"  # 400 000 ÷ 90 410,96
    assert row["yearly_ltv"] == ["0.00", "0.00", "-309589.04"]
    assert body["total"]["ltv"] == "592859.09"


def test_loss_ratio_levels_and_company(client, head, portfolio):
    client.force_login(head)
    body = client.get("/api/profitability/loss-ratio/", {"first": "2026-01-01", "last": "2026-11-26"}).json()
    assert body["level"] == "industry"
    assert [(row["name"], row["clients_count"]) for row in body["rows"]] == [
        ("Логистика и грузоперевозки", 1),
        ("Торговля", 2),
    ]
    # Торговля: «Бета» 904 109,59 earned, «Гамма» 90 410,96 and 400 000 of claims.
    trade = body["rows"][1]["economics"]
    assert (trade["earned_premium"], trade["incurred_claims"], trade["loss_ratio"]) == (
        "994520.55",
        "400000.00",
        "0.4022",
    )
    industry = body["rows"][1]["key"]
    drilled = client.get("/api/profitability/loss-ratio/", {"first": "2026-01-01", "industry": industry}).json()
    assert drilled["level"] == "segment" and [row["key"] for row in drilled["rows"]] == ["small"]


def test_toxic_and_client_profile(client, head, portfolio):
    client.force_login(head)
    body = client.get("/api/profitability/toxic/").json()
    assert (body["toxic_count"], body["assessed_count"], body["score_threshold"], body["rows"]) == (0, 4, 50, [])
    profile = client.get(f"/api/profitability/clients/{portfolio['alpha'].pk}/").json()
    assert (profile["ltv"], profile["earned_premium"], profile["is_toxic"]) == ("88749.50", "789000.00", False)
    assert profile["yearly_ltv"] == ["68300.00", "90999.50", "-70550.00"]
    assert [line["component"] for line in profile["score_lines"]] == [
        "loss_ratio",
        "claim_frequency",
        "complaints",
        "discount_share",
        "discount_requested",
        "late_share",
        "delay_days",
    ]


def test_bad_parameters_are_400_with_field_errors(client, head):
    client.force_login(head)
    response = client.get("/api/profitability/loss-ratio/", {"first": "2026-05-01", "last": "2026-04-01"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"last": ["Конец периода раньше начала."]}
    response = client.get("/api/profitability/ltv/", {"segment": "giant", "order": "middle"})
    assert set(response.json()["error"]["fields"]) == {"segment", "order"}


def test_openapi_documents_the_endpoints():
    from crm.profitability.api import urlpatterns

    schema = SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)
    assert set(schema["paths"]) == {
        "/profitability/ltv/",
        "/profitability/loss-ratio/",
        "/profitability/toxic/",
        "/profitability/clients/{id}/",
    }
    parameters = {p["name"] for p in schema["paths"]["/profitability/ltv/"]["get"]["parameters"]}
    assert {"industry", "segment", "region", "team", "manager", "line", "on", "order", "limit"} <= parameters
    assert {"LtvRanking", "LossRatioReport", "ToxicList", "ClientProfitability"} <= set(schema["components"]["schemas"])
