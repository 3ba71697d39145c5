"""The Estimate page's sweep charts: time, cost and CO₂e as the model grows on the same hardware, each
a log–log chart with its uncertainty band and the scenario as a point. The numbers come from the
service (``estimator.services.training.size_sweep``); the charts are drawn from cached specs
(``charts.render_templated``).
"""

from __future__ import annotations

import functools

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.ui.axis_labels import human_labels
from app_pages.ui.charts import FIT_WIDTH, LOG, decades, log_axis, render_templated
from estimator.services.training.size_sweep import SCALING_QUANTITIES, SWEEP_PARAMS_RANGE


def scaling_chart(df: pd.DataFrame, quantity: str = SCALING_QUANTITIES[0]) -> alt.LayerChart:
    """One of ``SCALING_QUANTITIES`` against the model size, log–log, with its uncertainty band;
    the chosen scenario is the red point. One chart per quantity, as wide as its column (a facet of
    three 260-pixel panels was 968 px: past the page beside the sidebar at 1280 px and on a phone)."""
    base = alt.Chart().encode(x=alt.X("params:Q", scale=LOG, title="Parameters N", axis=log_axis(
        decades(*SWEEP_PARAMS_RANGE), labelExpr=human_labels(), grid=False)))
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
        render_templated(_SCALING_BUILDERS[q], df[df["quantity"] == q].reset_index(drop=True), col, grows=True)
