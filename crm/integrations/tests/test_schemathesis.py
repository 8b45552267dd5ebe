"""Schemathesis against the OpenAPI schema, through the WSGI app (no network), with a live integration token.

Every integration operation gets its documented example (valid data, seeded below) plus generated valid and
invalid requests; the checks: no 5xx, every status code documented, and every answer matches its schema.
Hypothesis examples are bounded so the test stays well under a minute.
"""

import base64
import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from crm.catalog.factories import ProductFactory
from crm.clients.factories import ClientFactory
from crm.core.roles import Role
from crm.integrations.serializers import EXAMPLES
from crm.integrations.tests.conftest import make_feed
from crm.org.factories import UserFactory
from crm.pipeline.factories import DealFactory
from crm.policies.tests.factories import ContractFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_MODE = 25


@pytest.fixture
def seeded(administrator, underwriter):
    """The records the schema's examples name, so the example batches are valid."""
    manager = UserFactory(username="manager", role=Role.MANAGER)
    client = ClientFactory(inn="7707083893", manager=manager)
    ProductFactory(name="Имущество предприятий — Базовый")
    ContractFactory(client=client, external_id="1C-00000001", number="ИМ-2025-0000001")
    DealFactory(pk=1, client=client, created_at=datetime.datetime(2025, 1, 10, tzinfo=datetime.UTC))
    reader = UserFactory(username="schema-reader", role=Role.HEAD_OF_SALES)
    reader.set_password("schema-reader-pass")
    reader.save()


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, keeping the test's database connection open across requests (as the test
    client does): the real handler closes old connections at every request, which ends the test transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _schema(app):
    basic = base64.b64encode(b"schema-reader:schema-reader-pass").decode()
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers={"Authorization": f"Basic {basic}"})


def _run(schema, token: str, mode) -> None:
    @given(case=schema.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_MODE, deadline=None, database=None, derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    )  # fmt: skip
    def check(case) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    check()


FEEDS = {
    "finance": ("contracts", "instalments", "claims"),
    "service_desk": ("complaints", "nps_responses"),
    "underwriting": ("underwriting_decisions",),
}


def test_the_integration_api_keeps_its_schema(seeded, administrator, wsgi_app):
    schema = _schema(wsgi_app)
    for source, kinds in FEEDS.items():
        token = make_feed(administrator, f"Учётная запись {source}", source).secret
        paths = [f"/api/integrations/{kind.replace('_', '-')}/" for kind in kinds]
        operations = schema.include(path_regex="^(" + "|".join([*paths, "/api/integrations/me/"]) + ")$")
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            _run(operations, token, mode)
        for kind, path in zip(kinds, paths, strict=True):
            case = schema[path]["POST"].Case(body=[EXAMPLES[kind]])
            response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
            assert response.json()["counts"]["error"] == 0, response.text
