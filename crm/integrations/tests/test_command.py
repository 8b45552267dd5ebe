"""manage.py integration_token: the same services from the shell."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from crm.integrations.models import IntegrationAccount, IntegrationToken
from crm.integrations.services import token_for


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("integration_token", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_create_issue_list_revoke(db, administrator):
    created = run("--actor", "admin1", "create-account", "Андеррайтинг", "--source", "underwriting")
    secret = run("issue", "Андеррайтинг").strip()
    listing = run("list")
    token = IntegrationToken.objects.get()
    revoked = run("revoke", token.prefix)

    account = IntegrationAccount.objects.get()
    assert created == "Создана учётная запись «Андеррайтинг» (api-андеррайтинг).\n"
    assert (account.scopes, account.created_by) == (["underwriting_decisions"], administrator)
    assert secret.startswith(f"crm_{token.prefix}_")
    assert f"crm_{token.prefix}_… · действует" in listing
    assert revoked == f"Токен crm_{token.prefix}_… отозван.\n"
    assert token_for(secret) is None


def test_errors_are_command_errors(db):
    with pytest.raises(CommandError, match="Не найдено"):
        run("issue", "Нет такой")
    with pytest.raises(CommandError, match="Эта система может записывать только свои данные"):
        run("create-account", "Х", "--source", "finance", "--scopes", "complaints")
