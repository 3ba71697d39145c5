"""Fit the step model's few free parameters on published layouts, and cross-validate by source.

Pure: rows in (``estimator.io.layouts_data`` reads ``estimator/data/training_layouts.csv`` and runs
this: ``python -m estimator fit-step``), a document out.

- Each row's measured figure is brought to one convention, tokens/s per device
  (:func:`measured_tokens_per_s`): tokens as reported or derived from the source's iteration time;
  model TFLOP/s or MFU (model FLOPs, no recomputation) through the step model's model FLOPs per
  token (``estimator.core.training.step.flops_per_token``) and the precision's peak.
- The fit: ``scipy.optimize.least_squares`` on log(predicted / measured) with a soft-L1 loss, each
  source weighted so that it counts as one (a vendor table of 20 rows does not outvote a paper's 3).
- Cross-validation by source: every ``source_key``'s rows held out together, the parameters refitted
  on the rest, the held-out rows predicted. The 80% range of a held-out source is ± the CDF-pooled
  80% quantile (``fit.grouped_conformal``, each source counting once) of the other sources' |log
  ratio|s, each from a fit on neither the held-out source's rows nor its own (``nested_halves``: about
  a hundred refits, 20 s). Every fold's fit starts from the defaults, never from the fit on every row.
- Baseline, in the same run and the same folds: a flat MFU (model FLOPs), the geometric mean of the
  other sources' measured MFUs (each source counting once), with its range from the same pooling.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from estimator.core.base.errors import InputError
from estimator.core.base.interval import LEVEL
from estimator.core.base.units import FLOPS_PER_TFLOP
from estimator.core.training.step import (
    CONVENTIONS,
    PARAM_NAMES,
    Layout,
    ModelShape,
    StepHardware,
    StepParams,
    flat_mfu_tokens_per_s,
    flops_per_token,
    step_time,
)
from estimator.fit.grouped_conformal import pooled_cdf_quantile

MEASURED_KINDS = ("tokens_per_s_per_device", "model_tflops_per_device", "mfu_pct")
PERCENT = 100.0
# Bounds of the free parameters: physical limits (a share is within 0..1), loose elsewhere.
# fp8_gemm_factor at least 0.5: the FP8 tensor-core peak is twice the 16-bit one (H100 datasheet:
# 1,979 vs 989 dense TFLOP/s), so an FP8 GEMM at half the 16-bit share of its peak is as fast as the
# 16-bit GEMM; below that a run would not use FP8.
BOUNDS = {
    "gemm_efficiency": (0.2, 1.0),
    "gemm_half_dim": (1.0, 5000.0),    # elements per 16-bit PFLOP/s of peak (H100: 0.989 PFLOP/s)
    "fp8_gemm_factor": (0.5, 1.0),
    "attention_efficiency": (0.05, 1.0),
    "memory_efficiency": (0.1, 1.0),
    "overlap_cost": (0.0, 1.0),
}
SOFT_L1_SCALE = 0.1   # residuals beyond ~10% in log count linearly (robust to a mis-transcribed row)


@dataclass(frozen=True)
class LayoutRow:
    row_id: str
    source_key: str
    model: str
    shape: ModelShape
    layout: Layout
    hardware: StepHardware | None   # None: outside the fit, link facts missing (not predicted)
    hardware_id: str
    measured_kind: str
    measured_value: float
    use: bool                 # in the fit and the cross-validation
    why_not: str = ""
    assumptions: str = ""     # what the source did not state and the row assumes ("micro-batch not stated: 1 assumed")


def measured_tokens_per_s(row: LayoutRow) -> float:
    """The row's measured figure as tokens/s per device (the module docstring)."""
    if row.measured_kind == "tokens_per_s_per_device":
        return row.measured_value
    model_fpt = flops_per_token(row.shape, row.layout.seq_len)[0]
    if row.measured_kind == "model_tflops_per_device":
        return row.measured_value * FLOPS_PER_TFLOP / model_fpt
    if row.measured_kind == "mfu_pct":
        peak = row.hardware.peak_flops_per_s[row.layout.precision]
        return row.measured_value / PERCENT * peak / model_fpt
    raise InputError(f"{row.row_id}: measured kind {row.measured_kind!r} is not one of {', '.join(MEASURED_KINDS)}")


def measured_mfu(row: LayoutRow) -> float:
    """The row's measured MFU (model FLOPs convention) against its precision's peak."""
    return (measured_tokens_per_s(row) * flops_per_token(row.shape, row.layout.seq_len)[0]
            / row.hardware.peak_flops_per_s[row.layout.precision])


def predict(row: LayoutRow, params: StepParams) -> float:
    return step_time(row.shape, row.layout, row.hardware, params).tokens_per_s_per_device


def _params(x: Sequence[float]) -> StepParams:
    return StepParams(**dict(zip(PARAM_NAMES, (float(v) for v in x))))


def log_ratios(rows: Sequence[LayoutRow], params: StepParams) -> np.ndarray:
    """log(predicted / measured) per row."""
    return np.array([math.log(predict(r, params) / measured_tokens_per_s(r)) for r in rows])


def _weights(rows: Sequence[LayoutRow]) -> np.ndarray:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.source_key] = counts.get(r.source_key, 0) + 1
    return np.array([1.0 / math.sqrt(counts[r.source_key]) for r in rows])


def fit_params(rows: Sequence[LayoutRow], start: StepParams | None = None) -> StepParams:
    """Least squares on the rows' log ratios, each source counting once."""
    # scipy on first use: an estimate reads the fitted rows (services.training.fitted_layouts), and the CLI starts without
    # scipy (tests/core/test_student_t.py)
    from scipy.optimize import least_squares
    if not rows:
        raise InputError("the step fit needs at least one row")
    weights = _weights(rows)
    lo = [BOUNDS[n][0] for n in PARAM_NAMES]
    hi = [BOUNDS[n][1] for n in PARAM_NAMES]
    start = start or StepParams()
    x0 = np.clip([getattr(start, n) for n in PARAM_NAMES], lo, hi)
    result = least_squares(lambda x: weights * log_ratios(rows, _params(x)), x0, bounds=(lo, hi),
                           loss="soft_l1", f_scale=SOFT_L1_SCALE, x_scale="jac")
    return _params(result.x)


def flat_mfu(rows: Sequence[LayoutRow]) -> float:
    """The baseline's MFU: geometric mean of the rows' measured MFUs, each source counting once."""
    by_source: dict[str, list[float]] = {}
    for r in rows:
        by_source.setdefault(r.source_key, []).append(math.log(measured_mfu(r)))
    return math.exp(float(np.mean([np.mean(v) for v in by_source.values()])))


def baseline_predict(row: LayoutRow, mfu: float) -> float:
    return flat_mfu_tokens_per_s(row.shape, row.layout.seq_len, mfu, row.hardware.peak_flops_per_s[row.layout.precision])


@dataclass(frozen=True)
class HeldOut:
    row_id: str
    source_key: str
    measured: float
    step: float
    step_half_width: float     # ± log, the 80% range
    baseline: float
    baseline_half_width: float


def _summary(log_r: np.ndarray, half: np.ndarray) -> dict[str, float]:
    return {"median_factor": round(math.exp(float(np.median(np.abs(log_r)))), 4),
            "coverage_80": round(float(np.mean(np.abs(log_r) <= half)), 4),
            "median_range_factor": round(math.exp(float(np.median(half))), 4),
            "rows": len(log_r)}


def cross_validate(rows: Sequence[LayoutRow], start: StepParams | None = None) -> tuple[HeldOut, ...]:
    """Leave one source out: refit on the others, predict the source's rows (step model and baseline)."""
    sources = sorted({r.source_key for r in rows})
    if len(sources) < 3:
        raise InputError("cross-validation by source needs at least 3 sources")
    step_pred: dict[str, float] = {}
    base_pred: dict[str, float] = {}
    for s in sources:
        train = [r for r in rows if r.source_key != s]
        params = fit_params(train, start)
        mfu = flat_mfu(train)
        for r in rows:
            if r.source_key == s:
                step_pred[r.row_id] = predict(r, params)
                base_pred[r.row_id] = baseline_predict(r, mfu)
    out = []
    for s in sources:
        others = [r for r in rows if r.source_key != s]
        groups = [r.source_key for r in others]
        step_half = pooled_cdf_quantile(
            [abs(math.log(step_pred[r.row_id] / measured_tokens_per_s(r))) for r in others], groups, LEVEL)
        base_half = pooled_cdf_quantile(
            [abs(math.log(base_pred[r.row_id] / measured_tokens_per_s(r))) for r in others], groups, LEVEL)
        for r in rows:
            if r.source_key == s:
                out.append(HeldOut(r.row_id, s, measured_tokens_per_s(r), step_pred[r.row_id], step_half,
                                   base_pred[r.row_id], base_half))
    return tuple(out)


def nested_halves(rows: Sequence[LayoutRow]) -> dict[str, tuple[float, float]]:
    """Each source's 80% half-widths (step model, baseline) with its rows in no fit behind them (audit 2026-11-28:
    ``cross_validate``'s interval for a held-out source pooled the other sources' held-out errors, each from a fit
    that had the held-out source's rows): for each source s, each other source t predicted by a fit on neither s's
    nor t's rows, the CDF-pooled 80% quantile of those |log ratio|s, each source once. By source: {s: (step, base)}."""
    sources = sorted({r.source_key for r in rows})
    out = {}
    # the fit without s and t is the fit without t and s: made once for each pair (the same rows in the same order,
    # so the same numbers), half the fits of taking each source in turn
    fits: dict[frozenset[str], tuple[StepParams, float]] = {}
    for s in sources:
        errors, base_errors, groups = [], [], []
        for t in sources:
            if t == s:
                continue
            pair = frozenset((s, t))
            if pair not in fits:
                train = [r for r in rows if r.source_key not in pair]
                fits[pair] = fit_params(train), flat_mfu(train)   # from the defaults (no start that saw s)
            params, mfu = fits[pair]
            for r in rows:
                if r.source_key == t:
                    errors.append(abs(math.log(predict(r, params) / measured_tokens_per_s(r))))
                    base_errors.append(abs(math.log(baseline_predict(r, mfu) / measured_tokens_per_s(r))))
                    groups.append(t)
        out[s] = (pooled_cdf_quantile(errors, groups, LEVEL), pooled_cdf_quantile(base_errors, groups, LEVEL))
    return out


def cv_summary(held: Sequence[HeldOut]) -> dict[str, dict[str, float]]:
    step_r = np.array([math.log(h.step / h.measured) for h in held])
    base_r = np.array([math.log(h.baseline / h.measured) for h in held])
    return {"step_model": _summary(step_r, np.array([h.step_half_width for h in held])),
            "flat_mfu_baseline": _summary(base_r, np.array([h.baseline_half_width for h in held]))}


def fit_document(rows: Sequence[LayoutRow], data_file: str, command: str) -> dict:
    """Fit on every usable row, cross-validate by source, and say what each figure means."""
    used = [r for r in rows if r.use]
    params = fit_params(used)
    # each fold from the defaults, never from the fit on every row (code review 2026-11-28: started from it, a held-out
    # source's own rows reached its range through the start)
    held = cross_validate(used)
    halves = nested_halves(used)
    held = tuple(replace(h, step_half_width=halves[h.source_key][0], baseline_half_width=halves[h.source_key][1])
                 for h in held)
    in_sample = log_ratios(used, params)
    predictions = []
    by_id = {h.row_id: h for h in held}
    for r in rows:
        entry = {"row_id": r.row_id, "source_key": r.source_key, "model": r.model, "hardware": r.hardware_id,
                 "used": r.use}
        predicted = _predicted(r, params)
        if predicted is not None:
            entry["predicted_tokens_per_s_per_device"] = _round(predicted.tokens_per_s_per_device)
            entry["predicted_mfu"] = round(predicted.mfu, 4)
        if r.measured_kind and r.hardware is not None:
            entry["measured_tokens_per_s_per_device"] = _round(measured_tokens_per_s(r))
            entry["measured_mfu"] = round(measured_mfu(r), 4)
        if r.row_id in by_id:
            entry["held_out_tokens_per_s_per_device"] = _round(by_id[r.row_id].step)
            entry["held_out_baseline_tokens_per_s_per_device"] = _round(by_id[r.row_id].baseline)
        if not r.use:
            entry["why_not_used"] = r.why_not
        predictions.append(entry)
    return {
        "command": command,
        "data_file": data_file,
        "rows": len(rows),
        "rows_used": len(used),
        "sources_used": sorted({r.source_key for r in used}),
        "params": {k: round(v, 6) for k, v in params.as_dict().items()},
        "conventions": dict(CONVENTIONS, measured="every row's figure as tokens/s per device (fit.step_fit."
                                                  "measured_tokens_per_s); the data file's measured_basis says how"),
        "in_sample": {"median_factor": round(math.exp(float(np.median(np.abs(in_sample)))), 4)},
        "cross_validation": {
            "by": "source_key: each source's rows held out together, parameters refitted on the others",
            "level": LEVEL,
            "range": "± the CDF-pooled 80% quantile (each source once) of the other sources' held-out |log ratio|, "
                     "nested: each from a fit on neither the held-out source's rows nor its own (nested_halves)",
            "baseline": "flat MFU (model FLOPs): geometric mean over the other sources, each source once",
            "flat_mfu_all_sources": round(flat_mfu(used), 4),
            # each held-out source's ± log half-widths, [step model, baseline] (nested_halves)
            "half_widths": {k: [round(a, 6), round(b, 6)] for k, (a, b) in sorted(halves.items())},
            **cv_summary(held),
        },
        "predictions": predictions,
        "low_precision": low_precision_pace(used, params),
    }


# the 16-bit format a lower precision's whole step is compared with (every fitted FP8 row ran on bf16-capable devices)
SIXTEEN_BIT = "bf16"


def low_precision_pace(rows: Sequence[LayoutRow], params: StepParams) -> dict:
    """What a lower precision gains on a whole step, as the fitted step model times it: each fitted FP8 row's tokens/s
    at FP8 over the same layout's at bf16 (its pace), and that pace over the two peaks' ratio (its share: the share of
    the FP8 peak a step reaches against the bf16 peak's). The medians are what an estimate from the FLOPs alone takes
    at fp8 (``UtilizationModel.low_precision``, its pace once per halving of the bits): attention, memory-bound work and
    communication gain nothing from FP8, so the pace is below the GEMMs' alone (2 × fp8_gemm_factor)."""
    paces, shares, ids = [], [], []
    for r in rows:
        if not r.use or r.layout.precision != "fp8" or SIXTEEN_BIT not in r.hardware.peak_flops_per_s:
            continue
        fp8 = step_time(r.shape, r.layout, r.hardware, params).tokens_per_s_per_device
        bf16 = step_time(r.shape, replace(r.layout, precision=SIXTEEN_BIT), r.hardware, params).tokens_per_s_per_device
        pace = fp8 / bf16
        paces.append(pace)
        shares.append(pace / (r.hardware.peak_flops_per_s["fp8"] / r.hardware.peak_flops_per_s[SIXTEEN_BIT]))
        ids.append(r.row_id)
    if not paces:
        raise InputError("no fitted FP8 layout to time a lower precision's whole step on")
    return {"about": ("each fitted FP8 row's tokens/s at fp8 over the same layout's at bf16, as the fitted step model "
                      "times them (pace), and that over the peaks' ratio (share); the medians are what an estimate from "
                      "the FLOPs alone takes at fp8, once per halving of the bits"),
            "rows": ids, "pace_median": round(float(np.median(paces)), 4),
            "pace_range": [round(min(paces), 4), round(max(paces), 4)],
            "share_median": round(float(np.median(shares)), 4)}


def _predicted(row: LayoutRow, params: StepParams):
    """The step model's answer for a row, or None where its inputs are incomplete (rows outside the fit)."""
    if row.hardware is None:
        return None
    try:
        return step_time(row.shape, row.layout, row.hardware, params)
    except InputError:
        if row.use:
            raise
        return None


def _round(x: float) -> float:
    return float(f"{x:.5g}")


def params_from_document(document: Mapping) -> StepParams:
    return StepParams(**{k: float(document["params"][k]) for k in PARAM_NAMES})


__all__ = ["LayoutRow", "HeldOut", "cross_validate", "cv_summary", "fit_document", "fit_params", "flat_mfu",
           "measured_mfu", "measured_tokens_per_s", "nested_halves", "params_from_document", "predict"]
