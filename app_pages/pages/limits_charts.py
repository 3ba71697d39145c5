"""The Limits of scale page's charts: the compute-optimal loss, the diminishing-returns multiplier and the
trends, each built from ``estimator.laws`` (the page, ``app_pages/pages/limits.py``, lays them out; the lecture
draws the multiplier too)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from app_pages.ui import charts, palette
from estimator.core.base import bounds as B
from estimator.core.base.number_text import gfmt
from estimator.laws import diminishing as dm
from estimator.laws import scaling, trends

# ----------------------------------------------------------------------------- scaling laws


# The loss chart's FLOPs, 1e18 to 1e28 (a small experiment to well past today's largest runs).
LOSS_GRID_FLOPS = np.logspace(18, 28, 81)


def loss_gap() -> float:
    """The largest difference between the two splits' predicted losses over the chart's FLOPs."""
    a, b = (np.asarray(scaling.loss_curve(LOSS_GRID_FLOPS, m)) for m in scaling.METHODS)
    return float(np.max(np.abs(a - b)))


def loss_grid(flops: float) -> np.ndarray:
    """The chart's FLOPs: ``LOSS_GRID_FLOPS``, reaching a decade past a scenario outside it, so that
    the curve runs through the scenario's point (a budget of 0.001 kWh buys 3e14 FLOPs)."""
    # within the law's own FLOPs (a decade past 1e12 or 1e35 was refused by the law and crashed the page)
    lo = max(min(LOSS_GRID_FLOPS[0], flops / 10), B.SCALING_FLOPS.low)
    hi = min(max(LOSS_GRID_FLOPS[-1], flops * 10), B.SCALING_FLOPS.high)
    if (lo, hi) == (LOSS_GRID_FLOPS[0], LOSS_GRID_FLOPS[-1]):
        return LOSS_GRID_FLOPS
    return np.clip(np.logspace(np.log10(lo), np.log10(hi), len(LOSS_GRID_FLOPS)), lo, hi)  # 10**log10(x) may pass x


# The loss axis's labels each centred on its tick, every other one dropped until the rest stand apart as a log axis's
# (``charts.log_axis``). Streamlit's theme flushes an axis's end labels inside it (``labelFlush``) and holds labels
# only 2 px apart: in lecture mode the ends stood 3 px from their neighbours ("1.6" on "1.8", "3.6" on "3.4" at 1280
# and on a phone), and at 1920 the "1.6", pushed up off its gridline, sat 6 px over the x axis's "10¹⁸" in the corner
# (browser check 2026-11-27).
LOSS_AXIS = alt.Axis(labelFlush=False, labelOverlap="parity", labelSeparation=charts.LOG_LABEL_SEPARATION_PX)


def _corner_label_left(first_tick: float) -> dict:
    """A labelAlign for an x axis whose first label stands at the plot's corner: that one starts at its tick, right of the
    y axis's lowest label (centred on the tick, as the log axis's others, it ran under that label), the others centred.
    On a phone that label's half-width more drops every other decade label again (10¹⁸, 10²², 10²⁶ on a 390-pixel
    screen, six before): the parity of ``charts.log_axis`` keeps them ``LOG_LABEL_SEPARATION_PX`` apart."""
    return {"condition": {"test": f"datum.value <= {first_tick!r}", "value": "left"}, "value": "center"}


def loss_chart(method: str, flops: float, loss_opt: float) -> alt.LayerChart:
    """Predicted loss of the compute-optimal model vs training FLOPs, both methods, log x."""
    grid = loss_grid(flops)
    df = pd.concat([pd.DataFrame({"flops": grid, "loss": scaling.loss_curve(grid, m), "method": m})
                    for m in scaling.METHODS])
    # the two curves lie within a few thousandths of each other (``loss_gap``): the first is drawn wide
    # and pale, the second thin and dashed on top, so both show (one plain line hid the other)
    methods = list(scaling.METHODS)
    both = alt.Chart(df).mark_line().encode(
        x=charts.log_encoding(alt.X, "flops:Q", grid, "Training FLOPs (log)", labelExpr=charts.pow10_labels(),
                              labelAlign=_corner_label_left(charts.log_ticks(grid.min(), grid.max())[0])),
        y=alt.Y("loss:Q", scale=alt.Scale(zero=False), title="Predicted loss (Chinchilla fit)", axis=LOSS_AXIS),
        color=alt.Color("method:N", title="Split", scale=alt.Scale(domain=methods, range=list(charts.CATEGORY_COLOURS[:2]))),
        strokeWidth=alt.StrokeWidth("method:N", title="Split", scale=alt.Scale(domain=methods, range=[6, 2])),
        strokeDash=alt.StrokeDash("method:N", title="Split", scale=alt.Scale(domain=methods, range=[[1, 0], [6, 3]])),
        opacity=alt.Opacity("method:N", title="Split", scale=alt.Scale(domain=methods, range=[0.5, 1.0])),
        tooltip=["method", alt.Tooltip("flops:Q", format=".3~e"), alt.Tooltip("loss:Q", format=".4f")])
    lines = alt.layer(*(both.transform_filter(alt.datum.method == m) for m in methods))  # drawn in this order
    point = alt.Chart(pd.DataFrame({"flops": [flops], "loss": [loss_opt], "method": [method]})).mark_point(
        size=120, filled=True, color="black").encode(x="flops:Q", y="loss:Q", tooltip=["method", "flops", "loss"])
    return alt.layer(lines, point)


# ----------------------------------------------------------------------------- diminishing returns


def _digits_apart(a: float, b: float) -> int:
    """The fewest significant digits, at least 3, that print ``a`` and ``b`` differently."""
    return next(d for d in range(3, 18) if f"{a:.{d}g}" != f"{b:.{d}g}")


def k_series(k: float, current: float = dm.CLAIM_CURRENT_ERROR_PCT) -> list[tuple[str, float]]:
    """(legend label, k) for each curve: the chosen k and the 10⁵× claim's (``dm.DEFAULT_EXPONENT``).
    One curve when they are the same k; else labels with enough digits to tell them apart. From another current error
    than the claim's the claim's curve is its k only, and says so (lecturer review 2026-11-29: from 20% the curve named
    "10⁵× claim" read 2 × 10⁸ at 5%)."""
    claim = dm.DEFAULT_EXPONENT
    whose = (f"{dm.CLAIM_MULTIPLIER_TEXT} claim" if current == dm.CLAIM_CURRENT_ERROR_PCT else
             f"the {dm.CLAIM_MULTIPLIER_TEXT} claim's k, from {gfmt(current)}%")
    if k == claim:
        return [(f"k = {gfmt(claim)} ({whose})", claim)]
    d = _digits_apart(k, claim)
    return [(f"k = {k:.{d}g} (chosen)", k), (f"k = {claim:.{d}g} ({whose})", claim)]


def multiplier_chart(current: float, k: float, target: float) -> alt.LayerChart:
    """Compute multiplier vs target error (%), log y, for the chosen k and the claim's (``k_series``)."""
    series = k_series(k, current)
    frames = []
    for label, kk in series:
        targets, ms = dm.multiplier_curve(current, kk)
        frames.append(pd.DataFrame({"target": targets, "multiplier": ms, "k": label}))
    df = pd.concat(frames)
    df = df[np.isfinite(df["multiplier"]) & (df["multiplier"] < 1e300)]
    labels = [label for label, _ in series]
    lines = alt.Chart(df).mark_line().encode(
        # whole percents (browser review 2026-11-27: a 1920-pixel slide ticked 2%, 2.8%, 3.6%…, the 5% target unlabelled)
        x=alt.X("target:Q", title="Target error", axis=alt.Axis(labelExpr=charts.human_labels(suffix="%", linear=True),
                                                               tickMinStep=1)),
        y=charts.log_encoding(alt.Y, "multiplier:Q", df["multiplier"], "Compute multiplier (log)",
                              labelExpr=charts.pow10_labels()),
        color=alt.Color("k:N", sort=labels, scale=palette.category_scale(labels), legend=charts.series_legend(labels)),
        strokeDash=alt.StrokeDash("k:N", sort=labels, scale=alt.Scale(domain=labels, range=list(palette.DASHES)),
                                  legend=charts.series_legend(labels)),  # the same legend: one, both cues (a11y)
        tooltip=["k", alt.Tooltip("target:Q", format=".3g", title="target error (%)"),
                 alt.Tooltip("multiplier:Q", format=".3~e")])
    m = float(dm.compute_multiplier(current, target, k))
    if not np.isfinite(m):
        return alt.layer(lines)
    point = alt.Chart(pd.DataFrame({"target": [target], "multiplier": [m]})).mark_point(
        size=120, filled=True, color="black").encode(x="target:Q", y="multiplier:Q")
    return alt.layer(lines, point)


# ----------------------------------------------------------------------------- trends


def cost_chart(table: trends.TrendTable) -> alt.LayerChart:
    df = pd.DataFrame(table.rows())
    # the band: the doubling time's interval where its source states one (trends.doubling_interval), else none
    banded = table.workload_cost_low_usd is not None
    low, high = ("workload_cost_low_usd", "workload_cost_high_usd") if banded else ("workload_cost_usd",) * 2
    costs = df[[low, high, "workload_cost_with_algorithms_usd"]].to_numpy()
    y = charts.log_encoding(alt.Y, f"{low}:Q", costs, "Cost of the fixed workload (USD, log)",
                            labelExpr=charts.human_labels("$"))  # decades: "1,000" and "2,000" crowded
    band = alt.Chart(df).mark_area(opacity=0.25 if banded else 0.0).encode(
        x=alt.X("year:Q", axis=alt.Axis(format="d"), title="Year"), y=y, y2=f"{high}:Q")
    long = df.melt(id_vars="year", value_vars=["workload_cost_usd", "workload_cost_with_algorithms_usd"],
                   var_name="series", value_name="usd")
    names = {"workload_cost_usd": "hardware price-performance only",
             "workload_cost_with_algorithms_usd": "+ algorithmic efficiency"}
    long["series"] = long["series"].map(names)
    # the series legend, its labels wrapped: on a phone at lecture size the 31-character label ran past the chart's
    # edge, "hardware price-performanc" (browser check 2026-11-27)
    lines = alt.Chart(long).mark_line(point=True).encode(
        x="year:Q", y=alt.Y("usd:Q", scale=y["scale"]),
        color=alt.Color("series:N", scale=palette.cost_colours(*names.values()),
                        legend=charts.series_legend(names.values())),
        tooltip=["year", "series", alt.Tooltip("usd:Q", format="$,.3~s")])
    return alt.layer(band, lines)


def growth_chart(table: trends.TrendTable) -> alt.Chart:
    df = pd.DataFrame(table.rows())
    names = {"training_compute_growth": trends.TRAINING_COMPUTE_LABEL,
             "peak_flops_growth": trends.PEAK_FLOPS_LABEL,
             "dram_bandwidth_growth": trends.DRAM_BANDWIDTH_LABEL,
             "interconnect_growth": trends.INTERCONNECT_LABEL}
    long = df.melt(id_vars="year", value_vars=list(names), var_name="series", value_name="growth")
    long["series"] = long["series"].map(names)
    return alt.Chart(long).mark_line().encode(
        x=alt.X("year:Q", axis=alt.Axis(format="d"), title="Year"),
        y=charts.log_encoding(alt.Y, "growth:Q", long["growth"], f"Growth since {long['year'].min():d} (×, log)",
                              labelExpr=charts.pow10_labels()),
        color=alt.Color("series:N", scale=palette.trend_colours(names.values()),
                        legend=charts.series_legend(names.values())),
        strokeDash=alt.StrokeDash("series:N", scale=palette.trend_dashes(names.values()),
                                  legend=charts.series_legend(names.values())),  # the same legend: one, both cues
        tooltip=["year", "series", alt.Tooltip("growth:Q", format=".3~e")])
