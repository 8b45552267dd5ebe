"""The decision card: the request and its deal, the client 360, the requester's history, the rule, the verdicts."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q
from django.utils import timezone

from crm.approvals.access import may_decide, may_withdraw_or_resubmit
from crm.approvals.models import ApprovalRequest, ApprovalState, deal_terms
from crm.approvals.queries.client360 import ClientOverview, client_overview
from crm.approvals.queries.terms import TERM_LABELS, TermLine, format_term
from crm.approvals.routing import rule_check
from crm.core.roles import Role
from crm.discounts.models import DiscountRuleVersion
from crm.discussions.models import Message
from crm.discussions.queries import latest_verdicts
from crm.org.models import User
from crm.profitability.formulas import ratio


@dataclass(frozen=True)
class RequesterHistory:
    """All requests of one person: how many and how they ended, the average discount asked."""

    total: int
    approved: int
    rejected: int
    returned: int
    withdrawn: int
    waiting: int
    average_discount_rate: Decimal | None

    @property
    def approval_rate(self) -> Decimal | None:
        """Approved ÷ (approved + rejected); undefined before any decision."""
        return ratio(self.approved, self.approved + self.rejected)


@dataclass(frozen=True)
class TermChange:
    label: str
    approved: str
    current: str
    key: str


def frozen_lines(request: ApprovalRequest) -> list[TermLine]:
    """The approved terms, formatted (empty unless approved)."""
    frozen = request.frozen_terms or {}
    return (
        [TermLine(str(label), format_term(key, frozen.get(key))) for key, label in TERM_LABELS.items()]
        if frozen
        else []
    )


@dataclass(frozen=True)
class DecisionCard:
    request: ApprovalRequest
    overview: ClientOverview
    history: RequesterHistory
    rule_version: DiscountRuleVersion | None
    breaks_rule: bool
    verdicts: list[Message]
    terms_changed: list[TermChange]
    frozen_terms: list[TermLine]
    may_decide: bool
    may_withdraw: bool
    may_resubmit: bool
    needs_override: bool
    waiting_hours: int | None


def requester_history(person: User) -> RequesterHistory:
    """Counts by outcome and the average discount asked over all of a person's requests (one query)."""
    row = ApprovalRequest.objects.filter(requested_by=person).aggregate(
        total=Count("pk"),
        approved=Count("pk", filter=Q(state=ApprovalState.APPROVED)),
        rejected=Count("pk", filter=Q(state=ApprovalState.REJECTED)),
        returned=Count("pk", filter=Q(state=ApprovalState.RETURNED)),
        withdrawn=Count("pk", filter=Q(state=ApprovalState.WITHDRAWN)),
        waiting=Count("pk", filter=Q(state=ApprovalState.SUBMITTED)),
        average=Avg("discount_rate"),
    )
    average = None if row["average"] is None else Decimal(str(row["average"])).quantize(Decimal("0.0001"))
    return RequesterHistory(
        row["total"], row["approved"], row["rejected"], row["returned"], row["withdrawn"], row["waiting"], average
    )


def terms_changed(request: ApprovalRequest) -> list[TermChange]:
    """For an approved request: the frozen terms that the deal no longer has (empty when unchanged)."""
    if request.state != ApprovalState.APPROVED or request.frozen_terms is None:
        return []
    frozen = request.frozen_terms
    current = deal_terms(request.deal, frozen.get("special_terms", ""))
    return [
        TermChange(str(label), format_term(key, frozen.get(key)), format_term(key, current[key]), key)
        for key, label in TERM_LABELS.items()
        if frozen.get(key) != current[key]
    ]


def _rule(request: ApprovalRequest, today: datetime.date) -> tuple[DiscountRuleVersion | None, bool]:
    """While open, the rule in force today (it may have changed since submission); once decided, the one recorded."""
    if request.is_open:
        return rule_check(request.deal, request.discount_rate, today)
    return request.rule_version, request.breaks_rule


def decision_card(request: ApprovalRequest, *, viewer: User, today: datetime.date) -> DecisionCard:
    """Everything the decision needs on one screen, in a fixed number of queries."""
    version, breaks = _rule(request, today)
    deciding = request.state == ApprovalState.SUBMITTED and may_decide(viewer, request)
    waiting = None
    if request.state == ApprovalState.SUBMITTED:
        waiting = int((timezone.now() - request.submitted_at).total_seconds() // 3600)
    own = may_withdraw_or_resubmit(viewer, request)
    return DecisionCard(
        request=request,
        overview=client_overview(request.deal.client, today=today),
        history=requester_history(request.requested_by),
        rule_version=version,
        breaks_rule=breaks,
        verdicts=latest_verdicts(ApprovalRequest, request.pk),
        terms_changed=terms_changed(request),
        frozen_terms=frozen_lines(request),
        may_decide=deciding and (not breaks or viewer.role == Role.HEAD_OF_SALES),
        may_withdraw=own and request.is_open,
        may_resubmit=own and request.state == ApprovalState.RETURNED,
        needs_override=breaks and request.is_open,
        waiting_hours=waiting,
    )
