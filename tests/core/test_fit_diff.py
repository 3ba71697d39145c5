"""A fresh fit against the shipped file, number by number (``core.base.fit_diff.stale_fields``)."""

from __future__ import annotations

import math

from estimator.core.base.fit_diff import stale_fields


def test_numbers_within_the_tolerance_are_the_same_and_beyond_it_are_not():
    assert stale_fields({"x": 535.199398}, {"x": 535.19983}) == []  # a machine's last digits (2026-11-28)
    assert stale_fields({"x": 535.3}, {"x": 535.19983}) == ["x"]
    assert stale_fields({"a": [1.0, {"b": 2.0}]}, {"a": [1.0, {"b": 2.5}]}) == ["a.1.b"]
    assert stale_fields({"a": 1, "about": "x"}, {"a": 1, "about": "y"}) == []  # the text about it is not the fit


def test_nan_infinity_and_bools_equal_only_themselves():
    """Code review 2026-11-28: NaN and inf compared equal to any number, and a bool to 1."""
    assert stale_fields({"x": math.nan}, {"x": 5.0}) == ["x"]
    assert stale_fields({"x": math.inf}, {"x": 5.0}) == ["x"]
    assert stale_fields({"x": 1}, {"x": True}) == ["x"]
    assert stale_fields({"x": math.inf}, {"x": math.inf}) == []
    assert stale_fields({"x": True}, {"x": True}) == []


def test_a_small_figure_is_compared_to_itself_not_to_one():
    """Evidence audit 2026-11-29: the tolerance was 10⁻⁶ × max(1, |a|, |b|), an absolute 10⁻⁶ below 1, so a 0.4% change
    of the latency engine's 1.9 × 10⁻⁴ s per sequence passed the fits' --check."""
    assert stale_fields({"x": 1.9e-4 * 1.004}, {"x": 1.9e-4}) == ["x"]
    assert stale_fields({"x": 8.913290793e-06}, {"x": 8.913313353e-06}) == []  # two runs' last digits (2.5 × 10⁻⁶)
    assert stale_fields({"x": 0.0}, {"x": 1e-15}) == []
