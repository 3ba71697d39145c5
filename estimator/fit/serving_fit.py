"""Fitting the serving model to measured configurations, and judging it out of sample.

Pure: measurements (frozen dataclasses) in, a ``ServingFit`` and a cross-validation out. The
measurements are in ``estimator/data/mlenergy_inference.csv`` (read by ``estimator.io.serving_data``).

The fit, in two stages, each a least-squares fit of log ratios (scipy ``least_squares``, fixed
start, deterministic):

1. time: the engine cost per layer, per sequence and per all-reduce (three numbers, each ≥ 0)
   so that the predicted TPOT matches the measured one;
2. power: the GPU-busy time per unit of roofline time, so that the predicted energy per output
   token matches the measured one, the time model held fixed.

Every other constant is sourced (``estimator.core.serving.step``). The stated interval is conformal over
the leave-one-model-out residuals |ln measured − ln predicted|, with each model's configurations
weighted together as one (``grouped_conformal``: a model's configurations share its errors, so they
are not exchangeable one by one). Its coverage is measured model by model: each held-out model's
configurations against the interval made from the other models' out-of-sample residuals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from estimator.core.base.errors import InputError
from estimator.core.base.interval import LEVEL
from estimator.core.serving.step import Architecture, Device, Previous, ServingFit, previous_model, step
from estimator.fit.grouped_conformal import pooled_cdf_quantile

# Start and bounds of the fitted numbers (seconds; the power factor is a ratio). The bounds only
# keep the optimiser in a physical range: from a nanosecond to a second per layer, sequence or
# all-reduce; a GPU busy from 0.1 to 20 × the roofline time; an engine reaching 5% to all of the tensor peak
# (compute_fraction: no shipped engine fits it since issue 54, each takes the sourced step.COMPUTE_FRACTION;
# its bounds kept for a fit that frees it, estimator.fit.serving_mlperf).
START = {"engine_s_per_layer": 3e-4, "engine_s_per_sequence": 1e-4, "tp_s_per_allreduce": 1e-4,
         "busy_per_roofline_s": 2.0, "compute_fraction": 0.5}
LOW = {"engine_s_per_layer": 1e-9, "engine_s_per_sequence": 1e-9, "tp_s_per_allreduce": 1e-9,
       "busy_per_roofline_s": 0.1, "compute_fraction": 0.05}
HIGH = {"engine_s_per_layer": 1.0, "engine_s_per_sequence": 1.0, "tp_s_per_allreduce": 1.0,
        "busy_per_roofline_s": 20.0, "compute_fraction": 1.0}
TIME_PARAMS = ("engine_s_per_layer", "engine_s_per_sequence", "tp_s_per_allreduce")
POWER_PARAMS = ("busy_per_roofline_s",)
# The "within 1.5× and 2×" shares the serving validation reports (a reporting choice, not a fitted figure;
# training's are 1.35× and 2×, utilization_cv.FACTOR_BANDS).
FACTOR_BANDS = (1.5, 2.0)
# Leave-one-model-out needs two models to fit on when one is held out: three at least.
MIN_MODELS = 3


@dataclass(frozen=True)
class Measurement:
    """One measured serving configuration (ML.ENERGY leaderboard): GPU energy only (PUE 1)."""

    model: str                 # the group left out together
    hardware_id: str
    device: Device
    params: float
    arch: Architecture
    tp: int
    batch: float               # configured (the input a user gives)
    batch_avg: float           # realised average, as measured
    prompt_tokens: float       # a documented default for the task (not in the measurements)
    output_tokens: float
    tpot_s: float
    joules_per_output_token: float
    tokens_per_s: float
    task: str
    leaderboard: str
    source: str
    previous_power_w: float    # the profile's average training draw (the previous model's power)
    previous_utilization: float


def predict(m: Measurement, fit: ServingFit):
    return step(params=m.params, arch=m.arch, device=m.device, fit=fit, batch=m.batch, prompt_tokens=m.prompt_tokens,
                output_tokens=m.output_tokens, tp=m.tp)


def _check(ms: Sequence[Measurement]) -> None:
    if len({m.model for m in ms}) < 2:
        raise InputError("a serving fit needs measurements of at least 2 models")
    for m in ms:
        for name in ("tpot_s", "joules_per_output_token", "params", "batch", "output_tokens", "prompt_tokens"):
            x = getattr(m, name)
            if not (isinstance(x, (int, float)) and math.isfinite(x) and x > 0):
                raise InputError(f"measurement of {m.model}: {name} must be a positive finite number, got {x!r}")


def _blank(prefill_steps_apart: bool = False, **params) -> ServingFit:
    vals = {**START, **params}
    return ServingFit(**{k: vals[k] for k in ServingFit.PARAMS}, tpot_log_half_width=0.0, energy_log_half_width=0.0,
                      level=LEVEL, n_configs=0, n_models=0, prefill_steps_apart=prefill_steps_apart)


def solve(names, residuals, base: dict) -> dict:
    """``names``' values (log-scale least squares within LOW–HIGH, from START) minimising ``residuals``."""
    lo = np.log([LOW[k] for k in names])
    hi = np.log([HIGH[k] for k in names])
    x0 = np.log([START[k] for k in names])

    def fun(x):
        return residuals({**base, **dict(zip(names, np.exp(x)))})
    from scipy.optimize import least_squares  # here, not at import: SciPy's optimiser takes ~0.5 s to import

    r = least_squares(fun, x0, bounds=(lo, hi), method="trf", x_scale=1.0)
    return {**base, **dict(zip(names, (float(x) for x in np.exp(r.x))))}


def fit_params(ms: Sequence[Measurement], prefill_steps_apart: bool) -> dict:
    """The four fitted numbers (see the module docstring); ``prefill_steps_apart``: the engine's form
    (``ServingFit.prefill_steps_apart``, engines.toml), which every fit and fold of its measurements takes: no default,
    so that no caller fits an engine in another's form (review 2026-12-01)."""
    _check(ms)
    tpot = np.log([m.tpot_s for m in ms])
    energy = np.log([m.joules_per_output_token for m in ms])
    a = prefill_steps_apart
    p = solve(TIME_PARAMS, lambda q: np.log([predict(m, _blank(a, **q)).user_tpot_s for m in ms]) - tpot, {})
    return solve(POWER_PARAMS,
                 lambda q: np.log([predict(m, _blank(a, **q)).joules_per_output_token for m in ms]) - energy, p)


@dataclass(frozen=True)
class Held:
    """One configuration predicted by a fit made without any configuration of its model."""

    m: Measurement
    tpot_s: float
    joules_per_output_token: float
    previous: Previous
    flat_tpot_s: float
    flat_joules_per_output_token: float
    scaled_tpot_s: float
    scaled_joules_per_output_token: float
    tpot_half: float = 0.0          # the interval applied to it (from the other models' residuals)
    energy_half: float = 0.0

    @property
    def tpot_log_error(self) -> float:
        return math.log(self.tpot_s / self.m.tpot_s)

    @property
    def energy_log_error(self) -> float:
        return math.log(self.joules_per_output_token / self.m.joules_per_output_token)


def _same_gpu(train: Sequence[Measurement], m: Measurement) -> list[Measurement]:
    return [x for x in train if x.hardware_id == m.hardware_id] or list(train)


def flat_baseline(train: Sequence[Measurement], m: Measurement) -> tuple[float, float]:
    """Naive: the median measured (TPOT, J per output token) of the other models on the same GPU
    (all of them where none ran on it)."""
    same = _same_gpu(train, m)
    return (float(np.median([x.tpot_s for x in same])), float(np.median([x.joules_per_output_token for x in same])))


def scaled_baseline(train: Sequence[Measurement], m: Measurement) -> tuple[float, float]:
    """Naive, per parameter: the other models' median J per output token per parameter on the same
    GPU, × N; and their median TPOT per parameter per device, × N ÷ devices."""
    same = _same_gpu(train, m)
    tpot = float(np.median([x.tpot_s * x.tp / x.params for x in same])) * m.params / m.tp
    joules = float(np.median([x.joules_per_output_token / x.params for x in same])) * m.params
    return tpot, joules


def leave_one_model_out(ms: Sequence[Measurement], prefill_steps_apart: bool) -> list[Held]:
    """Each model's configurations predicted by a fit of the other models' (and the baselines)."""
    _check(ms)
    models = sorted({m.model for m in ms})
    if len(models) < MIN_MODELS:
        raise InputError(f"leave-one-model-out needs at least {MIN_MODELS} models, got {len(models)}")
    held: dict[int, Held] = {}
    for name in models:
        train = [m for m in ms if m.model != name]
        fit = _blank(prefill_steps_apart, **fit_params(train, prefill_steps_apart))
        for i, m in enumerate(ms):
            if m.model != name:
                continue
            s = predict(m, fit)
            prev = previous_model(params=m.params, device=m.device, batch=m.batch, tp=m.tp,
                                  utilization=m.previous_utilization, power_w=m.previous_power_w)
            held[i] = Held(m, s.user_tpot_s, s.joules_per_output_token, prev, *flat_baseline(train, m),
                           *scaled_baseline(train, m))
    return [held[i] for i in range(len(ms))]


def _halves(held: Sequence[Held], level: float) -> tuple[float, float]:
    """The interval's half-widths in log (TPOT, J per output token) from out-of-sample residuals,
    each model's configurations weighted as one (grouped conformal)."""
    groups = [h.m.model for h in held]
    return (pooled_cdf_quantile([abs(h.tpot_log_error) for h in held], groups, level),
            pooled_cdf_quantile([abs(h.energy_log_error) for h in held], groups, level))


def fit(ms: Sequence[Measurement], level: float = LEVEL, *, prefill_steps_apart: bool) -> ServingFit:
    """The fitted numbers on every measurement, and the interval from their leave-one-model-out
    residuals (grouped conformal), in the engine's form (``fit_params``)."""
    params = fit_params(ms, prefill_steps_apart)
    held = leave_one_model_out(ms, prefill_steps_apart)
    q_t, q_e = _halves(held, level)
    return ServingFit(**params, tpot_log_half_width=q_t, energy_log_half_width=q_e, level=level, n_configs=len(ms),
                      n_models=len({m.model for m in ms}), prefill_steps_apart=prefill_steps_apart)


@dataclass(frozen=True)
class Metrics:
    n: int
    median_factor: float
    geometric_mean_ratio: float     # predicted ÷ measured
    share_within: dict              # band → share
    interval_coverage: float | None = None              # share of configurations inside
    interval_mean_width_factor: float | None = None
    interval_coverage_by_model: float | None = None     # each model's share inside, averaged over models

    def to_dict(self) -> dict:
        return {"n": self.n, "median_factor": self.median_factor, "geometric_mean_ratio": self.geometric_mean_ratio,
                **{f"share_within_{b:g}x": s for b, s in self.share_within.items()},
                "interval_coverage": self.interval_coverage,
                "interval_mean_width_factor": self.interval_mean_width_factor,
                "interval_coverage_by_model": self.interval_coverage_by_model}


def metrics(log_errors, halves=None, models=None) -> Metrics:
    e = np.asarray(log_errors, dtype=float)
    f = np.exp(np.abs(e))
    cov = width = by_model = None
    if halves is not None:
        h = np.asarray(halves, dtype=float)
        inside = np.abs(e) <= h
        cov = float(np.mean(inside))
        width = float(np.exp(np.mean(2 * h)))
        if models is not None:
            names = np.asarray(models)
            by_model = float(np.mean([np.mean(inside[names == n]) for n in sorted(set(models))]))
    return Metrics(len(e), float(np.median(f)), float(np.exp(np.mean(e))), {b: float(np.mean(f <= b)) for b in FACTOR_BANDS},
                   cov, width, by_model)


@dataclass(frozen=True)
class ServingCV:
    held: tuple[Held, ...]
    level: float
    tpot: Metrics
    energy: Metrics
    previous_tpot: Metrics
    previous_energy: Metrics
    flat_tpot: Metrics
    flat_energy: Metrics
    scaled_tpot: Metrics
    scaled_energy: Metrics


def nested_halves(ms: Sequence[Measurement], level: float,
                  prefill_steps_apart: bool) -> dict[str, tuple[float, float]]:
    """Each model's interval half-widths (TPOT, J per output token) from the other models'
    out-of-sample residuals, each of those predicted by a fit made without it and without the held-out
    model: the held-out model shapes neither its prediction nor its interval (review: the residuals
    had come from fits that included it)."""
    return {name: _halves(leave_one_model_out([m for m in ms if m.model != name], prefill_steps_apart), level)
            for name in sorted({m.model for m in ms})}


def by_architecture_and_engine(ms: Sequence[Measurement]) -> list[Measurement]:
    """The measurements with each model's label replaced by its shape and leaderboard (engine):
    models of one shape measured on one setup (vicuna-7B, LLaMA-7B and Llama-2-7b-chat, all 32 ×
    4096 on FastChat at batch 1) then form one group, held out together (review: counted as three
    models they vouch for each other, and with five models a fold's 80% quantile ignores one
    model's errors). What `validate --inference` reports beside the by-model figures."""
    return [replace(m, model=f"{m.leaderboard}: {m.arch.layers} × {m.arch.d_model}, {m.arch.heads}/{m.arch.kv_heads} "
                             "heads") for m in ms]


def cross_validate(ms: Sequence[Measurement], level: float = LEVEL, *, prefill_steps_apart: bool) -> ServingCV:
    """Leave-one-model-out: median factors of TPOT and J per output token beside the previous
    model and two naive baselines (flat per GPU; per parameter per GPU), and the measured coverage of the stated interval (each
    model's interval from the other models' out-of-sample residuals, nested: ``nested_halves``)."""
    held = leave_one_model_out(ms, prefill_steps_apart)
    halves = nested_halves(ms, level, prefill_steps_apart)
    out = [replace(h, tpot_half=halves[h.m.model][0], energy_half=halves[h.m.model][1]) for h in held]
    log = math.log
    models = [h.m.model for h in out]
    return ServingCV(
        tuple(out), level,
        metrics([h.tpot_log_error for h in out], [h.tpot_half for h in out], models),
        metrics([h.energy_log_error for h in out], [h.energy_half for h in out], models),
        metrics([log(h.previous.tpot_s / h.m.tpot_s) for h in out]),
        metrics([log(h.previous.joules_per_output_token / h.m.joules_per_output_token) for h in out]),
        metrics([log(h.flat_tpot_s / h.m.tpot_s) for h in out]),
        metrics([log(h.flat_joules_per_output_token / h.m.joules_per_output_token) for h in out]),
        metrics([log(h.scaled_tpot_s / h.m.tpot_s) for h in out]),
        metrics([log(h.scaled_joules_per_output_token / h.m.joules_per_output_token) for h in out]))
