"""The utilisation interval's multiplier, calibrated for the runs users bring (issue 53).

The quantile is taken over the Epoch AI rows' held-out residuals only, each developer counting once:
per-family (Mondrian) multipliers over mostly curated runs held 82% of the project's runs but 64% of
33 Epoch runs held back from the project. Every figure here comes from the shipped files or the
project's code."""

from __future__ import annotations

import math

import numpy as np
import pytest

from estimator.core.base.errors import DataFileError, InputError
from estimator.core.hardware.utilization_model import Spec, UtilizationModel
from estimator.fit.grouped_conformal import pooled_cdf_quantile
from estimator.fit.utilization_cv import cross_validate
from estimator.fit.utilization_fit import (
    CALIBRATION_DATASET,
    TrainingRun,
    conformal_multiplier,
    fit,
    min_family_runs,
    user_run_multiplier,
)
from estimator.io.datafiles import default_profiles, load_utilization_model, load_validation_document

DOC = load_validation_document()


def test_min_family_runs_is_the_fewest_whose_quantile_is_not_the_largest_residual():
    assert min_family_runs(0.8) == 9          # ⌈0.8·10⌉ = 8 ≤ 8; with 8 runs ⌈7.2⌉ = 8 would be the largest
    for level in (0.5, 0.8, 0.9, 0.95):
        n = min_family_runs(level)
        assert math.ceil(level * (n + 1)) <= n - 1
        assert math.ceil(level * n) > n - 2    # n − 1 runs would not do


def test_user_run_multiplier_is_the_epoch_rows_quantile_each_developer_once():
    # 10 Epoch rows (scores 1..10; developer "big" holds 1..6, each other developer one row) and
    # 5 curated rows far off (scores 100): the curated rows are not counted
    scores = np.concatenate([np.arange(1, 11), 100 * np.ones(5)]).astype(float)
    datasets = [CALIBRATION_DATASET] * 10 + ["published"] * 5
    devs = ["big"] * 6 + ["d7", "d8", "d9", "d10"] + ["p"] * 5
    q = user_run_multiplier(np.zeros(15), scores, np.ones(15), datasets, devs, 0.8)
    assert q == pooled_cdf_quantile(scores[:10], devs[:10], 0.8)
    # five groups weigh 1/5 each; "big"'s six rows 1/30 each: 80% is reached at the fourth single row, 9
    assert q == 9.0
    # too few Epoch rows: the plain conformal quantile over all runs
    few = [CALIBRATION_DATASET] * 8 + ["published"] * 7
    assert user_run_multiplier(np.zeros(15), scores, np.ones(15), few, devs, 0.8) == \
        conformal_multiplier(np.zeros(15), scores, np.ones(15), 0.8)


def _runs(spec_by_family, dataset=""):
    out = []
    for family, goodputs in spec_by_family.items():
        for i, g in enumerate(goodputs):
            flops = 1e21 * (1 + i)
            out.append(TrainingRun(f"{family}{dataset}{i}", "x", family, flops, flops / (g * 3600 * 1e14), 1e14,
                                   "s", year=2022, release_year=2020, dataset=dataset, developer=f"{dataset}{i}"))
    return out


def test_scattered_user_like_rows_widen_the_interval_and_are_covered_out_of_sample():
    """Tight curated runs and scattered Epoch-like runs of one family: the multiplier comes from the
    Epoch-like rows, wider than one over all runs, and covers them near 80% out of sample."""
    rng = np.random.default_rng(3)
    curated = _runs({"f": np.exp(np.log(0.3) + 0.08 * rng.standard_normal(20)),
                     "g": np.exp(np.log(0.2) + 0.08 * rng.standard_normal(10))}, "published")
    user_like = _runs({"f": np.exp(np.log(0.3) + 0.6 * rng.standard_normal(15)),
                       "g": np.exp(np.log(0.2) + 0.6 * rng.standard_normal(10))}, CALIBRATION_DATASET)
    runs = curated + user_like
    model = fit(runs, Spec((), 2.0), new_family=False)
    assert all(f.interval_multiplier is None for f in model.families.values())
    only_curated = fit(curated + user_like[:5], Spec((), 2.0), new_family=False)  # 5 Epoch rows: too few
    assert model.interval_multiplier > 1.5 * only_curated.interval_multiplier
    cv = cross_validate(runs)
    inside = [r.low_goodput <= r.run.goodput <= r.high_goodput for r in cv.model
              if r.run.dataset == CALIBRATION_DATASET]
    assert 0.65 <= np.mean(inside) <= 0.95


def test_shipped_fit_uses_the_user_run_multiplier_for_every_family():
    model = load_utilization_model()
    for name, fam in model.families.items():
        assert fam.interval_multiplier is None, name
        p = model.predict(name, 1e22, year=2022)
        assert math.log(p.center / p.low) == pytest.approx(model.interval_multiplier * p.sigma_log)
    # a device without runs, borrowing a family's fit or the pooled one, takes the multiplier calibrated
    # on families held out whole (not its family's: test_new_family.py)
    q_new = model.new_family_multiplier
    assert q_new is not None and q_new != model.interval_multiplier
    t4 = default_profiles().get("t4").utilization
    assert t4.family == "v100" and t4.borrowed
    p_t4 = t4.predict(1e22, 2022)  # the fit chose the flat rule for such devices, with its own multiplier
    assert p_t4.family == "rule" and model.rule_multiplier is not None
    assert math.log(p_t4.center / p_t4.low) == pytest.approx(model.rule_multiplier * p_t4.sigma_log)
    pooled = model.predict(None, 1e22)
    assert math.log(pooled.center / pooled.low) == pytest.approx(q_new * pooled.sigma_log)


def test_the_epoch_rows_are_covered_near_80_percent_and_the_curated_runs_at_least_that_out_of_sample():
    """Nested leave-one-paper-out (the shipped validation): the Epoch rows, which the range is
    calibrated for, hold a count an 80% interval gives with probability at least 5% (inside the
    two-sided 90% region of Binomial(n, 0.8)); the curated runs, which scatter less, at least 80%."""
    from scipy.stats import binom
    level = DOC["interval_level"]
    epoch = [r for r in DOC["runs"] if r["source"].startswith("Epoch AI")]
    curated = [r for r in DOC["runs"] if not r["source"].startswith("Epoch AI")]
    n, inside = len(epoch), sum(r["inside_interval"] for r in epoch)
    assert n >= 25 and binom.ppf(0.05, n, level) <= inside <= binom.isf(0.05, n, level), (inside, n)
    assert sum(r["inside_interval"] for r in curated) >= level * len(curated)


def test_family_multiplier_round_trips_and_a_bad_one_is_refused():
    model = load_utilization_model()
    data = model.to_dict()
    fam = sorted(data["families"])[0]
    data["families"][fam]["interval_multiplier"] = 1.5   # an older fit's own family multiplier still reads
    again = UtilizationModel.from_dict(data)
    assert again.families[fam].interval_multiplier == 1.5
    assert UtilizationModel.from_dict(again.to_dict()).families[fam].interval_multiplier == 1.5
    data["families"][fam]["interval_multiplier"] = -1.0
    with pytest.raises(DataFileError, match=f"families.{fam}.interval_multiplier"):
        UtilizationModel.from_dict(data, source="utilization_fit.json")
    data["families"][fam]["interval_multiplier"] = float("nan")
    with pytest.raises(DataFileError, match="finite"):
        UtilizationModel.from_dict(data, source="utilization_fit.json")


def test_a_covariate_the_runs_all_share_is_not_a_candidate_instead_of_a_singular_fit():
    """Runs all from one year: 'years since release' is the intercept again; the fit and the
    cross-validation skip the candidates that use it (they raised LinAlgError before)."""
    from estimator.fit.utilization_fit import select_and_fit, usable
    runs = _runs({"a": [0.3, 0.25, 0.35, 0.28, 0.31, 0.27], "b": [0.2, 0.22, 0.18, 0.21, 0.19]})
    assert not usable(Spec(("maturity_years",), 2.0), runs)
    assert usable(Spec(("log10_flops",), 2.0), runs)
    model = select_and_fit(runs)
    assert "maturity_years" not in model.spec.covariates
    with pytest.raises(InputError, match="at least 3 distinct values"):
        fit(runs, Spec(("maturity_years",), 2.0))
    assert {r.run.name for r in cross_validate(runs).model} == {r.name for r in runs}
