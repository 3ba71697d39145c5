"""The model-size sweep shared by the app's Estimate page: time, cost and CO₂e as the model grows on
the same hardware, devices and prices, each size estimated by the core (``estimate``), the scenario
itself as one more row. Rows as a long table; the charts are the app's (``app_pages/pages/estimate_sweep.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from estimator.core.base import bounds as B
from estimator.core.base.errors import EstimatorError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import KG_PER_T, S_PER_DAY
from estimator.core.training.estimate import estimate
from estimator.core.workload.flops import FLOPS_PER_PARAM_TOKEN_TRAIN, FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE
from estimator.laws.scaling import CHINCHILLA_TOKENS_PER_PARAM  # D ≈ 20·N for a scenario that gives FLOPs only

# The sizes drawn: this many decades either side of the scenario (a design choice), within the parameter
# counts an estimate takes (browser audit: a fixed 1e5–1e14 drew a 1-parameter scenario's point far from a
# curve that ran backwards from 1e5 down to 100).
SWEEP_DECADES = 2.0
SWEEP_PARAMS_RANGE = (B.PARAMS.low, B.PARAMS.high)
SWEEP_POINTS = 41  # ten a decade, both ends included

# The sweep's quantities, in the order drawn: (name, estimate field, scale to the unit in the name)
SWEEP_QUANTITIES = (("Training time (days)", "wall_clock_s", 1 / S_PER_DAY), ("Cost (USD)", "cost_usd", 1.0),
                    ("CO₂e (t)", "co2e_kg", 1 / KG_PER_T))
SCALING_QUANTITIES = tuple(q for q, _, _ in SWEEP_QUANTITIES)


@dataclass(frozen=True)
class Sweep:
    """The sweep's long table (columns params, quantity, kind "sweep" or "scenario", value, low, high), the
    scenario's (equivalent) parameter count, why sizes were left out (the estimator's message for each size
    it refused), and, for a known run, the utilisation its own time implies, at which the curve is timed
    (None: the scenario's own utilisation applies)."""

    df: pd.DataFrame
    n: float
    skipped: tuple[str, ...] = ()
    run_utilization: float | None = None

    @property
    def empty(self) -> bool:
        return not (self.df["kind"] == "sweep").any()


def model_size_sweep(result, n_points: int = SWEEP_POINTS) -> Sweep | None:
    """Time, cost and CO₂e as the model grows (same hardware, devices and prices), with the
    low–high band over two decades of model size around the scenario; tokens = the scenario's D/N (or 20·N).
    None when the scenario has no FLOPs (a known run's time only). The curve passes through the
    scenario: with full recomputation each size is recomputed too (8·N·D executed, timed as the
    scenario is), and a known run's sizes are timed at the utilisation its own time implies."""
    s, est = result.scenario, result.estimate
    if est.flops is None:
        return None
    per_token = FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE if s.recompute else FLOPS_PER_PARAM_TOKEN_TRAIN
    known_n = s.params or (result.preset.model_params if result.preset and s.flops and "flops" not in result.changed
                           else None)
    if s.params and s.tokens:
        ratio = s.tokens / s.params
    elif known_n:  # a FLOPs-only preset with a known model size (GPT-3: 175B, not √(C/120))
        ratio = est.flops / (per_token * known_n * known_n)
    else:
        ratio = CHINCHILLA_TOKENS_PER_PARAM
    n_scenario = known_n or float(np.sqrt(est.flops / (per_token * ratio)))
    # a known run's time gives its own utilisation (FLOPs executed ÷ peak): the sizes are timed at it
    timed = s.hours is not None or s.device_hours is not None
    run_u = est.achieved_flops_per_s / result.profile.peak(est.precision) if timed else None
    # a mixture of experts keeps its share of active parameters at every size (its FLOPs count the active ones)
    active_share = s.active_params / s.params if s.active_params and s.params else 1.0
    base = replace(s, hours=None, device_hours=None, flops_source=None, active_params=None,
                   **({"utilization": run_u} if timed else {}))
    span = 10.0 ** SWEEP_DECADES
    lo, hi = max(SWEEP_PARAMS_RANGE[0], n_scenario / span), min(SWEEP_PARAMS_RANGE[1], n_scenario * span)
    sizes = np.logspace(np.log10(lo), np.log10(hi), n_points)
    rows, skipped = [], []
    for n in sizes:
        # with recomputation the core needs N and D (8·N·D executed, timed from 6·N·D by a fitted utilisation)
        point = (replace(base, flops=None, params=float(n), tokens=float(n * ratio),
                         active_params=float(n * active_share) if active_share < 1 else None) if s.recompute else
                 replace(base, flops=float(per_token * active_share * n * n * ratio), params=None, tokens=None))
        try:
            e = estimate(point, result.profile)
        except EstimatorError as exc:  # a size the estimator refuses: left out, and said on the page
            skipped.append(f"N = {gfmt(n, 3)}: {exc}")
            continue
        rows += _rows(n, e, "sweep")
    rows += _rows(n_scenario, est, "scenario")
    return Sweep(pd.DataFrame(rows), n_scenario, tuple(skipped), run_u)


def _rows(n, e, kind):
    out = []
    for quantity, key, scale in SWEEP_QUANTITIES:
        value = getattr(e, key)
        if value is None:
            continue
        low, high = e.range[key]
        out.append({"params": n, "quantity": quantity, "kind": kind, "value": value * scale,
                    "low": (low if low is not None else value) * scale,
                    "high": (high if high is not None else value) * scale})
    return out
