"""Demo logins: one per role, with a known password, bound to real generated people when data exists."""

from dataclasses import dataclass

from django.db import transaction

from crm.audit.services import record_event
from crm.core.roles import Role
from crm.demo.generator import stories
from crm.demo.generator.config import USER_EMAIL_DOMAIN
from crm.org.models import User

DEMO_PASSWORD = "demo12345"  # noqa: S105 — a demo installation, documented in docs/demo-data.md
DEMO_LOGINS = [
    ("head", Role.HEAD_OF_SALES),
    ("senior", Role.SENIOR_MANAGER),
    ("manager", Role.MANAGER),
    ("underwriter", Role.UNDERWRITER),
    ("risk", Role.RISK_MANAGER),
    ("marketing", Role.MARKETING),
    ("service", Role.SERVICE_DESK),
    ("product", Role.PRODUCT),
    ("admin", Role.ADMINISTRATOR),
]


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """One line of the demo-login table."""

    username: str
    password: str
    role_label: str
    full_name: str
    team_name: str


@transaction.atomic
def ensure_demo_users() -> list[DemoLogin]:
    """Create or refresh one login per role with the demo password; generated people keep their team."""
    logins = []
    for username, role in DEMO_LOGINS:
        last_name, first_name, patronymic = stories.FIXED_USERS[username]
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "last_name": last_name,
                "first_name": first_name,
                "patronymic": patronymic,
                "email": f"{username}@{USER_EMAIL_DOMAIN}",
                "role": role,
            },
        )
        before = {"role": user.role, "is_active": user.is_active, "is_superuser": user.is_superuser}
        user.role, user.is_active = role, True
        user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
        after = {"role": user.role, "is_active": user.is_active, "is_superuser": user.is_superuser}
        # Hashing costs ~0.7 s a login: a second `make run` keeps the password a first run (or the user) set.
        needs_password = created or not user.has_usable_password()
        if needs_password or before != after:
            if needs_password:
                user.set_password(DEMO_PASSWORD)
            user.save()
            changes = {key: [None if created else before[key], value] for key, value in after.items()}
            record_event(actor=None, action="demo.login_prepared", subject=user, changes=changes)
        team = user.team.name if user.team else ""
        full_name = " ".join(part for part in (user.last_name, user.first_name, user.patronymic) if part)
        logins.append(DemoLogin(username, DEMO_PASSWORD, str(Role(role).label), full_name, team))
    return logins
