"""Who may see client profitability, and over which clients.

The head of sales sees every client, a senior manager the clients of the team(s) they lead and their own, a
manager their own (by the client's current manager, `crm.org.access.sales_scope_q`). The risk manager reads
every client: assessing risk is their job. Other roles get 403. Every figure is computed over these clients
only (their contracts, claims, deals, instalments, complaints). Only the head of sales changes the score.
"""

from django.db.models import Q

from crm.clients.models import Client, ClientQuerySet
from crm.core.roles import SALES_ROLES, Role
from crm.org.access import sales_scope_q
from crm.org.models import User

PROFITABILITY_ROLES = SALES_ROLES | {Role.RISK_MANAGER}
READS_ALL = frozenset({Role.HEAD_OF_SALES, Role.RISK_MANAGER})


def may_view_profitability(user: User) -> bool:
    """The sales hierarchy and the risk manager open the profitability reports; others get 403."""
    return user.is_active and user.role in PROFITABILITY_ROLES


def may_edit_score_settings(user: User) -> bool:
    """Only the head of sales changes the weights and thresholds of the toxic-client score."""
    return user.is_active and user.role == Role.HEAD_OF_SALES


def client_scope_q(user: User, prefix: str = "") -> Q | None:
    """A filter on the client reached through `prefix` (e.g. "contract__client__"); None: every client."""
    if not may_view_profitability(user):
        # A condition that compiles to SQL and matches nothing (an empty IN list would not compile at all).
        return Q(**{f"{prefix}pk__isnull": True})
    if user.role in READS_ALL:
        return None
    return sales_scope_q(user, f"{prefix}manager")


def clients_for_profitability(user: User) -> ClientQuerySet:
    """The clients whose economics `user` may see; none for roles outside the reports."""
    clients: ClientQuerySet = Client.objects.all()
    if not may_view_profitability(user):
        return clients.none()
    if user.role in READS_ALL:
        return clients
    scope = sales_scope_q(user, "manager")
    return clients if scope is None else clients.filter(scope)


def get_client_for(user: User, pk: int) -> Client:
    """The client if `user` may see its economics; `Client.DoesNotExist` otherwise (missing and forbidden alike)."""
    return clients_for_profitability(user).select_related("manager", "industry").get(pk=pk)
