"""The Estimate page's sweep: time, cost and CO₂e as the model grows on the same hardware, each a
log–log chart with its uncertainty band and the scenario as a point. The numbers come from the
core's ``estimate``; the charts are drawn from cached specs (``charts.render_templated``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from estimator.core.errors import EstimatorError
from estimator.core.estimate import estimate
from estimator.core.units import KG_PER_T, S_PER_DAY
from estimator.core.workload import FLOPS_PER_PARAM_TOKEN_TRAIN, FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE
from estimator.laws.scaling import CHINCHILLA_TOKENS_PER_PARAM  # D ≈ 20·N for a scenario that gives FLOPs only

from .axis_labels import human_labels
from .charts import FIT_WIDTH, LOG, decades, log_axis, render_templated


@dataclass(frozen=True)
class Sweep:
    """The sweep's long table, the scenario's (equivalent) parameter count, why sizes were left out
    (the estimator's message for each size it refused), and, for a known run, the utilisation its
    own time implies, at which the curve is timed (None: the scenario's own utilisation applies)."""

    df: pd.DataFrame
    n: float
    skipped: tuple[str, ...] = ()
    run_utilization: float | None = None

    @property
    def empty(self) -> bool:
        return not (self.df["kind"] == "sweep").any()


def model_size_sweep(result, n_points: int = 41) -> Sweep | None:
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
    base = replace(s, hours=None, device_hours=None, flops_source=None, **({"utilization": run_u} if timed else {}))
    # two decades either side of the scenario (within 1e5 … 1e14 parameters)
    lo, hi = max(1e5, n_scenario / 1e2), min(1e14, n_scenario * 1e2)
    sizes = np.logspace(np.log10(lo), np.log10(hi), n_points)
    rows, skipped = [], []
    for n in sizes:
        # with recomputation the core needs N and D (8·N·D executed, timed from 6·N·D by a fitted utilisation)
        point = (replace(base, flops=None, params=float(n), tokens=float(n * ratio)) if s.recompute else
                 replace(base, flops=float(per_token * n * n * ratio), params=None, tokens=None))
        try:
            e = estimate(point, result.profile)
        except EstimatorError as exc:  # a size the estimator refuses: left out, and said on the page
            skipped.append(f"N = {n:.3g}: {exc}")
            continue
        rows += _rows(n, e, "sweep")
    rows += _rows(n_scenario, est, "scenario")
    return Sweep(pd.DataFrame(rows), n_scenario, tuple(skipped), run_u)


# The sweep's quantities, in the order drawn: (name, estimate field, scale to the unit in the name)
SWEEP_QUANTITIES = (("Training time (days)", "wall_clock_s", 1 / S_PER_DAY), ("Cost (USD)", "cost_usd", 1.0),
                    ("CO₂e (t)", "co2e_kg", 1 / KG_PER_T))
SCALING_QUANTITIES = tuple(q for q, _, _ in SWEEP_QUANTITIES)


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


# Parameter counts as people say them: 1M, 1B, 1T.
PARAMS_LABEL = ("datum.value >= 1e12 ? format(datum.value / 1e12, '~g') + 'T' : datum.value >= 1e9 ? "
                "format(datum.value / 1e9, '~g') + 'B' : format(datum.value / 1e6, '~g') + 'M'")


SCALING_COLUMNS = ("params", "quantity", "kind", "value", "low", "high")


def scaling_chart(df: pd.DataFrame, quantity: str = SCALING_QUANTITIES[0]) -> alt.LayerChart:
    """One of ``SCALING_QUANTITIES`` against the model size, log–log, with its uncertainty band;
    the chosen scenario is the red point. One chart per quantity, as wide as its column (a facet of
    three 260-pixel panels was 968 px: past the page beside the sidebar at 1280 px and on a phone)."""
    base = alt.Chart().encode(x=alt.X("params:Q", scale=LOG, title="Parameters N", axis=log_axis(
        decades(1e5, 1e14), labelExpr=PARAMS_LABEL, grid=False)))
    y_axis = alt.Axis(labelExpr=human_labels(), tickCount=6)
    band = base.transform_filter("datum.kind == 'sweep'").mark_area(opacity=0.3).encode(
        y=alt.Y("low:Q", scale=LOG, title=None, axis=y_axis), y2="high:Q")
    line = base.transform_filter("datum.kind == 'sweep'").mark_line().encode(
        y=alt.Y("value:Q", scale=LOG, title=None, axis=y_axis),
        tooltip=[alt.Tooltip("params:Q", format=".3~s"), alt.Tooltip("value:Q", format=".3~s")])
    point = base.transform_filter("datum.kind == 'scenario'").mark_point(
        filled=True, size=120, color="#d62728").encode(
        y=alt.Y("value:Q", scale=LOG),
        tooltip=[alt.Tooltip("params:Q", format=".3~s", title="parameters"),
                 alt.Tooltip("value:Q", format=".3~s", title="this scenario")])
    return alt.layer(band, line, point, data=df).transform_filter(alt.datum.quantity == quantity).properties(
        height=240, title=alt.TitleParams(quantity, limit=0), autosize=FIT_WIDTH)


# One builder per quantity, made once: ``_template`` caches a spec per builder.
_SCALING_BUILDERS = {q: functools.partial(scaling_chart, quantity=q) for q in SCALING_QUANTITIES}


def render_scaling_chart(df: pd.DataFrame, where=st) -> None:
    """Draw ``scaling_chart(df, quantity)`` for each quantity the sweep has (no price: no cost), each
    from its cached spec, in columns: side by side on a wide screen, stacked on a phone."""
    drawn = [q for q in SCALING_QUANTITIES if (df["quantity"] == q).any()]
    for col, q in zip(where.columns(len(drawn)), drawn):
        render_templated(_SCALING_BUILDERS[q], df[df["quantity"] == q].reset_index(drop=True), col)
