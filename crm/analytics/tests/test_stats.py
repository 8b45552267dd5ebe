"""Significance tests, checked against the distributions computed by hand (no database)."""

from fractions import Fraction
from math import comb

import pytest

from crm.analytics.stats import adjusted_p_values, rate_change_p_value, win_rate_p_value


def test_a_fall_of_the_daily_rate_is_a_lower_binomial_tail():
    # 4 contracts against 20 over equally long windows: P(X ≤ 4), X ~ Bin(24, 1/2).
    expected = Fraction(sum(comb(24, k) for k in range(5)), 2**24)
    assert rate_change_p_value(4, 92, 20, 92, "less") == pytest.approx(float(expected), rel=1e-9)


def test_a_rise_is_an_upper_tail():
    # 12 against 2: P(X ≥ 12), X ~ Bin(14, 1/2) = (91 + 14 + 1) / 2^14.
    assert rate_change_p_value(12, 92, 2, 92, "greater") == pytest.approx(106 / 16384, rel=1e-9)


def test_windows_of_different_length_weigh_the_counts():
    # 0 in 10 days against 5 in 40 days: P(X = 0), X ~ Bin(5, 10/50) = 0.8^5.
    assert rate_change_p_value(0, 10, 5, 40, "less") == pytest.approx(0.32768, rel=1e-9)
    assert rate_change_p_value(0, 10, 0, 40, "less") == 1.0


def test_low_win_rate_is_the_fisher_lower_tail():
    # 4 won of 20 against 30 won of 40: X ~ Hypergeometric(60 deals, 34 won, 20 drawn), P(X ≤ 4).
    expected = Fraction(sum(comb(34, x) * comb(26, 20 - x) for x in range(5)), comb(60, 20))
    assert win_rate_p_value(4, 16, 30, 10) == pytest.approx(float(expected), rel=1e-9)
    assert win_rate_p_value(0, 0, 30, 10) == 1.0


def test_benjamini_hochberg_adjustment():
    # Sorted 0.01, 0.03, 0.04 (m = 3): 0.01·3 = 0.03; min(0.03·3/2, 0.04) = 0.04; 0.04.
    assert adjusted_p_values([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.04, 0.04])
    assert adjusted_p_values([]) == []
