"""Who may see sales analytics, and over which records.

Only the sales hierarchy opens the dashboard: the head of sales over everything, a senior manager over
the team(s) they lead and their own records, a manager over their own (crm.org.access.sales_scope_q).
Every figure is computed only over these records, so a senior's "company" is their team.
"""

from django.db.models import QuerySet

from crm.analytics.models import DealDayRollup, DealRollup, SalesDayRollup, SalesRollup
from crm.core.roles import SALES_ROLES
from crm.org.access import sales_scope_q
from crm.org.models import User
from crm.pipeline.access import deals_visible_to
from crm.pipeline.models import Deal, DealQuerySet
from crm.policies.models import Contract, ContractQuerySet


def may_view_dashboard(user: User) -> bool:
    """The head of sales, senior managers and managers open the dashboard; others get 403."""
    return user.is_active and user.role in SALES_ROLES


def contracts_visible_to(user: User) -> ContractQuerySet:
    """The contracts (any status) whose manager the user may see; none for roles outside sales."""
    contracts = Contract.objects.all()
    if not may_view_dashboard(user):
        return contracts.none()
    scope = sales_scope_q(user, "manager")
    return contracts if scope is None else contracts.filter(scope)


def deals_for_analytics(user: User) -> DealQuerySet:
    """The deals the user may see, for sales people only (underwriters' read access is not analytics)."""
    if not may_view_dashboard(user):
        return Deal.objects.none()
    return deals_visible_to(user)


def _rollups_visible_to[T: (SalesRollup, SalesDayRollup, DealRollup, DealDayRollup)](
    user: User, rows: QuerySet[T]
) -> QuerySet[T]:
    """Roll-up rows of the managers the user may see: the scope of `contracts_visible_to` and `deals_for_analytics`."""
    if not may_view_dashboard(user):
        return rows.none()
    scope = sales_scope_q(user, "manager")
    return rows if scope is None else rows.filter(scope)


def sales_rollups_visible_to(user: User) -> QuerySet[SalesRollup]:
    """The monthly sales roll-up rows the user may see."""
    return _rollups_visible_to(user, SalesRollup.objects.all())


def sales_days_visible_to(user: User) -> QuerySet[SalesDayRollup]:
    """The daily sales roll-up rows the user may see."""
    return _rollups_visible_to(user, SalesDayRollup.objects.all())


def deal_rollups_visible_to(user: User) -> QuerySet[DealRollup]:
    """The monthly closed-deal roll-up rows the user may see."""
    return _rollups_visible_to(user, DealRollup.objects.all())


def deal_days_visible_to(user: User) -> QuerySet[DealDayRollup]:
    """The daily closed-deal roll-up rows the user may see."""
    return _rollups_visible_to(user, DealDayRollup.objects.all())
