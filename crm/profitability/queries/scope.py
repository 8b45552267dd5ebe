"""Which clients and contracts a report covers: the viewer's clients narrowed by the page's filters.

Every figure is attributed to the client's **current** attributes: its industry as recorded (a finer industry
such as logistics is its own, not part of its ОКВЭД section), segment, region, and its current manager and that
manager's team. The product line narrows the
contracts (and so their claims and instalments) to that line.
"""

from dataclasses import dataclass
from functools import reduce
from operator import and_

from django.db.models import Q

from crm.org.models import User
from crm.profitability.access import client_scope_q


@dataclass(frozen=True)
class Filters:
    """The report filters; None means «all». `segment=""` selects the clients without a segment.

    `client_id` narrows everything to one client (its card and its profile for approvals).
    """

    industry_id: int | None = None
    segment: str | None = None
    region_id: int | None = None
    team_id: int | None = None
    manager_id: int | None = None
    product_line_id: int | None = None
    client_id: int | None = None

    def client_q(self, prefix: str = "") -> Q:
        """The client-attribute filters, for the client reached through `prefix`."""
        parts = []
        if self.industry_id is not None:
            parts.append(Q(**{f"{prefix}industry_id": self.industry_id}))
        if self.segment is not None:
            parts.append(Q(**{f"{prefix}segment": self.segment}))
        if self.region_id is not None:
            parts.append(Q(**{f"{prefix}region_id": self.region_id}))
        if self.team_id is not None:
            parts.append(Q(**{f"{prefix}manager__team_id": self.team_id}))
        if self.manager_id is not None:
            parts.append(Q(**{f"{prefix}manager_id": self.manager_id}))
        if self.client_id is not None:
            parts.append(Q(**{f"{prefix}pk": self.client_id}))
        return reduce(and_, parts, Q())

    def line_q(self, prefix: str = "") -> Q:
        """The product-line filter, for the contract reached through `prefix`."""
        if self.product_line_id is None:
            return Q()
        return Q(**{f"{prefix}product__product_line_id": self.product_line_id})

    def contract_q(self) -> Q:
        """Contracts of the selected clients and line."""
        return self.client_q("client__") & self.line_q()

    def claim_q(self) -> Q:
        """Claims of the selected clients (the claim's client) under contracts of the selected line."""
        return self.client_q("client__") & self.line_q("contract__")


NO_FILTERS = Filters()


def viewer_q(viewer: User | None, prefix: str = "") -> Q:
    """The viewer's clients (reached through `prefix`); an empty Q for every client (no viewer: company-wide)."""
    scope = None if viewer is None else client_scope_q(viewer, prefix)
    return Q() if scope is None else scope
