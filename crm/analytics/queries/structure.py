"""The hierarchy a viewer sees: company → regions → teams → people, cut to the viewer's scope.

Root by role: the head of sales — the company; a senior manager — the team they lead (a synthetic
«Мои команды» node without a plan when they lead several, their own node when none); a manager —
themselves. Nodes above the viewer's scope are never shown: their plans would be compared with a part
of their fact. A person hangs under their **current** team (a contract does not record the team at
conclusion, so a move between teams moves past sales too); people without a team in the tree hang
directly under the root, so the root's fact is always the sum of its children.
"""

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from crm.analytics.results import NodeLevel
from crm.core.roles import Role
from crm.org.models import Region, Team, User

SALES_PEOPLE = (Role.MANAGER, Role.SENIOR_MANAGER)


@dataclass
class NodeSpec:
    """A node of the viewer's hierarchy before figures: identity, children and the people under it."""

    key: str
    level: NodeLevel
    name: str
    has_plan: bool = True
    manager_id: int | None = None
    children: list["NodeSpec"] = field(default_factory=list)

    def walk(self) -> Iterator["NodeSpec"]:
        """This node and every node below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def manager_ids(self) -> list[int]:
        """The people whose sales roll up into this node."""
        return [node.manager_id for node in self.walk() if node.manager_id is not None]

    def plan_keys(self) -> list[str]:
        """The plan scope keys of the nodes that may have their own plan."""
        return [node.key for node in self.walk() if node.has_plan]


def person_node(person: User) -> NodeSpec:
    """A salesperson's leaf node, keyed like their personal plan."""
    return NodeSpec(f"manager:{person.pk}", "manager", person.short_name, manager_id=person.pk)


def _team_node(team: Team, people: list[User]) -> NodeSpec:
    members = [person_node(person) for person in people if person.team_id == team.pk]
    return NodeSpec(f"team:{team.pk}", "team", team.name, children=members)


def _teamless(people: list[User], teams: list[Team]) -> list[NodeSpec]:
    team_ids = {team.pk for team in teams}
    return [person_node(person) for person in people if person.team_id not in team_ids]


def _people(scope: Q, fact_manager_ids: Collection[int]) -> list[User]:
    """People in scope who are active or sold something in the windows (someone who left keeps history)."""
    shown = scope & (Q(is_active=True) | Q(pk__in=list(fact_manager_ids)))
    return list(User.objects.filter(shown).order_by("last_name", "first_name", "pk"))


def _company(fact_manager_ids: Collection[int]) -> NodeSpec:
    people = _people(Q(role__in=SALES_PEOPLE) | Q(pk__in=list(fact_manager_ids)), fact_manager_ids)
    teams = list(Team.objects.order_by("name", "pk"))
    regions = []
    for region in Region.objects.order_by("name", "pk"):
        children = [_team_node(team, people) for team in teams if team.region_id == region.pk]
        regions.append(NodeSpec(f"region:{region.pk}", "region", region.name, children=children))
    return NodeSpec("company", "company", _("Компания"), children=regions + _teamless(people, teams))


def _senior(viewer: User, fact_manager_ids: Collection[int]) -> NodeSpec:
    teams = list(Team.objects.filter(lead=viewer).order_by("name", "pk"))
    if not teams:
        return person_node(viewer)
    people = _people(Q(team__in=teams) | Q(pk=viewer.pk), fact_manager_ids)
    if len(teams) == 1:
        root = _team_node(teams[0], people)
        root.children += _teamless(people, teams)
        return root
    children = [_team_node(team, people) for team in teams] + _teamless(people, teams)
    return NodeSpec("scope", "scope", _("Мои команды"), has_plan=False, children=children)


def viewer_structure(viewer: User, fact_manager_ids: Collection[int]) -> NodeSpec:
    """The viewer's hierarchy (see the module docstring): at most three small queries."""
    if viewer.role == Role.HEAD_OF_SALES:
        return _company(fact_manager_ids)
    if viewer.role == Role.SENIOR_MANAGER:
        return _senior(viewer, fact_manager_ids)
    return person_node(viewer)
