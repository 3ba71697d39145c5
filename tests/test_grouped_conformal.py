"""The grouped conformal multiplier (CDF pooling): each group counts once, whatever its size."""

from __future__ import annotations

import math

import numpy as np
import pytest

from estimator.core.errors import InputError
from estimator.fit.grouped_conformal import grouped_conformal_multiplier
from estimator.fit.serving_fit import cross_validate
from estimator.io.serving_data import load_measurements, load_serving_fit


def test_one_residual_per_group_is_the_plain_level_quantile():
    # ten groups of one: the smallest residual whose share reaches 80% is the 8th
    e = [0.1 * k for k in range(1, 11)]
    assert grouped_conformal_multiplier(e, [str(k) for k in range(10)], 0.8) == pytest.approx(0.8)


def test_a_large_group_does_not_outvote_the_others():
    # one group of 100 tiny residuals and four groups of one large residual each: counted one by
    # one the 80% quantile would be tiny; with each group once, 80% needs four of the five groups
    e = [0.01] * 100 + [0.5, 0.6, 0.7, 0.8]
    g = ["big"] * 100 + ["a", "b", "c", "d"]
    assert grouped_conformal_multiplier(e, g, 0.8) == pytest.approx(0.7)
    plain = sorted(e)[math.ceil(0.8 * (len(e) + 1)) - 1]
    assert plain == pytest.approx(0.01)


def test_weights_within_a_group_split_its_share():
    # two groups: A's two residuals weigh 1/4 of the whole each, B's one weighs 1/2
    e, g = [0.1, 0.3, 0.2], ["A", "A", "B"]
    assert grouped_conformal_multiplier(e, g, 0.25) == pytest.approx(0.1)
    assert grouped_conformal_multiplier(e, g, 0.5) == pytest.approx(0.2)   # 0.25 + 0.5 = 0.75 ≥ 0.5
    assert grouped_conformal_multiplier(e, g, 0.8) == pytest.approx(0.3)


def test_signs_do_not_matter():
    assert grouped_conformal_multiplier([-0.4, 0.2, -0.1], ["a", "b", "c"], 0.5) == pytest.approx(0.2)


@pytest.mark.parametrize("errors, groups, level", [
    ([0.1, 0.2], ["a"], 0.8),            # one name short
    ([0.1, 0.2], ["a", "a"], 0.8),       # one group
    ([0.1, 0.2], ["a", "b"], 1.0),       # level out of (0, 1)
    ([0.1, 0.2], ["a", "b"], 0.0),
])
def test_refuses_what_it_cannot_use(errors, groups, level):
    with pytest.raises(InputError):
        grouped_conformal_multiplier(errors, groups, level)


def test_the_shipped_serving_intervals_come_from_the_grouped_multiplier():
    cv = cross_validate(load_measurements())
    groups = [h.m.model for h in cv.held]
    fit = load_serving_fit()
    assert fit.tpot_log_half_width == pytest.approx(
        grouped_conformal_multiplier([h.tpot_log_error for h in cv.held], groups))
    assert fit.energy_log_half_width == pytest.approx(
        grouped_conformal_multiplier([h.energy_log_error for h in cv.held], groups))
    # each held-out model's interval comes from the other models only
    for h in cv.held:
        others = [x for x in cv.held if x.m.model != h.m.model]
        assert h.tpot_half == pytest.approx(grouped_conformal_multiplier(
            [x.tpot_log_error for x in others], [x.m.model for x in others]))
    assert np.isfinite([h.energy_half for h in cv.held]).all()
