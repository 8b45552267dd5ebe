"""Integration accounts with live tokens, and a helper that posts a batch with a bearer token."""

import json
from dataclasses import dataclass
from typing import Any

import pytest

from crm.integrations.models import SOURCE_KINDS, IntegrationAccount, IntegrationToken
from crm.integrations.services import create_account, issue_token


@dataclass
class Feed:
    account: IntegrationAccount
    token: IntegrationToken
    secret: str


def make_feed(actor, name: str, source: str, scopes=None) -> Feed:
    account = create_account(actor=actor, name=name, source_system=source, scopes=scopes or SOURCE_KINDS[source])
    token, secret = issue_token(actor=actor, account=account)
    return Feed(account, token, secret)


@pytest.fixture
def finance(administrator) -> Feed:
    return make_feed(administrator, "1С Финансы", "finance")


@pytest.fixture
def service_feed(administrator) -> Feed:
    return make_feed(administrator, "Сервис-деск", "service_desk")


@pytest.fixture
def underwriting_feed(administrator) -> Feed:
    return make_feed(administrator, "Андеррайтинг", "underwriting")


def post_batch(client, secret: str | None, path: str, payload: Any, *, raw: str | None = None, **extra: Any):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False)
    return client.post(path, data=body, content_type="application/json", **headers, **extra)
