"""Significance tests for hot spots, so that noise on three deals is not called a trend (pure functions).

p-values are probabilities, not money: floats are fine here. SciPy is imported on first use: it costs
about two seconds, which every management command would otherwise pay when the URLs load.
"""

from collections.abc import Sequence
from types import ModuleType
from typing import Literal

Alternative = Literal["less", "greater"]


def _stats() -> ModuleType:
    from scipy import stats

    return stats


RateTest = tuple[int, int, int, int]
"""(count, days, base count, base days)."""
WinRateTest = tuple[int, int, int, int]
"""(won, lost, the rest's won, the rest's lost)."""


def rate_change_p_values(tests: Sequence[RateTest], alternative: Alternative) -> list[float]:
    """Is the daily rate of `count` over `days` lower (or higher) than `base_count` over `base_days`?

    The exact conditional test of two Poisson rates: given n = count + base_count events, `count` is
    binomial with p = days ÷ (days + base_days) when the rates are equal. One-sided; 1.0 with no events.
    Many tests in one vectorised SciPy call (hundreds of managers would otherwise cost a call each).
    """
    if not tests:
        return []
    counts, events, shares = [], [], []
    for count, days, base_count, base_days in tests:
        counts.append(count)
        events.append(max(count + base_count, 1))  # no events: the p-value is 1.0, set below
        shares.append(days / (days + base_days))
    p_values = _stats().binomtest(counts, events, shares, alternative=alternative).pvalue
    return [1.0 if count + base == 0 else float(p) for (count, _d, base, _b), p in zip(tests, p_values, strict=True)]


def rate_change_p_value(count: int, days: int, base_count: int, base_days: int, alternative: Alternative) -> float:
    """One test of `rate_change_p_values`."""
    return rate_change_p_values([(count, days, base_count, base_days)], alternative)[0]


def win_rate_p_values(tests: Sequence[WinRateTest]) -> list[float]:
    """Is the win rate won ÷ (won + lost) lower than the rest's? One-sided Fisher exact test on each 2 × 2 table.

    The lower tail of the hypergeometric distribution, exactly as `scipy.stats.fisher_exact(…, "less")`
    computes it (1.0 when a row or a column of the table is empty), for many tables in one call.
    """
    if not tests:
        return []
    won = [test[0] for test in tests]
    deals = [sum(test) for test in tests]
    unit = [test[0] + test[1] for test in tests]
    all_won = [test[0] + test[2] for test in tests]
    p_values = _stats().hypergeom.cdf(won, deals, unit, all_won)
    return [
        1.0 if 0 in (won_ + lost, rest_won + rest_lost, won_ + rest_won, lost + rest_lost) else float(p)
        for (won_, lost, rest_won, rest_lost), p in zip(tests, p_values, strict=True)
    ]


def win_rate_p_value(won: int, lost: int, rest_won: int, rest_lost: int) -> float:
    """One test of `win_rate_p_values`."""
    return win_rate_p_values([(won, lost, rest_won, rest_lost)])[0]


def adjusted_p_values(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values: many managers tested at 5 % would otherwise give false alarms."""
    if not p_values:
        return []
    return [float(value) for value in _stats().false_discovery_control(list(p_values), method="bh")]
