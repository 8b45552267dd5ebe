"""The administrators' screens: list, create, issue a token shown once, revoke, switch off; others get 403."""

import pytest

from crm.audit.models import AuditEvent
from crm.integrations.models import IntegrationAccount, IntegrationToken


@pytest.mark.parametrize("persona", ["head", "manager_a", "service_desk", "underwriter"])
def test_only_administrators_manage_integrations(client, request, finance, persona):
    client.force_login(request.getfixturevalue(persona))

    responses = [
        client.get("/integrations/").status_code,
        client.get(f"/integrations/{finance.account.pk}/").status_code,
        client.post(f"/integrations/{finance.account.pk}/tokens/").status_code,
    ]

    assert responses == [403, 404, 404]
    assert IntegrationToken.objects.count() == 1


def test_the_list_shows_accounts_with_live_tokens(client, administrator, finance, django_assert_max_num_queries):
    client.force_login(administrator)

    with django_assert_max_num_queries(8):
        response = client.get("/integrations/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "1С Финансы" in html and "api-1с-финансы" in html
    assert "Договоры, График платежей и оплаты, Страховые случаи" in html


def test_create_an_account_from_the_form(client, administrator):
    client.force_login(administrator)

    response = client.post(
        "/integrations/new/", {"name": "Сервис-деск", "source_system": "service_desk", "scopes": ["complaints"]}
    )

    account = IntegrationAccount.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/integrations/{account.pk}/"
    assert (account.source_system, account.scopes, account.created_by) == (
        "service_desk",
        ["complaints"],
        administrator,
    )


def test_a_form_with_foreign_scopes_is_refused_with_a_message(client, administrator):
    client.force_login(administrator)

    response = client.post("/integrations/new/", {"name": "Х", "source_system": "finance", "scopes": ["complaints"]})

    assert response.status_code == 200
    assert "Эта система может записывать только свои данные." in response.content.decode()
    assert IntegrationAccount.objects.count() == 0


def test_a_new_token_is_shown_once(client, administrator, finance):
    client.force_login(administrator)

    issued = client.post(f"/integrations/{finance.account.pk}/tokens/")
    page = client.get(f"/integrations/{finance.account.pk}/")

    token = IntegrationToken.objects.latest("id")
    html = issued.content.decode()
    assert (issued.status_code, issued["Cache-Control"]) == (200, "no-store")
    secret = html.split('data-testid="token-secret">')[1].split("<")[0]
    assert secret.startswith(f"crm_{token.prefix}_")
    assert secret not in page.content.decode()
    assert f"crm_{token.prefix}_…" in page.content.decode()


def test_revoke_and_switch_off_from_the_page(client, administrator, finance):
    client.force_login(administrator)

    client.post(f"/integrations/{finance.account.pk}/tokens/{finance.token.pk}/revoke/")
    client.post(f"/integrations/{finance.account.pk}/active/", {"is_active": "0"})

    finance.token.refresh_from_db()
    finance.account.refresh_from_db()
    assert (finance.token.is_revoked, finance.account.is_active) == (True, False)
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True))[-2:] == [
        "integration.token_revoked", "integration.account_changed"
    ]  # fmt: skip
