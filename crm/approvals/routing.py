"""Who must approve a discount or special terms: the requester's own limit, their team lead's, or the head.

Within the requester's own limit, with no special terms and no discount rule broken, nothing needs approval:
the discount is simply applied. Above it the request goes to the team's senior manager (`Team.lead`);
above the senior's limit — or when the requester has no other senior, or is a senior — to the head of
sales. Special terms always need at least the senior. A discount above an active discount rule goes to the
head, who alone may approve it, with an explicit override reason. Limits: `User.discount_limit()` (the
person's own rate, else their role's `RoleDiscountLimit`).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crm.approvals.models import RouteLevel
from crm.core.roles import Role
from crm.discounts.models import DiscountRuleVersion
from crm.discounts.services import applicable_rule
from crm.org.models import User
from crm.pipeline.models import Deal


@dataclass(frozen=True)
class Route:
    """The routing decision for one request; `level` None means no approval is needed."""

    level: str | None
    approver: User | None
    requester_limit_rate: Decimal
    rule_version: DiscountRuleVersion | None
    breaks_rule: bool

    @property
    def needs_approval(self) -> bool:
        return self.level is not None


def rule_check(deal: Deal, rate: Decimal | None, on_date: datetime.date) -> tuple[DiscountRuleVersion | None, bool]:
    """(the rule version that applies to the deal's discount, whether `rate` breaks it); no discount → (None, False)."""
    if rate is None:
        return None, False
    version = applicable_rule(client=deal.client, product=deal.product, on_date=on_date)
    return version, version is not None and Decimal(rate) > version.max_discount_rate


def head_of_sales(excluding: User) -> User:
    """The head of sales who receives head-level requests (the first active one), never the requester."""
    head = User.objects.filter(role=Role.HEAD_OF_SALES, is_active=True).exclude(pk=excluding.pk).order_by("pk").first()
    if head is None:
        raise ValidationError(_("Некому согласовать запрос: в системе нет другого начальника отдела продаж."))
    return head


def team_lead(requester: User) -> User | None:
    """The senior manager leading the requester's team, when that is someone else and still active."""
    team = requester.team
    lead = team.lead if team is not None else None
    if lead is None or not lead.is_active or lead.pk == requester.pk or requester.role != Role.MANAGER:
        return None
    return lead


def route_for(
    *, requester: User, deal: Deal, rate: Decimal | None, special_terms: str, on_date: datetime.date
) -> Route:
    """Route a request (see the module docstring)."""
    limit = requester.discount_limit()
    version, breaks = rule_check(deal, rate, on_date)
    within_limit = rate is None or Decimal(rate) <= limit
    if within_limit and not special_terms and not breaks:
        return Route(None, None, limit, version, False)
    lead = None if breaks else team_lead(requester)
    if lead is not None and (rate is None or Decimal(rate) <= lead.discount_limit()):
        return Route(RouteLevel.SENIOR, lead, limit, version, False)
    return Route(RouteLevel.HEAD, head_of_sales(requester), limit, version, breaks)
