"""Integration accounts and tokens: hashed storage, revocation, scopes, audit."""

import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from crm.audit.models import AuditEvent
from crm.integrations.models import IntegrationAccount, IntegrationToken, prefix_of
from crm.integrations.services import create_account, issue_token, revoke_token, set_account_active, token_for


def test_the_database_never_holds_the_secret(finance):
    secret = finance.secret
    token = IntegrationToken.objects.get()

    assert (token.prefix, token.token_hash) == (prefix_of(secret), hashlib.sha256(secret.encode()).hexdigest())
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM integrations_integrationtoken")
        stored = json.dumps(cursor.fetchall(), default=str)
    secret_part = secret.split("_", 2)[2]
    assert secret_part not in stored
    assert all(secret_part not in json.dumps(event.changes) for event in AuditEvent.objects.all())


def test_a_token_is_recognised_by_its_hash_and_notes_its_use(finance):
    found = token_for(finance.secret)

    assert found == finance.token
    assert IntegrationToken.objects.get().last_used_at is not None
    assert token_for(finance.secret[:-1] + ("A" if finance.secret[-1] != "A" else "B")) is None
    assert token_for("") is None


def test_revoking_twice_is_audited_once(finance, administrator):
    revoke_token(actor=administrator, token=finance.token)
    revoke_token(actor=administrator, token=finance.token)

    assert token_for(finance.secret) is None
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("id")) == [
        "integration.account_created", "integration.token_issued", "integration.token_revoked"
    ]  # fmt: skip


def test_a_switched_off_account_gets_no_new_token_and_its_tokens_stop(finance, administrator):
    set_account_active(actor=administrator, account=finance.account, is_active=False)

    with pytest.raises(ValidationError, match="Учётная запись отключена"):
        issue_token(actor=administrator, account=finance.account)
    assert token_for(finance.secret) is None


def test_an_account_has_an_inactive_technical_user_that_cannot_log_in(finance):
    user = finance.account.user

    assert (user.username, user.is_active, user.has_usable_password()) == ("api-1с-финансы", False, False)


@pytest.mark.parametrize(
    ("name", "source", "scopes", "errors"),
    [
        ("", "finance", ["contracts"], {"name": ["Укажите название."]}),
        ("1С Финансы", "finance", ["contracts"], {"name": ["Учётная запись с таким названием уже есть."]}),
        ("Другая", "finance", ["complaints"], {"scopes": ["Эта система может записывать только свои данные."]}),
        ("Другая", "finance", [], {"scopes": ["Отметьте, что учётная запись может записывать."]}),
        ("Другая", "crm", ["contracts"], {"source_system": ["Выберите систему-источник."]}),
    ],
)
def test_account_rules(finance, administrator, name, source, scopes, errors):
    with pytest.raises(ValidationError) as raised:
        create_account(actor=administrator, name=name, source_system=source, scopes=scopes)

    assert raised.value.message_dict == errors
    assert IntegrationAccount.objects.count() == 1


def test_technical_user_names_stay_unique(administrator):
    first = create_account(actor=administrator, name="1С", source_system="finance", scopes=["claims"])
    second = create_account(actor=administrator, name="1с", source_system="finance", scopes=["claims"])

    assert (first.user.username, second.user.username) == ("api-1с", "api-1с-2")
