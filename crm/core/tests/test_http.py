import pytest


@pytest.mark.django_db
def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.json() == {"status": "ok"}
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_pages_redirect_anonymous_users_to_login(client):
    response = client.get("/audit/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_api_answers_anonymous_users_with_json_not_a_redirect(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] in ("not_authenticated", "authentication_failed")


@pytest.mark.django_db
def test_a_sane_incoming_request_id_is_kept(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123-def"})["X-Request-ID"] == "abc-123-def"


def test_login_page_is_russian(client, db):
    page = client.get("/login/").content.decode()
    assert "Вход в CRM" in page and 'lang="ru"' in page


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("head", "/dashboard/"),
        ("senior_a", "/dashboard/"),
        ("manager_a", "/dashboard/"),
        ("underwriter", "/deals/"),
        ("service_desk", "/clients/"),
    ],
)
def test_each_role_lands_on_its_main_screen(client, request, persona, landing):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, landing)


def test_marketing_sees_what_its_screen_will_hold(client, marketing):
    client.force_login(marketing)
    page = client.get("/").content.decode()
    assert "источников лидов" in page


def test_only_the_longest_matching_menu_entry_is_active(client, head):
    client.force_login(head)
    items = client.get("/deals/board/").context["nav_items"]
    assert [item.label for item in items if item.is_active] == ["Воронка"]
