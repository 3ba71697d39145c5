"""Honest validation of the utilisation fit: nested leave-one-paper-out (or leave-one-group-out),
with the flat "30% of dense peak" rule computed beside it on the same runs.

Pure: training runs in, a :class:`CrossValidation` out; ``python -m estimator validate`` prints it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from estimator.core.base.errors import InputError
from estimator.core.base.interval import LEVEL
from estimator.core.base.units import S_PER_HOUR
from estimator.core.hardware.utilization_model import POOLED, RULE_UTILIZATION, UTILIZATION_CEILING, Spec
from estimator.fit.new_family import family_traits, leave_family_out, nearest_family
from estimator.fit.utilization_fit import (
    CANDIDATE_SPECS,
    MIN_FIT_RUNS,
    TrainingRun,
    check_runs,
    predict_held_out,
    same_paper,
    select_and_fit,
    usable,
    user_run_multiplier,
)

# The naive baseline every accuracy figure is shown beside: 30% of dense peak over the whole run
# (its home and source: estimator/core/hardware/utilization_model.py, RULE_UTILIZATION).
BASELINE_UTILIZATION = RULE_UTILIZATION
# Accuracy bands reported by `validate` (issue: within 1.35× and within 2×).
FACTOR_BANDS = (1.35, 2.0)


@dataclass(frozen=True)
class RunResult:
    run: TrainingRun
    predicted_goodput: float
    low_goodput: float
    high_goodput: float
    spec: Spec | None           # the candidate chosen in this fold (None for the baseline)

    @property
    def predicted_device_hours(self) -> float:
        return self.run.flops / (self.run.peak_flops_per_s * self.predicted_goodput * S_PER_HOUR)

    @property
    def device_hours_interval(self) -> tuple[float, float]:
        k = self.run.flops / (self.run.peak_flops_per_s * S_PER_HOUR)
        return k / self.high_goodput, k / self.low_goodput

    @property
    def factor(self) -> float:
        """How far off, as a factor ≥ 1: max(predicted/actual, actual/predicted)."""
        ratio = self.predicted_device_hours / self.run.device_hours
        return max(ratio, 1 / ratio)

    @property
    def inside(self) -> bool:
        lo, hi = self.device_hours_interval
        return lo <= self.run.device_hours <= hi


@dataclass(frozen=True)
class Metrics:
    n_runs: int
    median_factor: float
    share_within: Mapping[float, float]     # band (1.35, 2) → share of runs within that factor
    coverage: float | None                  # share inside the interval (None: no interval)
    mean_width: float | None                # geometric mean of interval high/low

    def to_dict(self) -> dict[str, Any]:
        return {"n_runs": self.n_runs, "median_factor": self.median_factor,
                **{f"share_within_{b:g}x": v for b, v in self.share_within.items()},
                "interval_coverage": self.coverage, "interval_mean_width_factor": self.mean_width}


def metrics(results: Sequence[RunResult], with_interval: bool = True) -> Metrics:
    f = np.array([r.factor for r in results])
    cov = width = None
    if with_interval:
        cov = float(np.mean([r.inside for r in results]))
        width = float(np.exp(np.mean([math.log(r.high_goodput / r.low_goodput) for r in results])))
    return Metrics(len(results), float(np.median(f)), {b: float(np.mean(f <= b)) for b in FACTOR_BANDS}, cov, width)


@dataclass(frozen=True)
class CrossValidation:
    level: float
    model: tuple[RunResult, ...]
    baseline: tuple[RunResult, ...]
    method: str = "nested leave-one-paper-out"
    # the same folds, predicted as for a user who gives no year (maturity averaged over)
    model_without_year: tuple[RunResult, ...] = ()
    # leave-one-family-out: each held-out family and the family whose fit predicted it (None: pooled)
    # leave-one-family-out: (held-out family, its nearest family, the family whose fit predicted it);
    # None: no family (the pooled fit)
    borrowed_from: tuple[tuple[str, str | None, str | None], ...] = ()

    def families(self) -> list[str]:
        return sorted({r.run.family for r in self.model})

    def summary(self) -> dict[str, tuple[Metrics, Metrics]]:
        """'all' and each family → (model metrics, baseline metrics)."""
        out = {"all": (metrics(self.model), metrics(self.baseline, with_interval=False))}
        for fam in self.families():
            out[fam] = (metrics([r for r in self.model if r.run.family == fam]),
                        metrics([r for r in self.baseline if r.run.family == fam], with_interval=False))
        return out

    @property
    def ratio_to_baseline(self) -> float:
        """Model's median factor ÷ the 30% rule's, on the same runs (< 1: the model is better)."""
        m, b = self.summary()["all"]
        return m.median_factor / b.median_factor


def cross_validate(runs: Sequence[TrainingRun], level: float = LEVEL,
                   groups: Sequence[str] | None = None) -> CrossValidation:
    """Nested leave-one-paper-out: for each run i, choose the candidate (by leave-one-paper-out
    over the other papers' runs), fit it and calibrate its interval on those runs only, then
    predict run i. The same choice ``utilization_fit.select_and_fit`` makes on all runs, so what
    is scored is what ships. A run's paper's other runs are held out with it (:func:`same_paper`);
    with one run per paper this is plain nested leave-one-out. Baseline: 30% of dense peak.

    ``groups`` (one label per run) holds out a run's whole group instead (a developer's runs):
    run i is predicted by a fit without any run of its group; the inner folds that choose and
    calibrate are still leave-one-paper-out on the remaining runs, as the shipped fit's are.

    Every (i, j) fold of a candidate (fit without i's group and j's paper, predict j) runs in one batch."""
    check_runs(runs)
    families = sorted({r.family for r in runs})
    n = len(runs)
    paper = same_paper(runs)                                      # paper[i, j]: one paper
    if groups is None:
        same = paper
    else:
        if len(groups) != n:
            raise InputError(f"cross-validation groups: {len(groups)} labels for {n} runs")
        label = {g: k for k, g in enumerate(dict.fromkeys(groups))}
        g = np.array([label[x] for x in groups])
        same = (g[:, None] == g[None, :]) | paper                 # same[i, j]: one group, or one paper
    rows = np.arange(n)
    inner_i, inner_j = np.nonzero(~same)                          # ordered pairs from other groups, by i
    if len(set(inner_i.tolist())) < n:
        raise InputError("cross-validation groups: every run needs runs from other groups")
    masks_inner = 1.0 - (same[inner_i] | paper[inner_j]).astype(float)
    masks_outer = 1.0 - same.astype(float)
    splits = np.cumsum(np.bincount(inner_i, minlength=n))[:-1]
    per_spec = {}
    for spec in CANDIDATE_SPECS:
        if not usable(spec, runs):
            continue
        actual, [(center, sigma)] = predict_held_out(runs, inner_j, masks_inner, spec, families)
        _, [(c_out, s_out), (c_noyear, s_noyear)] = predict_held_out(
            runs, rows, masks_outer, spec, families, unknown_sets=((), ("maturity_years",)))
        per_spec[spec] = (np.split(actual, splits), np.split(center, splits), np.split(sigma, splits),
                          (c_out, s_out), (c_noyear, s_noyear))
    inner_datasets = np.split(np.array([r.dataset for r in runs])[inner_j], splits)
    inner_developers = np.split(np.array([r.developer for r in runs])[inner_j], splits)
    results: list[RunResult] = []
    without_year: list[RunResult] = []
    for i in range(n):
        best, best_score = None, math.inf
        for spec, (a, c, *_) in per_spec.items():  # CANDIDATE_SPECS order: the first wins ties
            score = float(np.median(np.abs(a[i] - c[i])))
            if score < best_score - 1e-12:
                best, best_score = spec, score
        a, c, sig, known, noyear = per_spec[best]
        q = user_run_multiplier(a[i], c[i], sig[i], inner_datasets[i], inner_developers[i], level)
        for (c_out, s_out), out in ((known, results), (noyear, without_year)):
            centre, half = float(c_out[i]), q * float(s_out[i])
            cap = UTILIZATION_CEILING  # as the shipped model's predict caps them (utilization_model.py)
            out.append(RunResult(runs[i], min(math.exp(centre), cap), min(math.exp(centre - half), cap),
                                 min(math.exp(centre + half), cap), best))
    _predict_absent_families(runs, same, level, results, without_year)
    baseline = tuple(RunResult(r, BASELINE_UTILIZATION, BASELINE_UTILIZATION, BASELINE_UTILIZATION, None) for r in runs)
    if groups is not None:
        method = "nested leave-one-group-out"
    else:
        method = "nested leave-one-paper-out" if (paper.sum() > n) else "nested leave-one-out"
    return CrossValidation(level, tuple(results), baseline, method=method, model_without_year=tuple(without_year))


def _predict_absent_families(runs, same, level, results: list, without_year: list) -> None:
    """A run whose fold holds no run of its family (a developer whose runs are a whole family: both
    TPU v4 runs are Google's) is predicted as the shipped tool predicts a device without runs: the
    fit chosen and made on the fold's runs (``select_and_fit``, its new-device step included), centred
    as that fit chose for such devices, from the family's nearest one (review: it had taken the pooled
    fit and the pooled multiplier, which the tool never uses there). Replaces those runs' results."""
    traits = family_traits(runs)
    models: dict[tuple[int, ...], object] = {}
    for i, r in enumerate(runs):
        train = tuple(int(j) for j in np.flatnonzero(~same[i]))
        if any(runs[j].family == r.family for j in train):
            continue
        if train not in models:
            models[train] = select_and_fit([runs[j] for j in train], level)
        model = models[train]
        used = model.borrowed_family(nearest_family(r.family, traits, sorted(model.families)) or POOLED)
        for year, out in ((r.year, results), (None, without_year)):
            p = model.predict(used, r.flops, year=year, release_year=r.release_year, borrowed=True)
            out[i] = RunResult(r, p.center, p.low, p.high, model.spec)


def cross_validate_new_family(runs: Sequence[TrainingRun], level: float = LEVEL) -> CrossValidation:
    """Nested leave-one-family-out: each family's runs predicted as a device without runs would be
    (``estimator/fit/new_family.py``), by a fit that never saw the family: the candidate chosen,
    the centre chosen (the nearest family's fit among the others, the pooled fit or the flat rule), and the
    family multipliers and the multipliers for devices without runs calibrated, on the other
    families' runs only
    (:func:`select_and_fit`). Baseline: 30% of dense peak, on the same runs."""
    check_runs(runs)
    held = leave_family_out(runs, lambda others: select_and_fit(others, level) if len(others) >= MIN_FIT_RUNS
                            else None)[None]
    if not held:
        raise InputError("leave-one-family-out needs a family whose removal leaves enough runs to fit")
    results = tuple(RunResult(h.run, h.prediction.center, h.prediction.low, h.prediction.high, h.spec) for h in held)
    baseline = tuple(RunResult(h.run, BASELINE_UTILIZATION, BASELINE_UTILIZATION, BASELINE_UTILIZATION, None) for h in held)
    borrowed_from = tuple(dict.fromkeys((h.family, h.nearest, h.used) for h in held))
    return CrossValidation(level, results, baseline, method="nested leave-one-family-out", borrowed_from=borrowed_from)

