"""Who sees an approval request, and who may decide, withdraw or resubmit it.

A request is visible to its requester, the deal's manager, the routed approver, the senior managers leading
the requester's or the deal manager's team, every head of sales, and underwriters or risk managers invited
into its thread by a mention (that request only). Anyone else gets "not found", exactly like a missing one.
"""

from django.db.models import Q, QuerySet

from crm.approvals.models import ApprovalRequest, ApprovalState, RouteLevel
from crm.core.roles import Role
from crm.discussions.access import granted_object_ids
from crm.org.models import User

DECIDING_ROLES = frozenset({Role.HEAD_OF_SALES, Role.SENIOR_MANAGER})
REQUESTING_ROLES = frozenset({Role.HEAD_OF_SALES, Role.SENIOR_MANAGER, Role.MANAGER})
INBOX_ROLES = REQUESTING_ROLES | {Role.UNDERWRITER, Role.RISK_MANAGER}


def requests_visible_to(user: User) -> QuerySet[ApprovalRequest]:
    """The requests the user may see (see the module docstring)."""
    requests = ApprovalRequest.objects.all()
    if not user.is_active:
        return requests.none()
    if user.role == Role.HEAD_OF_SALES:
        return requests
    scope = Q(pk__in=granted_object_ids(user, ApprovalRequest))
    if user.role in REQUESTING_ROLES:
        scope |= Q(requested_by=user) | Q(deal__manager=user) | Q(approver=user)
    if user.role == Role.SENIOR_MANAGER:
        scope |= Q(requested_by__team__lead=user) | Q(deal__manager__team__lead=user)
    return requests.filter(scope)


RELATED = ("deal__client__industry", "deal__product__product_line", "deal__manager", "deal__stage")
PEOPLE = ("requested_by__team", "approver", "decided_by", "rule_version__rule")


def get_request_for(user: User, pk: int) -> ApprovalRequest:
    """One request the user may see; `ApprovalRequest.DoesNotExist` for missing and forbidden alike."""
    return requests_visible_to(user).select_related(*RELATED, *PEOPLE).get(pk=pk)


def may_decide(user: User, request: ApprovalRequest) -> bool:
    """The routed approver or any head of sales, never the requester; a rule broken leaves it to the head."""
    if not user.is_active or user.pk == request.requested_by_id or user.role not in DECIDING_ROLES:
        return False
    if user.role == Role.HEAD_OF_SALES:
        return True
    return request.route == RouteLevel.SENIOR and request.approver_id == user.pk and not request.breaks_rule


def may_withdraw_or_resubmit(user: User, request: ApprovalRequest) -> bool:
    """Only the requester withdraws or reworks their own request."""
    return user.is_active and user.pk == request.requested_by_id


def may_request_approval(user: User) -> bool:
    return user.is_active and user.role in REQUESTING_ROLES


def may_open_inbox(user: User) -> bool:
    return user.is_active and user.role in INBOX_ROLES


def waiting_for(user: User) -> QuerySet[ApprovalRequest]:
    """Requests waiting for the user's decision: routed to them, or (for the head) every one routed to the head."""
    submitted = requests_visible_to(user).filter(state=ApprovalState.SUBMITTED).exclude(requested_by=user)
    if user.role == Role.HEAD_OF_SALES:
        return submitted.filter(Q(route=RouteLevel.HEAD) | Q(approver=user))
    if user.role == Role.SENIOR_MANAGER:
        return submitted.filter(approver=user, route=RouteLevel.SENIOR, breaks_rule=False)
    return submitted.none()
