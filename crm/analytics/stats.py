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


def rate_change_p_value(count: int, days: int, base_count: int, base_days: int, alternative: Alternative) -> float:
    """Is the daily rate of `count` over `days` lower (or higher) than `base_count` over `base_days`?

    The exact conditional test of two Poisson rates: given n = count + base_count events, `count` is
    binomial with p = days ÷ (days + base_days) when the rates are equal. One-sided; 1.0 with no events.
    """
    events = count + base_count
    if events == 0:
        return 1.0
    share = days / (days + base_days)
    return float(_stats().binomtest(count, events, share, alternative=alternative).pvalue)


def win_rate_p_value(won: int, lost: int, rest_won: int, rest_lost: int) -> float:
    """Is the win rate won ÷ (won + lost) lower than the rest's? One-sided Fisher exact test on the 2 × 2 table."""
    if won + lost == 0 or rest_won + rest_lost == 0:
        return 1.0
    return float(_stats().fisher_exact([[won, lost], [rest_won, rest_lost]], alternative="less").pvalue)


def adjusted_p_values(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values: many managers tested at 5 % would otherwise give false alarms."""
    if not p_values:
        return []
    return [float(value) for value in _stats().false_discovery_control(list(p_values), method="bh")]
