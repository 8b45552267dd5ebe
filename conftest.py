"""Persona fixtures shared by every app's tests: the department as a small org chart.

Region «Центр» has team A (senior `senior_a`, managers `manager_a`, `manager_a2`) and team B (senior
`senior_b`, manager `manager_b`); plus the head of sales and one person of each other department.
"""

import pytest
from django.apps import apps as django_apps
from django.db import connection

from crm.audit import triggers
from crm.catalog.reference import load_reference_data as load_catalog
from crm.clients.reference import load_reference_data as load_clients
from crm.core.roles import Role
from crm.org.factories import RegionFactory, TeamFactory, UserFactory
from crm.org.reference import load_reference_data as load_org
from crm.pipeline.reference import load_reference_data as load_pipeline

REFERENCE_LOADERS = (load_org, load_catalog, load_clients, load_pipeline)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher's 1M iterations would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def committed_db(transactional_db):
    """A committed database that other connections (a live server, psycopg) can see, with reference data.

    The flush after each such test empties every table, reference data included, so it is loaded again.
    SQLite's flush deletes row by row, which the append-only audit triggers refuse, so they are lifted
    just for the flush; every test that relies on them installs them first (they are idempotent).
    """
    triggers.install(connection)
    for load_reference_data in REFERENCE_LOADERS:
        load_reference_data(django_apps)
    yield
    if connection.vendor == "sqlite":
        triggers.uninstall(connection)


@pytest.fixture
def region(db):
    return RegionFactory(name="Центр", code="C")


@pytest.fixture
def team_a(region):
    return TeamFactory(name="Команда А", region=region)


@pytest.fixture
def team_b(region):
    return TeamFactory(name="Команда Б", region=region)


@pytest.fixture
def head(db):
    return UserFactory(username="head", role=Role.HEAD_OF_SALES, last_name="Начальников")


@pytest.fixture
def senior_a(team_a):
    user = UserFactory(username="senior_a", role=Role.SENIOR_MANAGER, team=team_a, last_name="Старшова")
    team_a.lead = user
    team_a.save()
    return user


@pytest.fixture
def senior_b(team_b):
    user = UserFactory(username="senior_b", role=Role.SENIOR_MANAGER, team=team_b, last_name="Старшов")
    team_b.lead = user
    team_b.save()
    return user


@pytest.fixture
def manager_a(team_a, senior_a):
    return UserFactory(username="manager_a", role=Role.MANAGER, team=team_a, last_name="Алексеев")


@pytest.fixture
def manager_a2(team_a, senior_a):
    return UserFactory(username="manager_a2", role=Role.MANAGER, team=team_a, last_name="Андреев")


@pytest.fixture
def manager_b(team_b, senior_b):
    return UserFactory(username="manager_b", role=Role.MANAGER, team=team_b, last_name="Борисов")


@pytest.fixture
def underwriter(db):
    return UserFactory(username="underwriter", role=Role.UNDERWRITER, last_name="Рисков")


@pytest.fixture
def marketing(db):
    return UserFactory(username="marketing", role=Role.MARKETING, last_name="Маркетова")


@pytest.fixture
def service_desk(db):
    return UserFactory(username="service", role=Role.SERVICE_DESK, last_name="Сервисова")


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin1", role=Role.ADMINISTRATOR, last_name="Админов")
