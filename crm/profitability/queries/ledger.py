# ruff: noqa: S608 — the SQL joins our own CTE and column names and constants; every value is a parameter.
"""The entries every report sums: what contracts earned and what claims cost, per client (and key) and window.

- `ct` — one row per contract of the viewer's clients that can cover a day of the windows: premium, commission
  and, for each named window, the days of cover inside it (`cover_<w>`) and the earned share of its term
  (`share_<w>`, computed once and used for both premium and commission).
- `econ` — `ct` summed per client and key: `earned_<w>`, `commission_<w>`, `cover_<w>` and the number of
  contracts with cover in any window.
- `cl` — claims with a loss date in the windows, per client and key: `n_<w>` and `amount_<w>`.
- `entries` — `econ` and `cl` stacked (UNION ALL) with zeros for the other side's columns: a report groups
  them by client or by key without joining 80 000 contracts to their claims row by row.

Claims are read once per statement. They are attributed to the claim's client (the finance system's), and to
the line of the claim's contract. Keys (`k_<name>`) are expressions given twice, from a contract and from a
claim (e.g. the client's industry, or the contract's product line).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from crm.core.periods import Period
from crm.finance.models import Claim
from crm.org.models import User
from crm.policies.models import Contract, ContractStatus
from crm.profitability.expressions import cover_days, earned_share, loss_in
from crm.profitability.queries.scope import viewer_q
from crm.profitability.queries.sql import Sql

Windows = Mapping[str, Period]


@dataclass(frozen=True)
class Key:
    """A grouping key of the entries: its expression from a contract and from a claim."""

    contract: Any
    claim: Any


def contracts_part(viewer: User | None, windows: Windows, where: Q, keys: Mapping[str, Key]) -> QuerySet[Any]:
    """`ct`: the viewer's contracts matching `where`, with cover and earned share in each window."""
    columns: dict[str, Any] = {
        "c_client": F("client_id"),
        "c_written": F("written_premium_amount"),
        "c_commission": F("commission_amount"),
    }
    columns.update({f"k_{name}": key.contract for name, key in keys.items()})
    for name, window in windows.items():
        columns[f"cover_{name}"] = cover_days(window)
        columns[f"share_{name}"] = earned_share(window)
    span = _span(windows)
    # Only contracts that can cover a day of the windows: the others earn nothing (their claims, if any, are
    # still counted — claims are read on their own side).
    meeting = Q(starts_on__lte=span.last, ends_on__gte=span.first) & ~Q(status=ContractStatus.CANCELLED)
    contracts = Contract.objects.filter(viewer_q(viewer, "client__"), where, meeting)
    return contracts.order_by().values(**columns)


def _span(windows: Windows) -> Period:
    return Period(min(w.first for w in windows.values()), max(w.last for w in windows.values()))


def claims_part(viewer: User | None, windows: Windows, where: Q, keys: Mapping[str, Key]) -> QuerySet[Any]:
    """`cl`: the viewer's claims matching `where` with a loss date in any window, counted and summed per window."""
    span = _span(windows)
    aggregates: dict[str, Any] = {}
    for name, window in windows.items():
        aggregates[f"n_{name}"] = Count("id", filter=loss_in(window))
        aggregates[f"amount_{name}"] = Sum("incurred_amount", filter=loss_in(window))
    claims = Claim.objects.filter(viewer_q(viewer, "client__"), where, loss_in(span)).order_by()
    group = {"k_client": F("client_id"), **{f"k_{name}": key.claim for name, key in keys.items()}}
    return claims.values(**group).annotate(**aggregates)


def _econ(windows: Windows, keys: Mapping[str, Key], suffix: str) -> Sql:
    group = ", ".join(["c_client", *(f"k_{name}" for name in keys)])
    sums = ", ".join(
        f"SUM(c_written * share_{w}) AS earned_{w}, SUM(c_commission * share_{w}) AS commission_{w}, "
        f"SUM(cover_{w}) AS cover_{w}"
        for w in windows
    )
    covered = " + ".join(f"cover_{w}" for w in windows)
    return Sql(
        f"SELECT {group}, {sums}, SUM(CASE WHEN {covered} > 0 THEN 1 ELSE 0 END) AS contracts "
        f"FROM ct{suffix} GROUP BY {group}"
    )


def _entries(windows: Windows, keys: Mapping[str, Key], suffix: str) -> Sql:
    names = ", ".join(f"k_{name}" for name in keys)
    names = f", {names}" if names else ""
    money = [f"earned_{w}, commission_{w}, cover_{w}" for w in windows]
    zeros_money = ["0, 0, 0" for _w in windows]
    claims = [f"0 AS n_{w}, 0 AS amount_{w}" for w in windows]
    claim_columns = [f"n_{w}, COALESCE(amount_{w}, 0)" for w in windows]
    contract_side = (
        f"SELECT c_client AS client{names}, {', '.join(money)}, contracts, {', '.join(claims)} FROM econ{suffix}"
    )
    claim_side = f"SELECT k_client{names}, {', '.join(zeros_money)}, 0, {', '.join(claim_columns)} FROM cl{suffix}"
    return Sql(f"{contract_side} UNION ALL {claim_side}")


def entries(
    viewer: User | None,
    windows: Windows,
    contracts_where: Q,
    claims_where: Q,
    keys: Mapping[str, Key] | None = None,
    suffix: str = "",
) -> dict[str, Any]:
    """The CTEs `ct`, `econ`, `cl`, `entries` (+ suffix) of a statement: client, k_<key>…, per-window sums."""
    keys = keys or {}
    return {
        f"ct{suffix}": contracts_part(viewer, windows, contracts_where, keys),
        f"econ{suffix}": _econ(windows, keys, suffix),
        f"cl{suffix}": claims_part(viewer, windows, claims_where, keys),
        f"entries{suffix}": _entries(windows, keys, suffix),
    }


def economics_columns(windows: list[str], condition: str = "", alias: str = "") -> str:
    """SUMs over entries of earned premium, commission, incurred claims, claims and cover over the windows."""

    def total(column: str) -> str:
        value = " + ".join(f"{column}_{w}" for w in windows)
        value = f"CASE WHEN {condition} THEN {value} ELSE 0 END" if condition else value
        return f"COALESCE(SUM({value}), 0)"

    return ", ".join(
        [
            f"{total('earned')} AS {alias}earned",
            f"{total('commission')} AS {alias}commission",
            f"{total('amount')} AS {alias}incurred",
            f"{total('n')} AS {alias}claims",
            f"{total('cover')} AS {alias}cover",
        ]
    )
