"""Re-run the utilisation-model tries that were not kept ("Later tries" in profiles/README.md).

    python -m research.utilization_tries

Prints, on the runs the project holds, with the flat 30%-of-peak rule's median factor beside
them (computed here, on the same runs):
- log FLOPs + maturity (the covariates chosen before runs were held out by paper) at other
  shrinkages λ (leave-one-paper-out, not nested);
- averaging the candidates' predictions instead of choosing one (nested leave-one-paper-out: the
  weights come from each fold's inner leave-one-paper-out scores, never from the held-out run);
- the fit or the flat rule chosen for each family, on the fold's other runs of that family (nested);
- a model-free try: each run predicted from its nearest runs of the same family (nested);
- how the chosen model's leave-one-paper-out residuals correlate with model size, on the runs whose
  parameter count the project holds, and whether log10 parameters help as a candidate covariate there
  (nested leave-one-paper-out, the covariate patched in for this try only);
- the nested cross-validation held out run by run, as it was before a paper's runs were held out
  together (`validate` now holds out by paper, and by developer);
- a device without runs (each family held out whole): the shipped prediction (the centre chosen
  on the other families, its interval) beside each centre it chooses between;
- an in-sample bound on the issue-9 target: the smallest median factor found for linear models
  in the covariates the data holds, fitted to and scored on the same runs with the median
  factor itself minimised (least trimmed squares, Rousseeuw 1984). In-sample figures are not
  accuracy claims: no model of that form can be expected to do better on runs it has not seen;
- the curved forms of that bound (log FLOPs squared, devices) held out by paper, by least squares
  and by least absolute deviations.

Exploration only: nothing here feeds the shipped fit (`python -m estimator fit-utilization`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import replace

import numpy as np

from estimator.core.hardware.utilization_model import POOLED, RULE, T_DOF, Spec
from estimator.fit import utilization_cv as CV
from estimator.fit import utilization_fit as U
from estimator.fit.new_family import family_traits, nearest_family
from estimator.io.datafiles import load_published_runs, load_utilization_model
from estimator.services.training.runs import training_runs

CHOSEN_COVARIATES = ("log10_flops", "maturity_years")
LAMBDAS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0)
SOFT_TEMPERATURE = 0.01  # ln units of the inner median |residual|
TARGET_RATIO = 0.85  # issue 9's "done when": median factor at least 15% better than the 30% rule
LTS_STARTS = 2000    # random starts for the trimmed fit; 10000 give the same figure for the shipped
                     # form and lower the richer forms by up to 0.02 in the ratio (a best found)
LTS_SEED = 9


def _factor(log_residuals: np.ndarray) -> float:
    return math.exp(float(np.median(np.abs(log_residuals))))


def shrinkage_sweep(runs, families, actual_log) -> list[tuple[float, float]]:
    out = []
    for lam in LAMBDAS:
        a, c, _ = U._loo(runs, np.ones(len(runs), dtype=bool), Spec(CHOSEN_COVARIATES, lam, T_DOF), families)
        out.append((lam, _factor(a - c)))
    return out


def _candidate_folds(runs, families):
    """For each candidate: the inner leave-one-paper-out (ln actual, ln centre), one row per held-out
    run i over the other runs in order (NaN for i's paper's runs, which the fold does not hold),
    and the outer centre of each run from a fit without its paper, as `validate` holds runs out."""
    n = len(runs)
    paper = U.same_paper(runs)
    inner_i, inner_j = np.nonzero(~np.eye(n, dtype=bool))
    masks_inner = 1.0 - (paper[inner_i] | paper[inner_j]).astype(float)
    mates = paper[inner_i, inner_j].reshape(n, n - 1)  # j of i's paper: not in i's fold
    out = []
    for spec in U.CANDIDATE_SPECS:
        a, [(c, _)] = U.predict_held_out(runs, inner_j, masks_inner, spec, families)
        _, [(c_out, _)] = U.predict_held_out(runs, np.arange(n), 1.0 - paper.astype(float), spec, families)
        a, c = a.reshape(n, n - 1).copy(), c.reshape(n, n - 1).copy()
        a[mates], c[mates] = np.nan, np.nan
        out.append((a, c, c_out))
    return out


def averaging(runs, families, actual_log, folds=None) -> dict[str, float]:
    n = len(runs)
    folds = folds or _candidate_folds(runs, families)
    scores = np.array([np.nanmedian(np.abs(a - c), axis=1) for a, c, _ in folds])  # (candidates, runs)
    outer = np.array([c_out for *_, c_out in folds])
    best = np.argmin(scores, axis=0)
    top3 = np.argsort(scores, axis=0)[:3]
    weights = np.exp(-(scores - scores.min(axis=0)) / SOFT_TEMPERATURE)
    preds = {
        "choose the best (shipped)": outer[best, np.arange(n)],
        "equal weights": outer.mean(axis=0),
        "the three best": np.take_along_axis(outer, top3, axis=0).mean(axis=0),
        f"weights exp(-score/{SOFT_TEMPERATURE})": (weights * outer).sum(axis=0) / weights.sum(axis=0),
    }
    return {k: _factor(actual_log - v) for k, v in preds.items()}


def per_family_centre(runs, families, actual_log, folds=None) -> dict[str, tuple[int, int, float, float]]:
    """The fit or the flat rule, chosen for each run's family (nested): in each fold the candidate
    is chosen as `validate` does, then the run is predicted by the rule where, on the fold's other
    runs of its family, the rule's median |ln error| is below the chosen fit's inner leave-one-paper-out
    one. 'all' and each family → (runs, runs given the rule, median factor with the choice, without)."""
    n = len(runs)
    folds = folds or _candidate_folds(runs, families)
    family = np.array([r.family for r in runs])
    rule = math.log(CV.BASELINE_UTILIZATION)
    chosen, fit_only, took_rule = np.empty(n), np.empty(n), np.zeros(n, dtype=bool)
    for i in range(n):
        a, c, c_out = min(folds, key=lambda f: float(np.nanmedian(np.abs(f[0][i] - f[1][i]))))  # first wins ties
        mates = (np.delete(family, i) == family[i]) & ~np.isnan(a[i])  # the fold's runs of i's family
        took_rule[i] = mates.any() and (np.median(np.abs(a[i][mates] - rule))
                                        < np.median(np.abs(a[i][mates] - c[i][mates])))
        fit_only[i] = c_out[i]
        chosen[i] = rule if took_rule[i] else c_out[i]
    out = {}
    for name in ("all", *families):
        m = np.ones(n, dtype=bool) if name == "all" else family == name
        out[name] = (int(m.sum()), int(took_rule[m].sum()), _factor(actual_log[m] - chosen[m]),
                     _factor(actual_log[m] - fit_only[m]))
    return out


NEIGHBOURS = (1, 3, 5, 7, 9, 15, 25)   # k for the nearest-neighbour try
NEIGHBOUR_WEIGHTS = (0.0, 0.5, 1.0, 2.0)  # scale of each covariate in the distance (per decade, per year)


def _neighbour_predictions(actual_log, family, x, k, paper, exclude=None) -> np.ndarray:
    """Each run's ln goodput predicted as the median of its k nearest runs of the same family (the
    distance in the scaled covariates ``x``), itself, its paper's runs (``paper``: same_paper's
    matrix) and ``exclude`` left out."""
    d = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2))
    d[family[:, None] != family[None, :]] = np.inf
    d[paper] = np.inf
    if exclude is not None:
        d[:, exclude] = np.inf
    order = np.argsort(d, axis=1)[:, :k]
    near = np.where(np.take_along_axis(d, order, axis=1) < np.inf, actual_log[order], np.nan)
    with warnings.catch_warnings():  # a run left with no family mate (TPU v4 has two runs) predicts NaN,
        warnings.simplefilter("ignore", RuntimeWarning)  # which the inner score leaves out
        return np.nanmedian(near, axis=1)


def nearest_neighbours(runs, actual_log) -> tuple[float, float]:
    """A model-free try: each run predicted by the median goodput of its k nearest runs of its
    family in (log10 FLOPs, maturity), k and the covariates' weights chosen by an inner leave-one-paper-out
    (nested, as `validate`). (the grid's best factor by leave-one-paper-out, not nested; the nested factor)."""
    family = np.array([r.family for r in runs])
    paper = U.same_paper(runs)
    cov = np.column_stack([[U._run_covariate(r, c) for r in runs] for c in CHOSEN_COVARIATES])
    grid = [(k, w1, w2) for k in NEIGHBOURS for w1 in NEIGHBOUR_WEIGHTS for w2 in NEIGHBOUR_WEIGHTS if w1 or w2]
    plain = min(_factor(actual_log - _neighbour_predictions(actual_log, family, cov * [w1, w2], k, paper))
                for k, w1, w2 in grid)
    outer = np.empty(len(runs))
    for i in range(len(runs)):
        keep = ~paper[i]  # the fold holds no run of i's paper
        scores = {g: np.nanmedian(np.abs(actual_log - _neighbour_predictions(
            actual_log, family, cov * [g[1], g[2]], g[0], paper, exclude=np.flatnonzero(paper[i])))[keep])
            for g in grid}
        k, w1, w2 = min(scores, key=scores.get)
        outer[i] = _neighbour_predictions(actual_log, family, cov * [w1, w2], k, paper)[i]
    return plain, _factor(actual_log - outer)


def model_size(runs, families) -> tuple[int, float, float]:
    spec = load_utilization_model().spec  # the shipped candidate, whichever λ it chose
    a, c, _ = U._loo(runs, np.ones(len(runs), dtype=bool), spec, families)
    sizes = {p.run: (p.params, p.tokens) for p in load_published_runs() if p.params and p.tokens}
    keep = [(math.log10(sizes[r.name][0]), math.log10(sizes[r.name][1] / sizes[r.name][0]), res)
            for r, res in zip(runs, a - c) if r.name in sizes]
    x = np.array(keep)
    return len(keep), float(np.corrcoef(x[:, 0], x[:, 2])[0, 1]), float(np.corrcoef(x[:, 1], x[:, 2])[0, 1])


PARAMS_REF_LOG10 = 10.0  # log10 parameters are centred on 10B, as log10 FLOPs are on 1e22
PARAMS_SPECS = tuple(Spec(covs, lam, T_DOF) for covs in (("log10_params",), ("log10_flops", "log10_params"),
                                                          ("log10_flops", "log10_params", "maturity_years"))
                     for lam in (0.5, 2.0, 8.0))


def model_size_nested(runs) -> tuple[int, tuple[float, float, float], tuple[float, float, float]]:
    """On the runs whose parameter count the project holds: `validate`'s nested leave-one-paper-out
    with the shipped candidates, then with candidates that add log10 parameters (each chosen in the
    folds like the others). The core knows no such covariate, so it is patched in here, for this try
    only. (runs, (factor, ratio, coverage) shipped, (factor, ratio, coverage) with parameters)."""
    from unittest import mock

    from estimator.core.hardware import utilization_model as M
    sizes = {p.run: p.params for p in load_published_runs() if p.params}
    held = [r for r in runs if r.name in sizes]
    plain = U._run_covariate

    def covariate(run, name):
        return math.log10(sizes[run.name]) - PARAMS_REF_LOG10 if name == "log10_params" else plain(run, name)

    out = []
    with mock.patch.object(U, "_run_covariate", covariate), \
            mock.patch.dict(M.COVARIATES, {"log10_params": "log10 parameters"}), \
            mock.patch.object(CV, "_predict_absent_families", lambda *a, **k: None):  # one-run families stay pooled
        for specs in (U.CANDIDATE_SPECS, U.CANDIDATE_SPECS + PARAMS_SPECS):
            with mock.patch.object(CV, "CANDIDATE_SPECS", specs):
                cv = CV.cross_validate(held)
            m, _ = cv.summary()["all"]
            out.append((m.median_factor, cv.ratio_to_baseline, m.coverage))
    return len(held), out[0], out[1]


def _least_trimmed(X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> float:
    """The smallest median |residual| found for y ≈ X·b: least trimmed squares over half the
    runs plus one (Rousseeuw 1984), from random (p + 2)-run starts refined by concentration
    steps (Rousseeuw & Van Driessen 2006, FAST-LTS). A best found, so an upper bound on the
    true minimum; each start only lowers it."""
    n, p = X.shape
    h = n // 2 + 1
    best = math.inf
    for _ in range(LTS_STARTS):
        start = rng.choice(n, p + 2, replace=False)
        b, *_ = np.linalg.lstsq(X[start], y[start], rcond=None)
        for _ in range(50):
            keep = np.argsort(np.abs(y - X @ b))[:h]
            b_next, *_ = np.linalg.lstsq(X[keep], y[keep], rcond=None)
            if np.allclose(b_next, b):
                break
            b = b_next
        best = min(best, float(np.median(np.abs(y - X @ b))))
    return math.exp(best)


def in_sample_bound(runs, families, actual_log) -> list[tuple[str, int, float]]:
    """(model, parameters, best in-sample median factor found) for growing linear models."""
    spec = load_utilization_model().spec  # the shipped candidate, whichever λ it chose
    *_, resid = U._fit_batch(runs, np.ones((1, len(runs))), spec, families)
    fam = np.array([r.family for r in runs])
    log_flops = np.array([U._run_covariate(r, "log10_flops") for r in runs])
    maturity = np.array([U._run_covariate(r, "maturity_years") for r in runs])
    onehot = [(fam == f).astype(float) for f in families]
    log_dev = np.array([math.log10(r.devices) if r.devices else math.nan for r in runs])
    not_reported = np.isnan(log_dev)
    log_dev = np.where(not_reported, np.nanmean(log_dev), log_dev)
    developer = np.array([r.developer for r in runs])
    labs = [(developer == d).astype(float) for d in sorted(set(developer))[1:]]
    shared = np.column_stack([log_flops, maturity, *onehot])
    per_family = np.column_stack([m * c for m in onehot for c in (np.ones(len(runs)), log_flops, maturity)])
    with_devices = np.column_stack([per_family, log_dev, not_reported.astype(float)])
    rng = np.random.default_rng(LTS_SEED)
    rows = [("the shipped fit (Student-t, shrunk offsets), in sample", 1 + len(spec.covariates) + len(families) - 1,
             _factor(resid[0]))]
    shipped_form = np.column_stack([*(np.array([U._run_covariate(r, c) for r in runs]) for c in spec.covariates), *onehot])
    for name, X in (("the shipped form (its covariates + family offsets)", shipped_form),
                    ("shared slopes on log FLOPs and maturity + family offsets", shared),
                    ("slopes by family", per_family),
                    ("slopes by family + log10 devices (+ not reported)", with_devices),
                    ("shared slopes + family + developer offsets", np.column_stack([shared, *labs])),
                    # a curve in log FLOPs, and devices, on top of the shared form (added last: the forms
                    # above keep their random starts, and so their figures)
                    ("log FLOPs and its square + family offsets", np.column_stack([log_flops, log_flops ** 2, *onehot])),
                    ("log FLOPs, its square, log10 devices (+ not reported), maturity + family",
                     np.column_stack([log_flops, log_flops ** 2, log_dev, not_reported.astype(float), maturity,
                                      *onehot]))):
        rows.append((name, X.shape[1], _least_trimmed(X, actual_log, rng)))
    return rows


def _least_absolute(X: np.ndarray, y: np.ndarray, iterations: int = 200) -> np.ndarray:
    """Least absolute deviations (a median regression) by iteratively reweighted least squares."""
    b = np.linalg.lstsq(X, y, rcond=None)[0]
    for _ in range(iterations):
        w = np.sqrt(1.0 / np.maximum(np.abs(y - X @ b), 1e-4))
        b = np.linalg.lstsq(X * w[:, None], y * w, rcond=None)[0]
    return b


def curved_forms_held_out(runs, families, actual_log) -> list[tuple[str, str, float]]:
    """(form, loss, median factor) of the curved forms of ``in_sample_bound``, each run predicted by a fit
    without its paper (plain leave-one-paper-out, not nested: the choice among them is not scored), by
    least squares and by least absolute deviations (the median factor's own loss)."""
    fam = np.array([r.family for r in runs])
    onehot = [(fam == f).astype(float) for f in families]
    log_flops = np.array([U._run_covariate(r, "log10_flops") for r in runs])
    maturity = np.array([U._run_covariate(r, "maturity_years") for r in runs])
    log_dev = np.array([math.log10(r.devices) if r.devices else math.nan for r in runs])
    not_reported = np.isnan(log_dev)
    log_dev = np.where(not_reported, np.nanmean(log_dev), log_dev)
    papers = np.array([r.paper or r.source for r in runs])
    forms = (("log FLOPs + family offsets", np.column_stack([log_flops, *onehot])),
             ("log FLOPs and its square + family offsets", np.column_stack([log_flops, log_flops ** 2, *onehot])),
             ("+ log10 devices (+ not reported), maturity", np.column_stack(
                 [log_flops, log_flops ** 2, log_dev, not_reported.astype(float), maturity, *onehot])))
    out = []
    for name, X in forms:
        for loss, solve in (("least squares", lambda A, b: np.linalg.lstsq(A, b, rcond=None)[0]),
                            ("least absolute", _least_absolute)):
            predicted = np.empty(len(runs))
            for paper in sorted(set(papers)):
                held = papers == paper
                predicted[held] = X[held] @ solve(X[~held], actual_log[~held])
            out.append((name, loss, _factor(actual_log - predicted)))
    return out


def by_run(runs) -> tuple[int, float, float, float, float]:
    """The nested figures as they were before a paper's runs were held out together: each run its
    own paper, so two rows of one paper (ELECTRA-Small and BERT-Small share every figure) predict
    each other, in the folds and in the fit's own multipliers. (runs, median factor, ratio to the
    rule, 80% coverage, V100 coverage)."""
    cv = CV.cross_validate([replace(r, paper="") for r in runs])
    summary = cv.summary()
    m, _ = summary["all"]
    return len(runs), m.median_factor, cv.ratio_to_baseline, m.coverage, summary["v100"][0].coverage


def new_family_alternatives(runs) -> dict[str, tuple[float, float | None, float | None]]:
    """Each family held out whole (nested, as `validate` does): the shipped device-without-runs
    prediction (its centre, the nearest family's fit, the pooled fit or the flat rule, chosen on
    the other families) beside the centres it chooses between, each taken every time (the rule with
    the multiplier calibrated for it on the other families, so with its interval).
    The nearest family's fit is also shown with the multiplier devices without runs took before one
    was calibrated on held-out families: that family's own. Name → (median factor, 80% coverage,
    mean width); no interval for the centres taken every time."""
    traits = family_traits(runs)
    rows: dict[str, list[tuple[float, float, float | None]]] = {}  # name → (ln actual, ln centre, ln half-width)
    for family in sorted(traits):
        model = U.select_and_fit([r for r in runs if r.family != family])
        near = nearest_family(family, traits, sorted(model.families))
        fam = model.families.get(near) if near else None
        q_own = model.interval_multiplier if fam is None or fam.interval_multiplier is None else fam.interval_multiplier
        for r in runs:
            if r.family != family:
                continue
            kw = dict(year=r.year, release_year=r.release_year, borrowed=True)
            shipped = model.predict(model.borrowed_family(near or POOLED), r.flops, **kw)
            nearest = model.predict(near, r.flops, **kw)
            rule = model.predict(RULE)
            a = math.log(r.goodput)
            for name, centre, half in (
                    ("as shipped: the centre chosen on the other families", shipped.center,
                     math.log(shipped.center / shipped.low)),
                    ("the nearest family's fit, every time, its own multiplier (before)", nearest.center,
                     q_own * nearest.sigma_log),
                    ("the pooled fit, every time", model.predict(None, r.flops, **kw).center, None),
                    (f"flat {CV.BASELINE_UTILIZATION:.0%} rule, every time, its multiplier", rule.center,
                     math.log(rule.center / rule.low))):
                rows.setdefault(name, []).append((a, math.log(centre), half))
    out = {}
    for name, xs in rows.items():
        err = np.array([abs(a - c) for a, c, _ in xs])
        if xs[0][2] is None:
            out[name] = (_factor(err), None, None)
        else:
            half = np.array([h for *_, h in xs])
            out[name] = (_factor(err), float(np.mean(err <= half)), float(np.exp(np.mean(2 * half))))
    return out


def main() -> None:
    runs = list(training_runs().runs)
    families = sorted({r.family for r in runs})
    actual_log = np.log([r.goodput for r in runs])
    rule = _factor(actual_log - math.log(CV.BASELINE_UTILIZATION))
    print(f"{len(runs)} runs; flat {CV.BASELINE_UTILIZATION:.0%} rule: median factor {rule:.3f}x")
    print("shrinkage (leave-one-paper-out, not nested), log10 FLOPs + maturity:")
    for lam, f in shrinkage_sweep(runs, families, actual_log):
        print(f"  lambda {lam:<5} {f:.3f}x  ratio {f / rule:.3f}")
    print("averaging the candidates (nested leave-one-paper-out):")
    folds = _candidate_folds(runs, families)
    for name, f in averaging(runs, families, actual_log, folds).items():
        print(f"  {name:32s} {f:.3f}x  ratio {f / rule:.3f}")
    by_family = per_family_centre(runs, families, actual_log, folds)
    print("fit or rule chosen by family (nested; runs given the rule, factor with the choice, the fit alone):")
    for name, (k, took, f, f_fit) in by_family.items():
        print(f"  {name:8s} {took:2d}/{k:<3d} {f:.3f}x (ratio {f / rule:.3f})  fit alone {f_fit:.3f}x")
    plain, nested = nearest_neighbours(runs, actual_log)
    print(f"nearest runs of the family (median of k, in log10 FLOPs and maturity): best leave-one-paper-out, not nested "
          f"{plain:.3f}x  ratio {plain / rule:.3f}; nested {nested:.3f}x  ratio {nested / rule:.3f}")
    n, r_params, r_tpp = model_size(runs, families)
    print(f"model size, {n} runs with a parameter count: corr(residual, log10 params) {r_params:+.2f}, "
          f"corr(residual, log10 tokens per param) {r_tpp:+.2f}")
    n, (f0, r0, c0), (f1, r1, c1) = model_size_nested(runs)
    print(f"model size as a candidate covariate ({n} runs with a parameter count, nested leave-one-paper-out): "
          f"shipped candidates {f0:.3f}x (ratio {r0:.3f}, 80% coverage {c0:.0%}); with log10 parameters "
          f"{f1:.3f}x (ratio {r1:.3f}, 80% coverage {c1:.0%})")
    print(f"in-sample bound (fitted and scored on the same runs; target {TARGET_RATIO * rule:.3f}x):")
    for name, p, f in in_sample_bound(runs, families, actual_log):
        print(f"  {name:52s} {p:2d} parameters  {f:.3f}x  ratio {f / rule:.3f}")
    print("the curved forms, held out by paper (plain leave-one-paper-out):")
    for name, loss, f in curved_forms_held_out(runs, families, actual_log):
        print(f"  {name:52s} {loss:15s} {f:.3f}x  ratio {f / rule:.3f}")
    n, f, ratio, coverage, v100 = by_run(runs)
    print(f"held out run by run, a paper's other runs kept in (as before; {n} runs, nested): {f:.3f}x  "
          f"ratio {ratio:.3f}  80% coverage {coverage:.0%}  V100 {v100:.0%}")
    print("a device without runs (each family held out whole, nested):")
    for name, (f, coverage, width) in new_family_alternatives(runs).items():
        interval = "" if coverage is None else f"  80% coverage {coverage:.0%}  mean width x{width:.2f}"
        print(f"  {name:66s} {f:.3f}x{interval}")


if __name__ == "__main__":
    main()
