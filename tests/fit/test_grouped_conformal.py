"""CDF pooling for the serving intervals: each model counts once, whatever its number of
configurations (the quantile itself is also tested in tests/fit/test_new_family.py)."""

from __future__ import annotations

import math

import pytest

from estimator.fit.grouped_conformal import pooled_cdf_quantile
from estimator.fit.serving_fit import cross_validate, leave_one_model_out
from estimator.io.serving_data import engine_profile, load_measurements, load_serving_fit

# vllm-2024's form (engines.toml): its new prompts prefilled as steps of their own, as its fit takes it
APART = engine_profile("vllm-2024").prefill_steps_apart


def test_a_large_group_does_not_outvote_the_others():
    # one group of 100 tiny residuals and four groups of one large residual each: counted one by
    # one the 80% quantile would be tiny; with each group once, 80% needs four of the five groups
    e = [0.01] * 100 + [0.5, 0.6, 0.7, 0.8]
    g = ["big"] * 100 + ["a", "b", "c", "d"]
    assert pooled_cdf_quantile(e, g, 0.8) == pytest.approx(0.7)
    plain = sorted(e)[math.ceil(0.8 * (len(e) + 1)) - 1]
    assert plain == pytest.approx(0.01)


def test_weights_within_a_group_split_its_share():
    # two groups: A's two scores weigh 1/4 of the whole each, B's one weighs 1/2
    e, g = [0.1, 0.3, 0.2], ["A", "A", "B"]
    assert pooled_cdf_quantile(e, g, 0.25) == pytest.approx(0.1)
    assert pooled_cdf_quantile(e, g, 0.5) == pytest.approx(0.2)   # 0.25 + 0.5 = 0.75 ≥ 0.5
    assert pooled_cdf_quantile(e, g, 0.8) == pytest.approx(0.3)


def test_the_shipped_serving_intervals_count_each_model_once():
    cv = cross_validate(load_measurements(), prefill_steps_apart=APART)
    groups = [h.m.model for h in cv.held]
    fit = load_serving_fit("vllm-2024")
    assert fit.tpot_log_half_width == pytest.approx(
        pooled_cdf_quantile([abs(h.tpot_log_error) for h in cv.held], groups))
    assert fit.energy_log_half_width == pytest.approx(
        pooled_cdf_quantile([abs(h.energy_log_error) for h in cv.held], groups))
    # each held-out model's interval comes from the other models only, each of them predicted by a fit
    # without it and without the held-out model (nested: review, the residuals had come from fits with it)
    ms = load_measurements()
    for name in sorted(set(groups)):
        inner = leave_one_model_out([m for m in ms if m.model != name], APART)
        inner_groups = [x.m.model for x in inner]
        for h in (x for x in cv.held if x.m.model == name):
            assert h.tpot_half == pytest.approx(pooled_cdf_quantile([abs(x.tpot_log_error) for x in inner], inner_groups))
            assert h.energy_half == pytest.approx(
                pooled_cdf_quantile([abs(x.energy_log_error) for x in inner], inner_groups))
