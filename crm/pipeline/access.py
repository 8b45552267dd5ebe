"""Who may see and change deals.

Sales people see deals by ownership (crm.org.access): a manager their own, a senior manager their
team's, the head of sales all; they may change every deal they see. An underwriter or a risk manager
sees, read-only, the deals they gave an underwriting decision on. Nobody else sees deals. A deal that
exists but is not visible is "not found", exactly like one that does not exist.
"""

from django.db.models import Q, QuerySet

from crm.clients.access import clients_visible_to
from crm.core.roles import SALES_ROLES, Role
from crm.org.access import may_write_sales_records, sales_scope_q
from crm.org.models import User
from crm.pipeline.models import Deal, DealQuerySet, DealStatus
from crm.underwriting.models import UnderwritingDecision

CONSULTING_ROLES = frozenset({Role.UNDERWRITER, Role.RISK_MANAGER})
DEAL_VIEWER_ROLES = SALES_ROLES | CONSULTING_ROLES


def may_view_deals(user: User) -> bool:
    """Whether the user has any access to deals at all (lists and boards answer 403 otherwise)."""
    return user.is_active and user.role in DEAL_VIEWER_ROLES


def may_write_deals(user: User) -> bool:
    """Sales people change the deals they see; underwriting only reads."""
    return may_write_sales_records(user)


def may_change_deal(user: User, deal: Deal) -> bool:
    """Whether to offer editing, moving and closing: an open deal the user sees, to a user who writes deals."""
    return may_write_deals(user) and deal.status == DealStatus.OPEN


def deals_visible_to(user: User) -> DealQuerySet:
    """The deals the user may see (see the module docstring)."""
    deals = Deal.objects.all()
    if not may_view_deals(user):
        return deals.none()
    if user.role in CONSULTING_ROLES:
        decided = UnderwritingDecision.objects.filter(underwriter=user).values("deal_id")
        return deals.filter(pk__in=decided)
    scope = sales_scope_q(user)
    return deals if scope is None else deals.filter(scope)


def get_deal_for(user: User, pk: int, *, write: bool = False) -> Deal:
    """One deal the user may see (or change, with `write`); Deal.DoesNotExist for missing and forbidden."""
    if write and not may_write_deals(user):
        raise Deal.DoesNotExist(f"Deal {pk} not found")
    related = ("client", "product__product_line", "manager", "stage", "lead_source", "discount_rule_version__rule")
    return deals_visible_to(user).select_related(*related).get(pk=pk)


def may_open_client_card(user: User, deal: Deal) -> bool:
    """Whether to link the deal's client card: a deal may be seen by someone who does not see its client."""
    return clients_visible_to(user).filter(pk=deal.client_id).exists()


def deal_managers_visible_to(user: User) -> QuerySet[User]:
    """The people the user may filter deals by: the owners of the deals they see."""
    people = User.objects.select_related("team")
    if user.role == Role.HEAD_OF_SALES:
        return people.filter(role__in=[Role.MANAGER, Role.SENIOR_MANAGER])
    if user.role == Role.SENIOR_MANAGER:
        return people.filter(Q(team__lead=user) | Q(pk=user.pk))
    if user.role == Role.MANAGER:
        return people.filter(pk=user.pk)
    return people.filter(pk__in=deals_visible_to(user).values("manager_id"))
