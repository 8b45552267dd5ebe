"""The terms an approval froze on a deal, for the contract concluded from it."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from crm.approvals.models import ApprovalRequest, ApprovalState
from crm.core.money import format_percent, format_rub
from crm.pipeline.models import Deal

TERM_LABELS = {
    "written_premium_amount": _("Премия"),
    "discount_rate": _("Скидка"),
    "special_terms": _("Особые условия"),
}


@dataclass(frozen=True)
class TermLine:
    label: str
    value: str


def format_term(key: str, value: str | None) -> str:
    """A frozen term as the UI shows it: roubles, percent, or the text."""
    if value in (None, ""):
        return "—"
    if key == "written_premium_amount":
        return format_rub(Decimal(value), kopecks=True)
    if key == "discount_rate":
        return format_percent(Decimal(value), digits=2)
    return str(value)


@dataclass(frozen=True)
class ApprovedTerms:
    """`terms` has the shape of `policies.Contract.current_terms()`, ready for `Contract.approved_terms`."""

    request_id: int
    terms: dict[str, str]
    approved_at: datetime.datetime

    def lines(self) -> list[TermLine]:
        """The terms formatted for the screen."""
        return [TermLine(str(label), format_term(key, self.terms.get(key))) for key, label in TERM_LABELS.items()]


def approved_terms_for(deal: Deal) -> ApprovedTerms | None:
    """The latest approval's frozen terms on the deal (a later approval supersedes an earlier one); None if none."""
    row = (
        ApprovalRequest.objects.filter(deal=deal, state=ApprovalState.APPROVED)
        .order_by("-decided_at", "-pk")
        .values("pk", "frozen_terms", "decided_at")
        .first()
    )
    if row is None or row["frozen_terms"] is None or row["decided_at"] is None:
        return None
    return ApprovedTerms(row["pk"], dict(row["frozen_terms"]), row["decided_at"])
