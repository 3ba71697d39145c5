"""Whole-run utilisation fitted to published training runs (its validation: ``utilization_cv``).

Pure: training runs (frozen dataclasses) in, a :class:`UtilizationModel`
(``estimator/core/hardware/utilization_model.py``) out. No files are read here; ``python -m estimator fit-utilization``
loads the runs, calls :func:`select_and_fit` and writes the model to
``estimator/data/utilization_fit.json``, which the profiles read.

Utilisation here is whole-run model-FLOPs goodput, g = FLOPs ÷ (device-seconds × dense peak).

Model, for run i on hardware family f (``profiles/README.md`` has the derivation and numbers):

    ln g_i = μ + a_f + β·x_i + s_f·ε_i,      ε_i ~ Student-t with ν = 4 degrees of freedom
    x_i    = log10(FLOPs_i) − 22             (only if cross-validation keeps the covariate;
                                              clipped to the fitted range when predicting)
    a_f    ~ Normal(0, τ²)                   (family offsets shrunk toward the pooled centre)

- Heavy tails: a few runs sit far below the rest (a 2-GPU academic run at 3% of peak), and a
  Gaussian fit would let them drag every centre down. The t likelihood is the standard robust
  choice (Lange, Little & Taylor 1989, "Robust statistical modeling using the t distribution",
  JASA 84(408), who suggest ν = 4 as a default); it is fitted by iteratively reweighted least
  squares (their EM algorithm). Other ν (2, 8) were tried as an in-fold choice and did not
  help beyond the noise of choosing (``T_DOF_CHOICES``).
- Shrinkage: the family offsets are a ridge penalty λ·a_f²/s² (a random effect with
  τ² = s²/λ), so a family with one run is pulled toward the pooled centre.
- Spread per family: s_f² = (ν₀·s² + Σ_f w·r²) / (ν₀ + n_f), the pooled scale s shrunk with the
  family's own weighted residuals (a scaled-inverse-χ² prior worth ν₀ runs).
- Prediction interval (level, default 80%): centre ± m × σ, σ² = s_f² + xᵀ·C·x (C: the
  parameters' covariance), where the multiplier m is the conformal quantile of the fit's own
  leave-one-paper-out standardised residuals (a run's paper's other runs held out with it:
  :func:`same_paper`) (:func:`conformal_multiplier`), so the stated level is
  what the interval covers, not what a t table promises. The quantile is taken over the Epoch AI
  rows only, each developer's rows counting once (:func:`user_run_multiplier`): the interval is
  calibrated for the runs users bring, whose device counts and hours are, like Epoch's, often
  estimated, not for the curated primary-source runs, which scatter less. Per-family (Mondrian)
  multipliers over mostly curated runs held 82% of the project's runs but 64% of 33 Epoch runs held
  back from the project (issue 53). A device with no runs takes the nearest family's fit
  or the pooled one, adding τ² to the variance (a new device may differ from its neighbour as
  much as families differ from each other), or the flat 30% rule with σ² = s² + τ², whichever
  predicted families held out whole best. Its multiplier is calibrated on each family held out
  whole and predicted that way (``estimator/fit/new_family.py``).

Which covariates and which λ (and ν, if ``T_DOF_CHOICES`` offers more than one): :func:`select_and_fit` tries the candidates in
:data:`CANDIDATE_SPECS` and keeps the one with the smallest leave-one-paper-out median factor.
``utilization_cv.cross_validate`` repeats that choice inside every fold (nested leave-one-paper-out), so the
reported accuracy includes the optimism of choosing. The flat "30% of dense peak" rule is
computed beside it on the same runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from estimator.core.base.errors import InputError
from estimator.core.base.interval import LEVEL
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import S_PER_HOUR
from estimator.core.hardware.utilization_model import (
    NEAREST,
    NEW_DEVICE_CENTRES,
    POOLED,
    RULE,
    T_DOF,
    Covariate,
    FamilyFit,
    Spec,
    UtilizationModel,
    covariate_value,
)
from estimator.fit.grouped_conformal import pooled_cdf_quantile
from estimator.fit.new_family import choose_centre, leave_family_out, new_family_multiplier

# The ν the candidates use. ν ∈ {2, 4, 8} was tried as an in-fold choice (profiles/README.md,
# "Candidates tried"): the ratio to the 30% rule moved 0.891 → 0.885, a tie within the optimism
# of picking among candidate sets by their nested figures, for 3× the candidates and a 6× slower
# `validate`. So ν stays at the default declared before looking: 4.
T_DOF_CHOICES = (T_DOF,)
# Prior weight, in runs, of the pooled scale in each family's spread (see the module docstring).
FAMILY_SCALE_PRIOR_RUNS = 4.0
# The fewest runs a fit accepts (a floor against fitting noise, not a statistical threshold).
MIN_FIT_RUNS = 5

# The candidates: each subset of the covariates, with weak / medium / strong shrinkage of the
# family offsets toward the pooled centre, at each ν of T_DOF_CHOICES (12 candidates).
# Other covariates were tried the same way and lost (profiles/README.md, "Candidates tried").
CANDIDATE_SPECS = tuple(Spec(covs, lam, dof) for covs in ((), ("log10_flops",), ("maturity_years",),
                                                           ("log10_flops", "maturity_years"))
                        for lam in (0.5, 2.0, 8.0) for dof in T_DOF_CHOICES)


@dataclass(frozen=True)
class TrainingRun:
    """One published training run, with the family, peak and release year of its hardware profile."""

    name: str
    hardware_id: str
    family: str
    flops: float
    device_hours: float
    peak_flops_per_s: float
    source: str
    devices: float | None = None
    year: int | None = None
    dataset: str = ""        # "epoch" or "published"
    notes: str = ""          # the data's own note on the row, if any
    flops_basis: str = ""    # how the FLOPs were counted (reported, 6ND, operation count, ...)
    release_year: int | None = None  # the hardware family's first release (the maturity covariate)
    developer: str = ""      # who trained it (the grouped cross-validation leaves a developer's runs out together)
    kind: str = ""           # the hardware's kind (gpu, tpu): a held-out family's nearest family is of its kind
    # the paper (or report) its figures come from: runs of one paper are held out together (the
    # same cluster, code and accounting share their errors); empty: the run is its own
    paper: str = ""

    @property
    def goodput(self) -> float:
        return self.flops / (self.device_hours * S_PER_HOUR * self.peak_flops_per_s)


def _run_covariate(run: TrainingRun, name: str) -> float | None:
    return covariate_value(name, run.flops, run.year, run.release_year)


# ----------------------------------------------------------------------------------------
# Fitting (batched: many weightings of the same runs at once, so nested CV stays fast)


def _design(runs: Sequence[TrainingRun], families: Sequence[str], covariates: Sequence[str]):
    cols = [np.ones(len(runs))]
    names = ["intercept"]
    for c in covariates:
        cols.append(np.array([_run_covariate(r, c) for r in runs], dtype=float))
        names.append(c)
    for f in families:
        cols.append(np.array([1.0 if r.family == f else 0.0 for r in runs]))
        names.append(f"family:{f}")
    return np.column_stack(cols), names


def _irls(X: np.ndarray, y: np.ndarray, masks: np.ndarray, n_fixed: int, shrinkage: float,
          dof: float = T_DOF, iters: int = 500, tol: float = 1e-6):
    """Student-t regression by IRLS (EM), for each row of ``masks`` (B × n, 1 = use the run).

    The ridge λ·a_f² on the family offsets (columns from ``n_fixed`` on) is added to the
    weighted normal equations. Returns coefficients (B × p), the scale s² (B), the final
    weights (B × n), the penalised information matrices (B × p × p) and the residuals."""
    B, n = masks.shape
    p = X.shape[1]
    pen = np.zeros(p)
    pen[n_fixed:] = shrinkage
    m = masks.astype(float)
    n_used = m.sum(axis=1)
    beta = np.zeros((B, p))
    # start from each fold's median, unit weights
    beta[:, 0] = np.nanmedian(np.where(m > 0, y[None, :], np.nan), axis=1)
    resid = y[None, :] - beta @ X.T
    s2 = np.maximum((m * resid ** 2).sum(axis=1) / n_used, 1e-6)
    ridge = np.diag(pen)
    # the weighted normal equations XᵀWX, XᵀWy of all folds as two matrix products: each run's
    # outer product x·xᵀ (n × p²) and x·y (n × p), weighted by the folds' weights (B × n)
    XX = (X[:, :, None] * X[:, None, :]).reshape(len(y), p * p)
    Xy = X * y[:, None]
    active = np.ones(B, dtype=bool)  # each fold stops at its own convergence, whatever the others do
    for _ in range(iters):
        a = np.flatnonzero(active)
        w = m[a] * (dof + 1) / (dof + resid[a] ** 2 / s2[a, None])
        A = (w @ XX).reshape(len(a), p, p) + ridge
        new = np.linalg.solve(A, (w @ Xy)[..., None])[..., 0]
        new_resid = y[None, :] - new @ X.T
        new_s2 = np.maximum((w * new_resid ** 2).sum(axis=1) / n_used[a], 1e-12)
        converged = (np.abs(new - beta[a]).max(axis=1) < tol) & (np.abs(new_s2 - s2[a]) < tol)
        beta[a], s2[a], resid[a] = new, new_s2, new_resid
        active[a[converged]] = False
        if not active.any():
            break
    w = m * (dof + 1) / (dof + resid ** 2 / s2[:, None])
    A = (w @ XX).reshape(B, p, p) + ridge
    return beta, s2, w, A, resid


def _fit_batch(runs: Sequence[TrainingRun], masks: np.ndarray, spec: Spec, families: Sequence[str]):
    X, names = _design(runs, families, spec.covariates)
    y = np.log([r.goodput for r in runs])
    beta, s2, w, A, resid = _irls(X, y, masks, 1 + len(spec.covariates), spec.shrinkage, dof=spec.dof)
    return X, y, names, beta, s2, w, A, resid


def _family_scales(runs, families, masks, w, resid, s2):
    """s_f² = (ν₀·s² + Σ_f w·r²) / (ν₀ + n_f) for each batch row and family (B × F)."""
    out = np.empty((masks.shape[0], len(families)))
    for j, f in enumerate(families):
        in_f = np.array([r.family == f for r in runs], dtype=float)[None, :] * masks
        ss = (w * resid ** 2 * in_f).sum(axis=1)
        out[:, j] = (FAMILY_SCALE_PRIOR_RUNS * s2 + ss) / (FAMILY_SCALE_PRIOR_RUNS + in_f.sum(axis=1))
    return np.sqrt(out)


def _clip_rows(X_rows, X, masks, spec):
    """Held-out covariates clipped to the range of the runs each fold was fitted on."""
    Xr = X_rows.copy()
    for k in range(1, 1 + len(spec.covariates)):
        col = np.where(masks > 0, X[None, :, k], np.nan)
        Xr[:, k] = np.clip(Xr[:, k], np.nanmin(col, axis=1), np.nanmax(col, axis=1))
    return Xr


def usable(spec: Spec, runs: Sequence[TrainingRun]) -> bool:
    """A candidate needs every run's covariates, each taking at least 3 distinct values: a value
    shared by all the runs of a fold (which leaves out up to two) is the intercept again, and
    cannot be fitted."""
    for c in spec.covariates:
        values = [_run_covariate(r, c) for r in runs]
        if any(v is None for v in values) or len(set(values)) < 3:
            return False
    return True


def predict_held_out(runs, idx, masks, spec, families, unknown_sets: Sequence[Sequence[str]] = ((),)):
    """Fit each row of ``masks`` (from a cold start: a fold's fit must not depend, even through
    where the iterations begin, on the run it leaves out) and predict the run ``idx[k]`` it
    leaves out. Returns ln(actual) and, for each set of covariates treated as unknown (averaged
    over the fold's runs, as :meth:`UtilizationModel.predict` does), the centres and the
    predictive scales σ (ln units). σ² = the family's spread² + the fit's own variance at that
    point. When the family has no other run in the fold it is a device without runs: its offset
    is shrunk to 0 by the penalty (the pooled fit), its spread is the pooled scale, and the fit's
    own variance at that point already holds τ² (the penalty is a prior of variance τ² on the
    offset that no run updates), so τ² is not added again."""
    X, y, names, beta, s2, w, A, resid = _fit_batch(runs, masks, spec, families)
    fam_scale = _family_scales(runs, families, masks, w, resid, s2)
    fam_ids = np.array([families.index(r.family) for r in runs])
    fam_of = fam_ids[idx]
    in_fam = (fam_ids[None, :] == fam_of[:, None]) * masks
    has_family = in_fam.sum(axis=1) > 0
    cov = np.linalg.inv(A) * s2[:, None, None]
    base_var = np.where(has_family, fam_scale[np.arange(len(idx)), fam_of] ** 2, s2)
    out = []
    for unknown in unknown_sets:
        Xr = _clip_rows(X[idx], X, masks, spec)
        extra = np.zeros(len(idx))
        for k, c in enumerate(spec.covariates, start=1):
            if c in unknown:
                col = np.where(masks > 0, X[None, :, k], np.nan)
                Xr[:, k] = np.nanmean(col, axis=1)
                extra += beta[:, k] ** 2 * np.nanvar(col, axis=1)
        center = np.einsum("bi,bi->b", Xr, beta)
        out.append((center, np.sqrt(base_var + np.einsum("bi,bij,bj->b", Xr, cov, Xr) + extra)))
    return y[idx], out


def same_paper(runs: Sequence[TrainingRun]) -> np.ndarray:
    """same[i, j]: runs i and j come from one paper (:attr:`TrainingRun.paper`), so they are held
    out together; a run without a paper is its own. Two rows of one paper can share every figure
    (ELECTRA-Small and BERT-Small: one table's 1.4e18 FLOPs and 4 days on one V100), and then a
    leave-one-out would let each predict the other."""
    labels = np.array([r.paper or f"\0run {k}" for k, r in enumerate(runs)], dtype=object)
    return labels[:, None] == labels[None, :]


def _loo(runs: Sequence[TrainingRun], subset: np.ndarray, spec: Spec, families):
    """Leave-one-paper-out over the runs in ``subset``: each predicted by a fit to the others in
    ``subset`` without its paper's runs (:func:`same_paper`); (ln actual, ln predicted, σ) for each."""
    idx = np.flatnonzero(subset)
    masks = (subset[None, :] & ~same_paper(runs)[idx]).astype(float)
    actual, [(center, sigma)] = predict_held_out(runs, idx, masks, spec, families)
    return actual, center, sigma


def conformal_multiplier(actual_log, predicted_log, sigma_log, level: float = LEVEL) -> float:
    """The interval's multiplier: the ⌈level·(n+1)⌉-th smallest standardised held-out
    residual |ln actual − ln predicted| / σ (the jackknife+ with normalised scores: Barber,
    Candès, Ramdas & Tibshirani 2021, "Predictive inference with the jackknife+", Ann. Statist.
    49(1)). Intervals centre ± multiplier·σ then cover about ``level`` of new runs."""
    z = np.sort(np.abs(np.asarray(actual_log) - np.asarray(predicted_log)) / np.asarray(sigma_log))
    k = min(len(z), math.ceil(level * (len(z) + 1)))
    return float(z[k - 1])


def min_family_runs(level: float = LEVEL) -> int:
    """The fewest leave-one-out residuals for a family's own multiplier: the smallest n whose
    ⌈level·(n+1)⌉-th smallest residual is not the largest (9 at 80%). With fewer, the family's
    quantile would be its single worst run, and the pooled multiplier is used instead."""
    n = 2
    while math.ceil(level * (n + 1)) > n - 1:
        n += 1
    return n


# The kind of row the interval is calibrated for: Epoch AI's database rows ("epoch"), whose device counts
# and hours are often estimated and whose hardware is often imputed, are what users bring (a run's
# FLOPs, hardware and device count, read from a report or guessed), not the curated primary-source rows.
CALIBRATION_DATASET = "epoch"


def user_run_multiplier(actual_log, predicted_log, sigma_log, datasets: Sequence[str], developers: Sequence[str],
                        level: float = LEVEL) -> float:
    """The interval's multiplier for the runs users bring: the ``level`` quantile of the standardised
    held-out residuals of the Epoch rows only (:data:`CALIBRATION_DATASET`), each developer's rows counting
    once (CDF pooling, ``grouped_conformal.pooled_cdf_quantile``: a lab's runs share their cluster, code and
    accounting, and the user's lab is new). The curated primary-source runs scatter less than these rows
    (their hours and device counts are read from the paper), so a multiplier calibrated on all runs, or per
    family on mostly curated runs, was too narrow for the runs users bring: 64% of 33 held-back Epoch runs
    inside its 80% range (issue 53). With fewer than :func:`min_family_runs` Epoch rows, the plain conformal
    multiplier over all runs (:func:`conformal_multiplier`)."""
    a, c, s = np.asarray(actual_log), np.asarray(predicted_log), np.asarray(sigma_log)
    own = np.asarray(datasets) == CALIBRATION_DATASET
    if int(own.sum()) < min_family_runs(level):
        return conformal_multiplier(a, c, s, level)
    z = np.abs(a[own] - c[own]) / s[own]
    return pooled_cdf_quantile(z, np.asarray(developers)[own], level)


def _choose(runs, subset, families):
    """The candidate with the smallest leave-one-paper-out median |ln(actual/predicted)| on
    ``subset``, with its held-out (actual, predicted, σ)."""
    best, best_score, best_loo = None, math.inf, None
    for spec in CANDIDATE_SPECS:
        if not usable(spec, runs):
            continue
        loo = _loo(runs, subset, spec, families)
        score = float(np.median(np.abs(loo[0] - loo[1])))
        if score < best_score - 1e-12:
            best, best_score, best_loo = spec, score, loo
    return best, best_loo


def check_runs(runs: Sequence[TrainingRun]) -> None:
    if len(runs) < MIN_FIT_RUNS:
        raise InputError(f"a utilisation fit needs at least {MIN_FIT_RUNS} runs, got {len(runs)}")
    for r in runs:
        for name, v in (("FLOPs", r.flops), ("device-hours", r.device_hours), ("peak", r.peak_flops_per_s)):
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise InputError(f"run '{r.name}': {name} must be a positive finite number, got {v!r}")
        if not 0 < r.goodput <= 1:
            raise InputError(f"run '{r.name}': implied utilisation {gfmt(r.goodput, 3)} is outside (0, 1]; "
                             "check its FLOPs, device-hours and hardware")


def fit(runs: Sequence[TrainingRun], spec: Spec, level: float = LEVEL, *,
        new_family: bool = True) -> UtilizationModel:
    """Fit one candidate model to all ``runs``; the interval's multipliers come from its own
    leave-one-paper-out residuals of the Epoch rows (:func:`user_run_multiplier`),
    and, with ``new_family``, how devices without runs are centred and their multiplier, from each
    family held out whole (``estimator/fit/new_family.py``; its fits do not repeat that step)."""
    check_runs(runs)
    if not usable(spec, runs):
        raise InputError(f"candidate '{spec.label()}' needs every run's covariates, each with at least 3 "
                         "distinct values over the runs")
    centre, new_q, neighbour_q, rule_q = (_new_family_step(runs, spec, level) if new_family
                                          else (NEAREST, None, None, None))
    families = sorted({r.family for r in runs})
    mask = np.ones((1, len(runs)))
    X, y, names, beta, s2, w, A, resid = _fit_batch(runs, mask, spec, families)
    fam_scale = _family_scales(runs, families, mask, w, resid, s2)[0]
    loo = _loo(runs, np.ones(len(runs), dtype=bool), spec, families)
    n_fixed = 1 + len(spec.covariates)
    cov = np.linalg.inv(A[0]) * s2[0]
    covs = tuple(Covariate(c, float(beta[0, 1 + k]), (float(X[:, 1 + k].min()), float(X[:, 1 + k].max())),
                           float(X[:, 1 + k].mean()), float(X[:, 1 + k].var()))
                 for k, c in enumerate(spec.covariates))
    fam_fits = {}
    for j, f in enumerate(families):
        members = tuple(r.name for r in runs if r.family == f)
        years = [r.release_year for r in runs if r.family == f and r.release_year is not None]
        fam_fits[f] = FamilyFit(f, float(beta[0, n_fixed + j]), float(fam_scale[j]), len(members), members,
                                min(years) if years else None, None)
    return UtilizationModel(
        spec=spec, center_log=float(beta[0, 0]), covariates=covs, scale_log=float(math.sqrt(s2[0])),
        tau_log=float(math.sqrt(s2[0] / spec.shrinkage)), families=fam_fits, param_names=tuple(names),
        param_cov=tuple(tuple(float(v) for v in row) for row in cov), n_runs=len(runs), level=level,
        interval_multiplier=user_run_multiplier(*loo, [r.dataset for r in runs], [r.developer for r in runs], level),
        new_family_multiplier=new_q, max_devices=_max_devices(runs), new_device_centre=centre,
        neighbour_multiplier=neighbour_q, rule_multiplier=rule_q)


def _max_devices(runs: Sequence[TrainingRun]) -> int | None:
    counts = [r.devices for r in runs if r.devices is not None and math.isfinite(r.devices)]
    return int(max(counts)) if counts else None


def _new_family_step(runs: Sequence[TrainingRun], spec: Spec,
                     level: float) -> tuple[str, float | None, float | None, float | None]:
    """How a device without runs is centred (``new_family.choose_centre``), and the interval's
    multiplier for each centre (the pooled fit; a family's fit; the flat rule), from each family
    held out whole and predicted each way."""
    def fit_without(others: Sequence[TrainingRun]) -> UtilizationModel | None:
        if len(others) < MIN_FIT_RUNS or not usable(spec, others):
            return None
        return fit(others, spec, level, new_family=False)
    held = leave_family_out(runs, fit_without, NEW_DEVICE_CENTRES)
    return (choose_centre(held), new_family_multiplier(held[POOLED], level),
            new_family_multiplier(held[NEAREST], level), new_family_multiplier(held[RULE], level))


def select_and_fit(runs: Sequence[TrainingRun], level: float = LEVEL) -> UtilizationModel:
    """Choose the candidate by leave-one-paper-out median factor, then fit it to all ``runs``."""
    check_runs(runs)
    families = sorted({r.family for r in runs})
    return fit(runs, _choose(runs, np.ones(len(runs), dtype=bool), families)[0], level)
