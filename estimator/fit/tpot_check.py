"""The serving model's time per output token against independent small-batch measurements.

Pure: rows of published measurements in, predictions and summary figures out. The rows
(``estimator/data/small_batch_tpot.csv``: gpt-fast, LMDeploy, TGI and vLLM's own benchmarks, batch 1
to 64, A10G, A100 and H100, 16-, 8- and 4-bit weights) are not in the online fit: that fit comes
from the ML.ENERGY configurations alone (``estimator.fit.serving_fit``), so every prediction here
is out of sample. They carry no energy, so only TPOT is checked.

The baseline, computed in the same run, is the roofline model this project used before the
fitted one (``serving.previous_model``: weight bytes ÷ the full bandwidth, or 2·N FLOPs at the
training utilisation, the slower). It knows nothing of the engine, so it is the lower bound an
engine with no overhead would reach.

The same rows also fit the "latency" engine (``serving.ENGINES``): the three time constants
refitted to these TPOTs (the power factor kept from the online fit: no energy was measured). It is
judged leave-one-benchmark-out: each benchmark's rows predicted by a fit of the other benchmarks',
its interval the level quantile of the other benchmarks' out-of-sample |log errors|, each
benchmark counted once (``grouped_conformal``), as the online fit counts each model once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from estimator.core.base.errors import InputError
from estimator.core.serving.engines import LATENCY_ENGINE
from estimator.core.serving.step import Architecture, Device, Previous, ServingFit, Step, previous_model, step
from estimator.fit.grouped_conformal import pooled_cdf_quantile
from estimator.fit.serving_fit import TIME_PARAMS, Metrics, metrics, solve

MIN_BENCHMARKS = 3   # leave-one-benchmark-out needs at least two to fit on and one to hold out


@dataclass(frozen=True)
class TpotRow:
    """One published small-batch measurement, with what the serving model needs to predict it."""

    source: str              # the benchmark (gpt-fast, LMDeploy, TGI, vLLM CI): the group summarised together
    engine: str
    model: str               # a catalog id
    hardware_id: str
    device: Device           # at the peak the weights' bits use
    params: float
    arch: Architecture
    tp: int
    batch: int
    bits: int
    prompt_tokens: float
    output_tokens: float
    tpot_s: float            # as measured
    prefill_included: bool   # the published time spreads the prompts' prefill over the tokens (else decode steps only)
    note: str
    citation: str
    previous_utilization: float   # the profile's training utilisation (the previous model's compute side)


@dataclass(frozen=True)
class TpotPrediction:
    row: TpotRow
    tpot_s: float            # the shipped serving model
    previous_tpot_s: float   # the baseline
    half: float              # the stated interval's log half-width

    @property
    def log_error(self) -> float:
        return math.log(self.tpot_s / self.row.tpot_s)

    @property
    def inside(self) -> bool:
        return abs(self.log_error) <= self.half


@dataclass(frozen=True)
class TpotCheck:
    predictions: tuple[TpotPrediction, ...]
    model: Metrics           # the serving model, with the stated interval's coverage
    previous: Metrics        # the baseline
    by_source: dict          # source → (model Metrics, previous Metrics)


def row_step(r: TpotRow, fit: ServingFit) -> Step:
    """The serving model's step at the row's shape, batch, prompt and output lengths."""
    return step(params=r.params, arch=r.arch, device=r.device, fit=fit, batch=r.batch, prompt_tokens=r.prompt_tokens,
                output_tokens=r.output_tokens, tp=r.tp, weight_bits=r.bits)


def measured_time(r: TpotRow, s: Step, mixed_prefill: bool = False) -> float:
    """The step's time per output token as the row measured it: with the prompts' prefill spread over
    the tokens, or the decode step alone (a median per-token latency after the first token)."""
    if r.prefill_included:
        return s.tpot_s
    # prefill mixed into the step (an optimised engine): the step without it; else its own phase, taken out
    if mixed_prefill:
        return s.decode_s
    # a step less its prefill phase and the own prompt's all-reduces and, where prompts are prefilled as steps of
    # their own, those steps' engine cost (review 2026-12-01: the other requests' had been left in), over the tokens a
    # sequence emits a step
    return ((s.tpot_s * s.tokens_per_step - s.prefill_s - s.own_tp_s - s.own_engine_s - s.others_engine_s)
            / s.tokens_per_step)


def _tpot(r: TpotRow, fit: ServingFit) -> float:
    return measured_time(r, row_step(r, fit), fit.mixed_prefill)


def row_previous(r: TpotRow) -> Previous:
    """The previous model (the baseline) at the row's configuration, at the TDP."""
    return previous_model(params=r.params, device=r.device, batch=r.batch, tp=r.tp, utilization=r.previous_utilization,
                          power_w=r.device.tdp_w, weight_bits=r.bits)


def _previous(r: TpotRow) -> float:
    return row_previous(r).tpot_s


def predict_row(r: TpotRow, fit: ServingFit, half: float | None = None) -> TpotPrediction:
    return TpotPrediction(r, _tpot(r, fit), _previous(r), fit.tpot_log_half_width if half is None else half)


def _pair(ps: Sequence[TpotPrediction]) -> tuple[Metrics, Metrics]:
    return (metrics([p.log_error for p in ps], [p.half for p in ps]),
            metrics([math.log(p.previous_tpot_s / p.row.tpot_s) for p in ps]))


def check(rows: Sequence[TpotRow], fit: ServingFit) -> TpotCheck:
    """Every row predicted by the shipped fit, summarised overall and by benchmark."""
    ps = tuple(predict_row(r, fit) for r in rows)
    model, previous = _pair(ps)
    sources = sorted({r.source for r in rows})
    return TpotCheck(ps, model, previous, {s: _pair([p for p in ps if p.row.source == s]) for s in sources})


def fit_time(rows: Sequence[TpotRow], base: ServingFit) -> dict:
    """The engine's three time constants fitted to ``rows``' TPOT (least squares on log ratios, as
    the online fit's first stage)."""
    y = np.log([r.tpot_s for r in rows])
    return solve(TIME_PARAMS, lambda q: np.log([_tpot(r, replace(base, **q)) for r in rows]) - y, {})


def _held_out(rows: Sequence[TpotRow], base: ServingFit) -> dict[int, float]:
    """Each row's TPOT from a fit of the other benchmarks' rows (index → seconds)."""
    tpot = {}
    for s in sorted({r.source for r in rows}):
        fit = replace(base, **fit_time([r for r in rows if r.source != s], base))
        tpot.update({i: _tpot(r, fit) for i, r in enumerate(rows) if r.source == s})
    return tpot


def leave_one_benchmark_out(rows: Sequence[TpotRow], base: ServingFit, level: float) -> TpotCheck:
    """Each benchmark's rows predicted by a fit of the other benchmarks', with the interval from the
    other benchmarks' out-of-sample residuals, each of those from a fit without the held-out benchmark
    too (nested), each benchmark counted once."""
    sources = sorted({r.source for r in rows})
    if len(sources) < MIN_BENCHMARKS:
        raise InputError(f"leave-one-benchmark-out needs at least {MIN_BENCHMARKS} benchmarks, got {len(sources)}")
    tpot = _held_out(rows, base)
    half = {}
    for s in sources:   # nested: the held-out benchmark shapes neither its prediction nor its interval
        rest = [r for r in rows if r.source != s]
        inner = _held_out(rest, base)
        half[s] = pooled_cdf_quantile([abs(math.log(inner[i] / r.tpot_s)) for i, r in enumerate(rest)],
                                      [r.source for r in rest], level)
    ps = tuple(TpotPrediction(r, tpot[i], _previous(r), half[r.source]) for i, r in enumerate(rows))
    model, previous = _pair(ps)
    return TpotCheck(ps, model, previous, {s: _pair([p for p in ps if p.row.source == s]) for s in sources})


def fit_latency(rows: Sequence[TpotRow], base: ServingFit, level: float) -> tuple[ServingFit, TpotCheck]:
    """The "latency" engine: the time constants fitted to every row, the power factor kept from
    ``base`` (the online fit), and the interval from the leave-one-benchmark-out residuals, each
    benchmark counted once. No energy was measured, so the energy's interval is the time's (J per
    token = power × TPOT, the power as modelled); the fit says so where it is shown."""
    cv = leave_one_benchmark_out(rows, base, level)
    half = pooled_cdf_quantile([abs(p.log_error) for p in cv.predictions], [p.row.source for p in cv.predictions], level)
    fit = replace(base, **fit_time(rows, base), tpot_log_half_width=half, energy_log_half_width=half, level=level,
                  n_configs=len(rows), n_models=len(cv.by_source), source="", engine=LATENCY_ENGINE)
    return fit, cv


def median_ratio(ps: Sequence[TpotPrediction]) -> float:
    """The median of predicted ÷ measured (> 1: predicted too slow)."""
    return float(np.median([p.tpot_s / p.row.tpot_s for p in ps]))


__all__ = ["MIN_BENCHMARKS", "TpotCheck", "TpotPrediction", "TpotRow", "check", "fit_latency", "fit_time",
           "leave_one_benchmark_out", "measured_time", "median_ratio", "predict_row", "row_previous", "row_step"]
