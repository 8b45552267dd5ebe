"""`demo_users`: one login per role with the demo password, idempotent, bound to generated people if any."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from crm.core.roles import Role
from crm.demo.generator import stories
from crm.org.models import User


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_demo_users() -> str:
    out = io.StringIO()
    call_command("demo_users", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_creates_one_login_per_role_without_demo_data():
    output = run_demo_users()
    run_demo_users()
    assert User.objects.count() == 9
    assert sorted(User.objects.values_list("role", flat=True)) == sorted(Role.values)
    assert "Логин" in output and "demo12345" in output and "Начальник отдела продаж" in output
    assert authenticate(username="head", password="demo12345") is not None
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.role == Role.ADMINISTRATOR


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_senior_and_manager_are_real_people_of_the_under_plan_team(demo):
    run_demo_users()
    senior, manager = User.objects.get(username="senior"), User.objects.get(username="manager")
    assert senior.led_teams.get().name == stories.UNDER_PLAN_TEAM
    assert manager.team == senior.team
    assert manager.clients.count() >= 5 and manager.deals.count() >= 20
    assert authenticate(username="manager", password="demo12345") is not None


@pytest.mark.django_db
def test_a_second_run_changes_nothing_and_records_nothing():
    from crm.audit.models import AuditEvent

    run_demo_users()
    events = AuditEvent.objects.count()
    hashes = dict(User.objects.values_list("username", "password"))

    run_demo_users()

    assert AuditEvent.objects.count() == events
    assert dict(User.objects.values_list("username", "password")) == hashes
    assert authenticate(username="head", password="demo12345") is not None
