"""Chinchilla (rule and fit), budget → model, diminishing returns and trends: the numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from estimator.core.base.errors import InputError
from estimator.laws import diminishing as dm
from estimator.laws import scaling, trends
from estimator.report import humanize as hz
from estimator.services import api
from estimator.services.limits import reports as limits

# --- Chinchilla ---------------------------------------------------------------------------

def test_rule_gives_69b_params_and_1_4t_tokens_for_5_76e23():
    m = scaling.chinchilla(5.76e23)
    assert m.params_opt == pytest.approx(69.3e9, rel=0.01)   # sqrt(5.76e23 / 120)
    assert m.tokens_opt == pytest.approx(1.4e12, rel=0.02)
    assert m.tokens_per_param == pytest.approx(20.0)
    assert 6 * m.params_opt * m.tokens_opt == pytest.approx(5.76e23)
    assert m.loss_opt == pytest.approx(scaling.loss(m.params_opt, m.tokens_opt))


@pytest.mark.parametrize("params, flops, tokens", [row for row in scaling.CHINCHILLA_TABLE3 if 1e9 <= row[0] <= 175e9])
def test_rule_matches_table3(params, flops, tokens):
    m = scaling.chinchilla(flops)
    assert m.params_opt == pytest.approx(params, rel=0.05)
    assert m.tokens_opt == pytest.approx(tokens, rel=0.08)  # Table 3's rows are not exactly 6·N·D


def test_fit_exponents():
    g, a, b = scaling.fit_exponents()
    assert a == pytest.approx(0.28 / 0.62) and b == pytest.approx(0.34 / 0.62)
    assert a + b == pytest.approx(1.0)
    assert g == pytest.approx((0.34 * 406.4 / (0.28 * 410.7)) ** (1 / 0.62))


@pytest.mark.parametrize("flops", [1e20, 5.76e23, 3.85e24, 1e27])
def test_fit_reproduces_the_closed_form(flops):
    """Minimising L(N, C/(6N)) numerically over N lands on the closed form."""
    m = scaling.chinchilla(flops, "fit")
    n = np.logspace(np.log10(m.params_opt) - 1, np.log10(m.params_opt) + 1, 200_001)
    losses = scaling.loss(n, flops / (6 * n))
    best = n[np.argmin(losses)]
    assert best == pytest.approx(m.params_opt, rel=1e-4)
    assert m.tokens_opt == pytest.approx(flops / (6 * m.params_opt))
    assert m.loss_opt == pytest.approx(losses.min(), abs=1e-12)
    # the rule's point lies on the same budget and cannot beat the fit's minimum
    assert scaling.chinchilla(flops).loss_opt >= m.loss_opt


def test_loss_falls_with_compute_toward_e():
    c = np.logspace(18, 28, 11)
    for method in scaling.METHODS:
        curve = scaling.loss_curve(c, method)
        assert np.all(np.diff(curve) < 0)
        assert curve[-1] > scaling.FIT_E


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf")])
def test_chinchilla_rejects_bad_flops(bad):
    with pytest.raises(InputError):
        scaling.chinchilla(bad)


def test_unknown_method():
    with pytest.raises(InputError, match="method"):
        scaling.chinchilla(1e20, "kaplan")


# --- budget → model -----------------------------------------------------------------------

@pytest.mark.parametrize("kind, budget, key, scale", [("usd", 1e6, "cost_usd", 1.0), ("kwh", 1e5, "energy_kwh", 1.0),
                                                      ("tco2e", 50.0, "co2e_kg", 1e-3)])
def test_budget_buys_what_it_pays_for(kind, budget, key, scale):
    res, est = limits.budget_model(kind, budget, "h100-sxm")
    assert getattr(est, key) * scale == pytest.approx(budget, rel=1e-9)
    assert res.flops == pytest.approx(est.flops)
    assert res.model.params_opt == pytest.approx(math.sqrt(res.flops / 120))


def test_budget_in_dollars_uses_the_profile_price():
    res, est = limits.budget_model("usd", 6.88, "h100-sxm")  # one H100-hour at $6.88
    assert est.device_hours == pytest.approx(1.0, rel=1e-9)
    assert res.flops == pytest.approx(est.flops, rel=1e-9)
    # the fitted utilisation grows with FLOPs (inside the fitted range, 1e19–4e25 FLOPs):
    # a 10× budget buys more than 10× the FLOPs
    big, _ = limits.budget_model("usd", 1e6, "h100-sxm")
    big10, _ = limits.budget_model("usd", 1e7, "h100-sxm")
    assert 10 < big10.flops / big.flops < 10 ** 1.2


def test_budget_errors():
    with pytest.raises(InputError, match="no price"):
        limits.budget_model("usd", 1e6, "brain")
    with pytest.raises(InputError, match="unlimited"):
        limits.budget_model("tco2e", 1.0, "h100-sxm", {"carbon_intensity_g_per_kwh": 0.0})
    with pytest.raises(InputError):
        limits.budget_model("usd", -5, "h100-sxm")
    with pytest.raises(InputError):
        limits.budget_model("euros", 5, "h100-sxm")


# --- diminishing returns --------------------------------------------------------------------

def test_k_0_072_from_11_5_to_5_percent_is_about_1e5():
    m = dm.compute_multiplier(11.5, 5.0, 0.072)
    assert m == pytest.approx(1e5, rel=0.1)
    assert math.log10(m) == pytest.approx(5.0, abs=0.05)


def test_claim_implies_k():
    assert dm.CLAIM_EXPONENT == pytest.approx(0.0723, abs=1e-4)
    assert dm.exponent_for(11.5, 5.0, 1e5) == pytest.approx(dm.CLAIM_EXPONENT)
    assert dm.compute_multiplier(11.5, 5.0, dm.CLAIM_EXPONENT) == pytest.approx(1e5)
    assert dm.halving_multiplier(dm.CLAIM_EXPONENT) == pytest.approx(2 ** (1 / 0.07235), rel=1e-3)
    assert 1.4e4 < dm.halving_multiplier(dm.CLAIM_EXPONENT) < 1.6e4


def test_the_claims_k_prints_as_it_is_and_gives_the_figures_shown():
    """One k for the claim on every page: it prints exactly, so the halving multiplier computed from
    the printed k is the one shown (the unrounded k gave 14,500× beside a printed 0.072)."""
    printed = f"{dm.DEFAULT_EXPONENT:g}"
    assert printed == "0.072" and float(printed) == dm.DEFAULT_EXPONENT == round(dm.CLAIM_EXPONENT, 3)
    assert hz.times(dm.halving_multiplier(dm.DEFAULT_EXPONENT)) == hz.times(2 ** (1 / float(printed))) == "15,200×"
    assert hz.times(dm.compute_multiplier(11.5, 5.0, float(printed))) == "1.06 × 10⁵×"
    assert hz.times(dm.halving_multiplier(dm.CLAIM_EXPONENT)) == "14,500×"  # the figure no page shows now


def test_multiplier_is_unit_free_and_grows_as_k_falls():
    assert dm.compute_multiplier(0.115, 0.05, 0.072) == pytest.approx(dm.compute_multiplier(11.5, 5, 0.072))
    ks = np.array([0.05, 0.072, 0.1, 0.2])
    ms = dm.compute_multiplier(11.5, 5.0, ks)
    assert np.all(np.diff(ms) < 0)


@pytest.mark.parametrize("args", [(5, 11.5, 0.072), (5, 5, 0.072), (11.5, 5, 0), (11.5, -1, 0.07), (11.5, 5, float("nan"))])
def test_diminishing_rejects(args):
    with pytest.raises(InputError):
        dm.diminishing(*args)


def test_diminishing_cost_scales_with_the_multiplier():
    rep = limits.diminishing_report(11.5, 5.0, 0.072, hardware="a100-sxm-80gb")
    m = rep.result.compute_multiplier
    assert rep.result.base_flops == pytest.approx(dm.RESNET50_IMAGENET_FLOPS)
    assert dm.RESNET50_IMAGENET_FLOPS == pytest.approx(2.63e18, rel=0.01)
    u_base, u_target = rep.base.utilization.value, rep.target.utilization.value
    for key in ("wall_clock_s", "energy_kwh", "co2e_kg", "cost_usd"):
        assert getattr(rep.target, key) == pytest.approx(m * getattr(rep.base, key) * u_base / u_target, rel=1e-9)
    fixed = limits.diminishing_report(11.5, 5.0, 0.072, hardware="a100-sxm-80gb", setting={"utilization": 0.3})
    assert fixed.target.cost_usd == pytest.approx(m * fixed.base.cost_usd, rel=1e-9)
    preset = limits.diminishing_report(11.5, 5.0, 0.072, base_preset="gpt3-175b")
    assert preset.result.base_flops == 3.14e23 and preset.base.hardware_id == "v100-sxm2"
    with pytest.raises(InputError, match="FLOPs"):
        limits.diminishing_report(11.5, 5.0, 0.072, base_preset="resnet50-imagenet")


def test_overflow_is_an_input_error():
    with pytest.raises(InputError, match="overflows"):
        dm.diminishing(11.5, 5.0, 0.001)   # 2.3^1000: past any float


def test_multiplier_curve():
    targets, ms = dm.multiplier_curve(11.5, 0.072, n_points=10)
    assert targets[0] == pytest.approx(2.3) and targets[-1] < 11.5
    assert np.all(np.diff(ms) < 0)


# --- trends ---------------------------------------------------------------------------------

def test_fixed_workload_halves_every_doubling_time():
    assert trends.fixed_workload_cost(100.0, 2.46) == pytest.approx(50.0)
    assert trends.fixed_workload_cost(100.0, 2.46 * math.log2(10)) == pytest.approx(10.0)


def test_summary_rates():
    s = trends.summary()
    assert s.training_compute_per_year == pytest.approx(2 ** (12 / 3.4))  # ≈ 11.5×
    assert s.price_perf_per_year == pytest.approx(2 ** (1 / 2.46))
    assert s.frontier_spend_per_year == pytest.approx(s.training_compute_per_year / s.price_perf_per_year)
    assert s.memory_wall_gap_per_2y == pytest.approx(3.0 / 1.6)
    assert s.memory_wall_gap_20y == pytest.approx((3.0 / 1.6) ** 10)
    assert s.years_to_10x_cheaper == pytest.approx(8.17, abs=0.01)  # Epoch's "10x time" for 2.46 years


def test_trend_report_starts_at_the_estimate():
    rep = limits.trend_report()
    t = rep.table
    assert rep.start_year == 2020 and t.year[0] == 2020 and len(t.year) == 11  # the V100 price's year
    assert t.workload_cost_usd[0] == pytest.approx(rep.base.cost_usd)
    # the lecture's GPT-3 on one V100 (its preset's utilisation); another workload: the estimator's own
    assert rep.base.cost_usd == pytest.approx(api.run(preset_id=limits.TREND_PRESET).estimate.cost_usd)
    assert limits.trend_report(flops=1e23).base.cost_usd == pytest.approx(limits.estimate_flops(1e23, "v100-sxm2").cost_usd)
    assert np.all(t.workload_cost_low_usd <= t.workload_cost_usd) and np.all(t.workload_cost_usd <= t.workload_cost_high_usd)
    assert t.peak_flops_growth[2] == pytest.approx(3.0) and t.dram_bandwidth_growth[2] == pytest.approx(1.6)
    assert t.workload_cost_usd[10] == pytest.approx(rep.base.cost_usd / 2 ** (10 / 2.46))


@pytest.mark.parametrize("years", [0, -1, 2.5, 1000])
def test_trend_rejects_bad_years(years):
    with pytest.raises(InputError):
        trends.trend_table(2020, years, 1.0)


def test_trend_needs_a_price():
    with pytest.raises(InputError, match="price"):
        limits.trend_report(hardware="brain")
