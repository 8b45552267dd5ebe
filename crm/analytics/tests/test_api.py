"""The dashboard API: JSON shape, Decimals as strings, structured 400, 403 for other roles, 404 out of scope."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from crm.analytics.tests.conftest import TODAY

Q4_PARAMS = {"period": "quarter", "year": 2026, "quarter": 4}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("crm.analytics.api.today", lambda: TODAY)


def get(client, user, url, params=None):
    client.force_login(user)
    return client.get(url, params or {})


def test_dashboard_json(client, sales):
    response = get(client, sales.head, "/api/dashboard/", Q4_PARAMS)
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"first": "2026-10-01", "last": "2026-12-31", "days": 92}
    assert (body["today"], body["threshold"]) == ("2026-11-15", "0.1000")
    assert body["kpis"]["amount"] == {
        "fact": "4100000.00",
        "plan": "8200000.00",
        "plan_to_date": "4000000.00",
        "attainment": "0.5000",
        "attainment_to_date": "1.0250",
        "deviation": "0.0250",
        "run_rate": "8200000.00",
        "flag": None,
    }
    assert (body["forecast"]["forecast_amount"], body["forecast_gap_amount"]) == ("4730000.00", "-3470000.00")
    assert body["forecast"]["overdue"] == {"count": 2, "amount": "1200000.00"}
    assert body["dynamics"]["previous"]["amount_change"] == {"absolute": "3075000.00", "relative": "3.0000"}
    tree = body["tree"]
    assert (tree["key"], tree["level"], [region["name"] for region in tree["children"]]) == (
        "company",
        "company",
        ["Сибирь", "Центр"],
    )
    team_a = tree["children"][1]["children"][0]
    assert (team_a["name"], team_a["flag"], team_a["amount"]["deviation"]) == ("Команда А", "above", "0.2500")
    assert team_a["children"][1]["drivers"]["count_effect"] is None
    assert [point["month"] for point in body["trend"]] == ["2026-10-01", "2026-11-01", "2026-12-01"]
    assert [row["name"] for row in body["by_product_line"]] == ["Имущество", "КАСКО", "Киберриски"]


def test_threshold_and_custom_period(client, sales):
    body = get(client, sales.head, "/api/dashboard/", {**Q4_PARAMS, "threshold": "0.3"}).json()
    assert body["tree"]["children"][1]["children"][0]["flag"] is None  # team А at +25 %
    custom = {"period": "custom", "first": "2026-10-05", "last": "2026-10-20"}
    body = get(client, sales.head, "/api/dashboard/", custom).json()
    # 16 of October's 31 days: 2 800 000 × 16 / 31, rounded to kopecks only in the JSON.
    assert (body["kpis"]["amount"]["fact"], body["kpis"]["amount"]["plan"]) == ("2900000.00", "1445161.29")
    assert body["dynamics"]["previous"]["kpis"]["period"] == {"first": "2026-09-19", "last": "2026-10-04", "days": 16}
    # A "custom" range that is exactly a calendar month compares with the previous month.
    october = {"period": "custom", "first": "2026-10-01", "last": "2026-10-31"}
    body = get(client, sales.head, "/api/dashboard/", october).json()
    assert body["dynamics"]["previous"]["kpis"]["period"] == {"first": "2026-09-01", "last": "2026-09-30", "days": 30}


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"period": "quarter", "year": 2026, "quarter": 5}, {"quarter"}),
        ({"period": "week"}, {"period"}),
        ({"period": "custom", "first": "2026-10-01"}, {"last"}),
        ({"period": "custom", "first": "2026-10-31", "last": "2026-10-01"}, {"last"}),
        ({"period": "month", "year": "двадцать"}, {"year"}),
        ({"threshold": "2"}, {"threshold"}),
    ],
)
def test_bad_parameters_are_a_structured_400(client, sales, params, fields):
    response = get(client, sales.head, "/api/dashboard/", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], set(error["fields"])) == ("invalid", fields)


def test_only_sales_roles_may_call(client, sales, marketing, underwriter):
    for user in (marketing, underwriter):
        for url in (
            "/api/dashboard/",
            "/api/dashboard/hot-spots/",
            f"/api/dashboard/managers/{sales.manager_a.pk}/deals/",
        ):
            response = get(client, user, url, Q4_PARAMS)
            assert response.status_code == 403
            assert response.json()["error"]["code"] == "permission_denied"
    client.logout()
    assert client.get("/api/dashboard/").status_code in {302, 401, 403}


def test_senior_sees_their_team(client, sales):
    body = get(client, sales.senior_a, "/api/dashboard/", Q4_PARAMS).json()
    assert (body["tree"]["key"], body["kpis"]["amount"]["fact"]) == (f"team:{sales.team_a.pk}", "2500000.00")


def test_manager_deals(client, sales):
    url = f"/api/dashboard/managers/{sales.manager_a2.pk}/deals/"
    body = get(client, sales.senior_a, url, Q4_PARAMS).json()
    assert (body["manager_name"], body["fact"]) == ("Андреев И.", {"amount": "500000.00", "count": 1})
    assert [deal["weighted_amount"] for deal in body["open_deals"]] == ["180000.00"]
    response = get(client, sales.senior_a, f"/api/dashboard/managers/{sales.manager_b.pk}/deals/", Q4_PARAMS)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_hot_spots_shape(client, sales):
    body = get(client, sales.head, "/api/dashboard/hot-spots/", Q4_PARAMS).json()
    assert body["window"] == {"first": "2026-10-01", "last": "2026-11-15", "days": 46}
    assert (body["falling"], body["trend_rising"], body["low_win_rate"]) == ([], [], [])


def test_openapi_documents_the_endpoints():
    from crm.analytics.api import urlpatterns

    schema = SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)
    assert set(schema["paths"]) == {"/dashboard/", "/dashboard/hot-spots/", "/dashboard/managers/{id}/deals/"}
    components = schema["components"]["schemas"]
    assert components["TreeNode"]["properties"]["children"]["items"] == {"$ref": "#/components/schemas/TreeNode"}
    assert {"Dashboard", "HotSpots", "ManagerDeals"} <= set(components)
