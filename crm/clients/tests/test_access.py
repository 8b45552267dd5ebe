"""Who sees and changes which client: every persona × ownership scope × action, on screens and in the API.

Scopes, as seen from team A: `own_a` (manager_a's), `team_a` (manager_a2's), `lead_a` (senior_a's own),
`other_b` (manager_b's, team B).
"""

import pytest
from django.urls import reverse

from crm.audit.models import AuditEvent
from crm.clients.access import clients_visible_to, get_client_for
from crm.clients.models import Client
from crm.clients.tests.conftest import as_json, client_form_data
from crm.core.navigation import menu_for

ALL = {"own_a", "team_a", "lead_a", "other_b"}
VISIBLE = {
    "head": ALL,
    "senior_a": {"own_a", "team_a", "lead_a"},
    "senior_b": {"other_b"},
    "manager_a": {"own_a"},
    "manager_a2": {"team_a"},
    "manager_b": {"other_b"},
    "service_desk": ALL,
    "underwriter": set(),
    "marketing": set(),
    "administrator": set(),
}
EDITABLE = {**VISIBLE, "service_desk": set()}
PERSONAS = list(VISIBLE)
SCOPES = sorted(ALL)


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_clients_are_exactly_the_personas_scope(request, persona, scoped_clients):
    user = request.getfixturevalue(persona)

    visible = set(clients_visible_to(user).values_list("name", flat=True))

    assert visible == {scoped_clients[key].name for key in VISIBLE[persona]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_list_page_shows_exactly_the_personas_clients(client, request, persona, scoped_clients):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("clients:list"))

    assert response.status_code == 200
    shown = {row.pk for row in response.context["page_obj"]}
    assert shown == {scoped_clients[key].pk for key in VISIBLE[persona]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_list_returns_exactly_the_personas_clients(client, request, persona, scoped_clients):
    client.force_login(request.getfixturevalue(persona))

    body = client.get("/api/clients/").json()

    assert body["count"] == len(VISIBLE[persona])
    assert {row["id"] for row in body["results"]} == {scoped_clients[key].pk for key in VISIBLE[persona]}


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_page_is_404_outside_the_scope(client, request, persona, scope, scoped_clients):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("clients:detail", args=[scoped_clients[scope].pk]))

    assert response.status_code == (200 if scope in VISIBLE[persona] else 404)


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_api_detail_is_404_outside_the_scope(client, request, persona, scope, scoped_clients):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(f"/api/clients/{scoped_clients[scope].pk}/")

    if scope in VISIBLE[persona]:
        assert (response.status_code, response.json()["inn"]) == (200, scoped_clients[scope].inn)
    else:
        assert (response.status_code, response.json()) == (
            404,
            {"error": {"code": "not_found", "message": "Не найдено."}},
        )


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_edit_page_changes_only_editable_clients(client, request, persona, scope, scoped_clients):
    target = scoped_clients[scope]
    client.force_login(request.getfixturevalue(persona))
    url = reverse("clients:edit", args=[target.pk])

    form_status = client.get(url).status_code
    post_status = client.post(url, client_form_data(target, short_name="Изменено")).status_code

    target.refresh_from_db()
    if scope in EDITABLE[persona]:
        assert (form_status, post_status, target.short_name, AuditEvent.objects.count()) == (200, 302, "Изменено", 1)
    else:
        assert (form_status, post_status, target.short_name, AuditEvent.objects.count()) == (404, 404, "", 0)


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_api_patch_changes_only_editable_clients(client, request, persona, scope, scoped_clients):
    target = scoped_clients[scope]
    client.force_login(request.getfixturevalue(persona))

    response = client.patch(f"/api/clients/{target.pk}/", **as_json({"short_name": "Изменено"}))

    target.refresh_from_db()
    if scope in EDITABLE[persona]:
        assert (response.status_code, target.short_name, AuditEvent.objects.count()) == (200, "Изменено", 1)
    else:
        assert (response.status_code, target.short_name, AuditEvent.objects.count()) == (404, "", 0)


@pytest.mark.parametrize("persona", ["service_desk", "underwriter", "marketing", "administrator"])
def test_people_outside_sales_cannot_register_clients(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(reverse("clients:create"))
    api = client.post("/api/clients/", **as_json({"name": "ООО «Новое»", "inn": "7707083893"}))

    assert (page.status_code, api.status_code, api.json()["error"]["code"]) == (403, 403, "permission_denied")
    assert Client.objects.count() == 0


@pytest.mark.parametrize("persona", ["manager_a", "senior_a"])
def test_reassign_is_for_those_with_someone_to_assign(client, request, persona, scoped_clients):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("clients:reassign", args=[scoped_clients["own_a"].pk]))

    assert response.status_code == {"manager_a": 403, "senior_a": 200}[persona]


def test_inactive_user_sees_nothing(manager_a, scoped_clients):
    manager_a.is_active = False

    assert list(clients_visible_to(manager_a)) == []
    with pytest.raises(Client.DoesNotExist):
        get_client_for(manager_a, scoped_clients["own_a"].pk)


def test_missing_and_forbidden_clients_raise_the_same_error(manager_a, scoped_clients):
    with pytest.raises(Client.DoesNotExist):
        get_client_for(manager_a, scoped_clients["other_b"].pk)
    with pytest.raises(Client.DoesNotExist):
        get_client_for(manager_a, 999_999)


@pytest.mark.parametrize(
    ("persona", "has_entry"),
    [("head", True), ("senior_a", True), ("manager_a", True), ("service_desk", True), ("underwriter", False),
     ("marketing", False), ("administrator", False)],
)  # fmt: skip
def test_menu_entry_for_sales_and_service_desk(request, persona, has_entry):
    labels = [str(item.label) for item in menu_for(request.getfixturevalue(persona), "/")]

    assert ("Клиенты" in labels) is has_entry
