"""Who may see and set sales plans.

The head of sales sets the plans of every level. A senior manager sees, read-only, the plans of the
teams they lead and of the people in them (themselves included). Nobody else sees plans.
"""

from dataclasses import dataclass

from django.db.models import Q

from crm.core.roles import Role
from crm.org.models import Region, Team, User
from crm.planning.models import PlanScope, SalesPlan

PLAN_VIEWER_ROLES = frozenset({Role.HEAD_OF_SALES, Role.SENIOR_MANAGER})
PLAN_PEOPLE_ROLES = (Role.MANAGER, Role.SENIOR_MANAGER)


@dataclass(frozen=True)
class PlanTarget:
    """One row of a plan grid: the company, a region, a team or a person, identified by its scope key."""

    scope: str
    key: str
    label: str


def may_view_plans(user: User) -> bool:
    """The head of sales and senior managers open the plan screen."""
    return user.is_active and user.role in PLAN_VIEWER_ROLES


def may_edit_plans(user: User) -> bool:
    """Only the head of sales sets plans."""
    return user.is_active and user.role == Role.HEAD_OF_SALES


def scopes_visible_to(user: User) -> list[str]:
    """The plan levels the user may open: all four for the head, team and people for a senior manager."""
    if may_edit_plans(user):
        return list(PlanScope.values)
    if may_view_plans(user):
        return [PlanScope.TEAM, PlanScope.MANAGER]
    return []


def _target(scope: str, pk: int | None, label: str) -> PlanTarget:
    target_field = {"region": "region_id", "team": "team_id", "manager": "manager_id"}.get(scope)
    plan = SalesPlan(scope=scope, **({target_field: pk} if target_field else {}))
    return PlanTarget(scope=scope, key=plan.compute_scope_key(), label=label)


def _people(user: User) -> list[User]:
    """Active sales people, plus anyone who has a personal plan (a person who left keeps their history)."""
    has_plan = SalesPlan.objects.filter(scope=PlanScope.MANAGER).values("manager_id")
    people = User.objects.filter(role__in=PLAN_PEOPLE_ROLES).filter(Q(is_active=True) | Q(pk__in=has_plan))
    if not may_edit_plans(user):
        people = people.filter(Q(team__lead=user) | Q(pk=user.pk))
    return list(people.select_related("team").order_by("team__name", "last_name", "first_name"))


def plan_targets_for(user: User, scope: str) -> list[PlanTarget]:
    """The rows of the plan grid at this level that the user may see, in display order."""
    if scope not in scopes_visible_to(user):
        return []
    if scope == PlanScope.COMPANY:
        return [_target(scope, None, str(PlanScope.COMPANY.label))]
    if scope == PlanScope.REGION:
        return [_target(scope, region.pk, region.name) for region in Region.objects.order_by("name")]
    if scope == PlanScope.TEAM:
        teams = Team.objects.select_related("region").order_by("region__name", "name")
        if not may_edit_plans(user):
            teams = teams.filter(lead=user)
        return [_target(scope, team.pk, f"{team.name} ({team.region.name})") for team in teams]
    return [_target(scope, person.pk, _person_label(person)) for person in _people(user)]


def _person_label(person: User) -> str:
    return f"{person.short_name} · {person.team.name}" if person.team else person.short_name
