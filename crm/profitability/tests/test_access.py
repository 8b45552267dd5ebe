"""Who may open what: pages and API by role (403 outside), clients by scope (404 outside), settings head only."""

import re

import pytest

from crm.core.roles import Role
from crm.org.factories import UserFactory
from crm.profitability.tests.conftest import TODAY

pytestmark = pytest.mark.django_db
PAGES = ["/profitability/", "/profitability/loss-ratio/", "/profitability/toxic/", "/profitability/export/ltv.xlsx"]
API = ["/api/profitability/ltv/", "/api/profitability/loss-ratio/", "/api/profitability/toxic/"]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("crm.profitability.views.today", lambda: TODAY)
    monkeypatch.setattr("crm.profitability.api.today", lambda: TODAY)


@pytest.fixture
def risk(db):
    return UserFactory(username="risk", role=Role.RISK_MANAGER)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("head", 200),
        ("senior_a", 200),
        ("manager_a", 200),
        ("risk", 200),
        ("underwriter", 403),
        ("marketing", 403),
        ("service_desk", 403),
        ("administrator", 403),
    ],
)
def test_pages_and_api_by_role(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert [client.get(url).status_code for url in PAGES + API] == [status] * (len(PAGES) + len(API))


@pytest.mark.parametrize(("persona", "status"), [("head", 200), ("senior_a", 403), ("risk", 403), ("manager_a", 403)])
def test_only_the_head_opens_the_settings(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/profitability/settings/").status_code == status
    assert client.post("/profitability/settings/", {"score_threshold": "1"}).status_code == (
        200 if status == 200 else 403
    )


def _listed(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'<tr data-client="(\d+)"', response.content.decode())}


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("head", {"alpha", "beta", "gamma"}),
        ("risk", {"alpha", "beta", "gamma"}),
        ("senior_a", {"alpha", "beta"}),
        ("manager_a", {"alpha"}),
        ("manager_b", {"gamma"}),
    ],
)
def test_each_viewer_sees_only_their_clients(client, request, portfolio, persona, visible):
    client.force_login(request.getfixturevalue(persona))
    assert _listed(client.get("/profitability/")) == {portfolio[name].pk for name in visible}
    body = client.get("/api/profitability/ltv/").json()
    assert {row["client"]["id"] for row in body["rows"]} == {portfolio[name].pk for name in visible}


@pytest.mark.parametrize(
    ("persona", "status"),
    [("head", 200), ("risk", 200), ("senior_b", 200), ("manager_b", 200), ("senior_a", 404), ("manager_a", 404)],
)
def test_another_teams_client_panel_is_not_found(client, request, portfolio, persona, status):
    client.force_login(request.getfixturevalue(persona))
    gamma = portfolio["gamma"].pk
    assert client.get(f"/profitability/clients/{gamma}/panel/").status_code == status
    assert client.get(f"/api/profitability/clients/{gamma}/").status_code == status


def test_a_missing_client_is_404_and_other_roles_403(client, service_desk, head):
    client.force_login(head)
    assert client.get("/profitability/clients/999999/panel/").status_code == 404
    client.force_login(service_desk)
    assert client.get("/profitability/clients/999999/panel/").status_code == 403


def test_a_manager_has_no_team_or_manager_filter(client, manager_a, manager_a2, senior_a, team_b):
    client.force_login(manager_a)
    text = client.get("/profitability/").content.decode()
    assert 'name="manager"' not in text and 'name="team"' not in text
    client.force_login(senior_a)
    form = client.get("/profitability/").context["form"]
    assert [team.name for team in form.fields["team"].queryset] == ["Команда А"]
    assert {user.username for user in form.fields["manager"].queryset} == {"senior_a", "manager_a", "manager_a2"}
