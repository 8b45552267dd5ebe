"""The client 360 of the decision card: reputational significance, cross-sell potential, loyalty, profitability.

Definitions and edge cases: docs/metrics.md, «Decision card (scenario 3)». Each figure is aggregated in the
database with a fixed number of queries, whatever the size of the client or of its peer group.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.db.models.functions import ExtractYear

from crm.clients.models import Client
from crm.core.periods import Period
from crm.policies.models import Contract, ContractStatus
from crm.profitability.formulas import add_months, nps, ratio, yearly_windows
from crm.service.models import ComplaintStatus

PEER_SHARE = Decimal("0.30")  # a line held by at least this share of peers is "typical" for them
MIN_PEERS = 5  # fewer peers say nothing; the group is widened to the whole industry, then given up
RENEWAL_GRACE = datetime.timedelta(days=30)
RENEWAL_YEARS = 3
DAYS_PER_YEAR = Decimal("365.25")


@dataclass(frozen=True)
class PeerLine:
    """A product line typical for the peers that the client does not hold."""

    product_line: str
    peers_holding: int
    share: Decimal


@dataclass(frozen=True)
class CrossSell:
    """Lines the peers typically hold and the client does not; `peer_group` says which peers were compared."""

    peer_group: str  # "industry_segment", "industry" or "" (undefined: no industry, or too few peers)
    peers: int
    held_lines: list[str]
    missing_lines: list[PeerLine]
    branch_count: int


@dataclass(frozen=True)
class RenewalYear:
    year: int
    expiring: int
    renewed: int

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.renewed, self.expiring)


@dataclass(frozen=True)
class NpsWindow:
    period: Period
    responses: int
    nps: Decimal | None


@dataclass(frozen=True)
class Loyalty:
    first_concluded_on: datetime.date | None
    years_with_us: Decimal | None
    renewals: list[RenewalYear]
    nps_trend: list[NpsWindow]
    complaints_last_year: int
    complaints_total: int
    complaints_open: int

    @property
    def renewal_rate(self) -> Decimal | None:
        """Renewed ÷ expiring over the years shown (undefined when nothing expired)."""
        return ratio(sum(row.renewed for row in self.renewals), sum(row.expiring for row in self.renewals))


@dataclass(frozen=True)
class ClientOverview:
    client: Client
    cross_sell: CrossSell
    loyalty: Loyalty
    profitability: Any = None
    profitability_available: bool = False


def _in_force() -> Q:
    return Q(status=ContractStatus.IN_FORCE)


def _peer_lines(peers: Any) -> tuple[int, list[tuple[str, int]]]:
    """How many peers hold any contract in force, and how many of them hold each line (two queries)."""
    contracts = Contract.objects.filter(_in_force(), client__in=peers)
    count = contracts.values("client_id").distinct().count()
    per_line = (
        contracts.values("product__product_line__name", "product__product_line__position")
        .annotate(holders=Count("client_id", distinct=True))
        .order_by("-holders", "product__product_line__position")
    )
    return count, [(row["product__product_line__name"], row["holders"]) for row in per_line]


def cross_sell_potential(client: Client) -> CrossSell:
    """Lines held by ≥ 30 % of peers (same industry and segment; whole industry when < 5) that the client lacks."""
    held = list(
        client.contracts.filter(_in_force())
        .values_list("product__product_line__name", flat=True)
        .distinct()
        .order_by("product__product_line__name")
    )
    group, peers = "", 0
    lines: list[tuple[str, int]] = []
    if client.industry_id is not None:
        others = Client.objects.filter(industry_id=client.industry_id).exclude(pk=client.pk)
        candidates = [("industry_segment", others.filter(segment=client.segment))] if client.segment else []
        for name, queryset in [*candidates, ("industry", others)]:
            peers, lines = _peer_lines(queryset)
            if peers >= MIN_PEERS:
                group = name
                break
    missing = []
    if group:
        for line, holders in lines:
            share = Decimal(holders) / Decimal(peers)
            if share >= PEER_SHARE and line not in held:
                missing.append(PeerLine(line, holders, share))
    return CrossSell(group, peers if group else 0, held, missing, client.branch_count)


def _renewals(client: Client, today: datetime.date) -> list[RenewalYear]:
    """Per calendar year of expiry (the last three, up to today): contracts that expired and those renewed in time."""
    first = datetime.date(today.year - RENEWAL_YEARS + 1, 1, 1)
    renewed_in_time = Contract.objects.filter(
        renewal_of=OuterRef("pk"), concluded_on__lte=OuterRef("ends_on") + RENEWAL_GRACE
    )
    rows = (
        client.contracts.filter(ends_on__gte=first, ends_on__lt=today)
        .exclude(status__in=[ContractStatus.TERMINATED, ContractStatus.CANCELLED])
        .annotate(year=ExtractYear("ends_on"), renewed=Exists(renewed_in_time))
        .values("year")
        .annotate(expiring=Count("pk"), renewed_count=Count("pk", filter=Q(renewed=True)))
    )
    by_year = {row["year"]: (row["expiring"], row["renewed_count"]) for row in rows}
    return [RenewalYear(year, *by_year.get(year, (0, 0))) for year in range(first.year, today.year + 1)]


def _nps_trend(client: Client, today: datetime.date) -> list[NpsWindow]:
    """NPS in each of the last three 12-month windows, oldest first (one query)."""
    windows = yearly_windows(today, 3)
    aggregates: dict[str, Any] = {}
    for index, window in enumerate(windows):
        inside = Q(responded_on__gte=window.first, responded_on__lte=window.last)
        aggregates[f"n{index}"] = Count("pk", filter=inside)
        aggregates[f"p{index}"] = Count("pk", filter=inside & Q(score__gte=9))
        aggregates[f"d{index}"] = Count("pk", filter=inside & Q(score__lte=6))
    row = client.nps_responses.aggregate(**aggregates)
    return [
        NpsWindow(window, row[f"n{index}"], nps(row[f"p{index}"], row[f"d{index}"], row[f"n{index}"]))
        for index, window in enumerate(windows)
    ]


def client_loyalty(client: Client, *, today: datetime.date) -> Loyalty:
    """Years with us (since the first sold contract), renewals per year, NPS trend, complaints (four queries)."""
    first = client.contracts.sold().aggregate(first=Min("concluded_on"))["first"]
    years = None
    if first is not None and first <= today:
        years = (Decimal((today - first).days) / DAYS_PER_YEAR).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    year_ago = add_months(today, -12) + datetime.timedelta(days=1)
    complaints = client.complaints.aggregate(
        total=Count("pk"),
        last_year=Count("pk", filter=Q(received_on__gte=year_ago, received_on__lte=today)),
        open=Count("pk", filter=Q(status__in=[ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS])),
    )
    return Loyalty(
        first_concluded_on=first,
        years_with_us=years,
        renewals=_renewals(client, today),
        nps_trend=_nps_trend(client, today),
        complaints_last_year=complaints["last_year"],
        complaints_total=complaints["total"],
        complaints_open=complaints["open"],
    )


def _profitability(client: Client, today: datetime.date) -> tuple[Any, bool]:
    """The profitability profile (crm.profitability), when that app provides it."""
    try:
        from crm.profitability.queries import client_profile
    except ImportError:  # the profitability app is optional for this card
        return None, False
    return client_profile(client, today=today), True


def client_overview(client: Client, *, today: datetime.date) -> ClientOverview:
    """The client 360 of the decision card."""
    profile, available = _profitability(client, today)
    return ClientOverview(
        client=client,
        cross_sell=cross_sell_potential(client),
        loyalty=client_loyalty(client, today=today),
        profitability=profile,
        profitability_available=available,
    )
