"""Altair charts for the pages. Data in, ``alt.Chart`` out; the numbers come from the core.

Specs are built without schema validation at render time (``render_chart``) so that a
rerun stays fast; tests build them with validation on.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import textwrap
from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

# Axis labels (Vega labelExpr): app_pages/ui/axis_labels.py; re-exported for the pages that use them here.
from app_pages.ui import chart_text, palette, style
from app_pages.ui.axis_labels import (  # noqa: F401 (re-exported)
    FLOPS_PER_S_LABELS,
    POW10,
    POWER_LABELS,
    human_labels,
    pow10_labels,  # noqa: F401
)
from estimator.core.base.interval import LEVEL
from estimator.core.base.number_text import gfmt
from estimator.core.hardware.utilization_model import RULE_UTILIZATION
from estimator.core.training.memory import capacity_gb_text

LOG = alt.Scale(type="log")

# A legend label longer than this many characters is drawn on several lines, so that a legend
# below the plot fits a phone (390 px) even at lecture size (18 px, ≈8 px a character), where the
# legend starts under the plot, right of the y axis (measured: 30 characters ran past the edge).
LEGEND_LINE_CHARS = 24
# On a chart at least this wide (a projector, a desktop) the legend takes two columns of lines up to
# ``LEGEND_WIDE_LINE_CHARS`` long: one column of 24-character lines made a 4-series legend ~330 px
# tall at lecture size and pushed a slide's chart past 720 px. Two 44-character columns at 18 px
# (≈8 px a character, plus the symbol) take ~800 px from the plot's left edge, right of a y axis of
# up to ~120 px at lecture size (its tick labels and title).
LEGEND_WIDE_MIN_CHART_PX = 940
LEGEND_WIDE_LINE_CHARS = 44
# Between the two, a chart at least this wide at lecture size (18 px) takes one column of the wide lines: a
# 44-character line (≈8 px a character) and its symbol (40 px) right of a lecture-size y axis (~120 px). The
# growth chart's legend, half of a 1280-pixel slide (552 px), took nine 24-character lines, wrapped mid-phrase
# (lecturer review 2026-11-27); it takes five. The width grows with the text where a chart's text grows with the
# window (``style.SLIDE_SCALE_EXPR``, at most 1.5×), and is held to that growth on every chart, so that it is never
# too narrow for the text drawn.
LEGEND_MEDIUM_MIN_CHART_PX = LEGEND_WIDE_LINE_CHARS * 8 + 40 + 120
# Width fits the container; the height grows with the legend and the axis titles instead of
# squeezing the plot (Streamlit's default, "fit", shrank it to ~150 px under a 4-entry legend).
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def _label_lines(label: str, chars: int = LEGEND_LINE_CHARS) -> list[str]:
    """``label`` on lines of at most ``chars`` characters, broken before a parenthesis where the phrase it opens
    fits a line of its own ("peak FLOP/s" / "(3× / 2 years)", not "peak FLOP/s (3× / 2" / "years)": lecturer
    review), else between words (never at a hyphen: "price-performance" whole)."""
    lines: list[str] = []
    for phrase in re.split(r" (?=\()", label):
        if lines and len(phrase) > chars:  # a phrase longer than a line flows on from the line before
            lines[-1:] = textwrap.wrap(f"{lines[-1]} {phrase}", chars, break_long_words=False, break_on_hyphens=False)
        elif lines and len(lines[-1]) + 1 + len(phrase) <= chars:
            lines[-1] += " " + phrase
        else:
            lines += textwrap.wrap(phrase, chars, break_long_words=False, break_on_hyphens=False) or [phrase]
    return lines or [label]


def wrapped_labels(labels, chars: int = LEGEND_LINE_CHARS) -> str:
    """A Vega labelExpr that draws each of ``labels`` on lines of at most ``chars`` characters (Vega
    draws an array of strings as lines); any other label as it is."""
    expr = "datum.label"
    for label in labels:
        lines = _label_lines(label, chars)
        if len(lines) > 1:
            expr = f"datum.label === {json.dumps(label)} ? {json.dumps(lines)} : ({expr})"
    return expr


# The chart is wide enough for the two-column legend: read from the chart's box (``containerSize()``), which a
# layout does not change, not from the plot's width (Vega's ``width`` signal), which the layout sets. From the
# plot's width the legend's columns changed after the layout that had placed it: a slide loaded at 1280×720
# and resized to 1024×768 (or drawn first in a wider box, as a loaded machine does) kept the height of a
# two-column legend under a one-column one, its last entries below the chart (the compute-growth and memory
# wall claims; the slide browser test failed under load). ``width >= 0``: the choice is made again whenever the
# view's size changes (a signal with no other signal in it is read once).
WIDE_PLOT = f"width >= 0 && containerSize()[0] >= {LEGEND_WIDE_MIN_CHART_PX}"
MEDIUM_PLOT = f"width >= 0 && containerSize()[0] >= {LEGEND_MEDIUM_MIN_CHART_PX} * {style.SLIDE_SCALE_EXPR}"


# The category palette (app_pages/ui/palette.py: legible on a projector and to colour-blind readers), for charts that
# fix a series' colour themselves (palette.category_scale sets it on a chart).
CATEGORY_COLOURS = palette.CATEGORY_COLOURS


def series_legend(labels, title: str | None = None) -> alt.Legend:
    """A legend below the plot, long labels wrapped: every series named in full on any screen (a
    legend on one row ran past the chart and dropped its last entries). On a narrow plot (a phone)
    one entry a row; on a wide one (``WIDE_PLOT``) two columns of longer lines, so that the legend
    takes half the height, and on one between (``MEDIUM_PLOT``, half a slide) one column of those longer lines
    (the choice is the browser's, from the plot's drawn width)."""
    labels = list(labels)
    # each entry a short stretch of its line, so the dash that tells the series apart without colour shows in the
    # legend too (a11y audit)
    long_lines = wrapped_labels(labels, LEGEND_WIDE_LINE_CHARS)
    return alt.Legend(title=title, orient="bottom", direction="vertical", labelLimit=0, **palette.STROKE_LEGEND,
                      columns=alt.ExprRef(f"{WIDE_PLOT} ? 2 : 1"),
                      # a wide chart is a medium one too (940 px ≥ 1.5 × 512)
                      labelExpr=f"{MEDIUM_PLOT} ? ({long_lines}) : ({wrapped_labels(labels)})")


def render_chart(chart: alt.TopLevelMixin, where=st, grows: bool = False) -> None:
    """Draw a chart at the container's width, legends below the plot and never cut; in lecture
    mode and in a frame with projector-size text. ``grows``: a chart without bars (whose rows' fixed steps hold
    only the lecture's set size), its text grown with the window past 1280 px as a claim's on a slide
    (``style.slide_font``)."""
    from app_pages.ui import common, style
    # the autosize (single and layered charts fit the container's width at a fixed plot height; facets and
    # concatenations cannot fit: draw their panels in ``st.columns`` instead), the description's text and
    # chart_fonts' config, in one copy of the chart (each had
    # copied it; a layered chart combines its layers' parameters on every copy); the text is read before the
    # autosize is set, which it does not read
    properties = {"autosize": FIT_WIDTH} if isinstance(chart, alt.Chart | alt.LayerChart) else {}
    words = chart_text.description_of(chart)
    if words is not None:
        properties["description"] = words
    chart = style.chart_fonts(chart, lecture=common.projector_charts(), properties=properties, grows=grows)
    where.altair_chart(chart, width="stretch")


def decades(lo: float, hi: float) -> list[float]:
    """Powers of ten covering [lo, hi]: the tick values of a log axis."""
    a, b = int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi)))
    return [10.0 ** k for k in range(a, b + 1)]


# a savings chart's energy axis (the compression slide's and the Inference page's): about six ticks, Vega-Lite picking
# round steps near it (lecturer review 2026-11-27: at every 50 kWh the last two ran together in an 800-px frame;
# 2026-11-29: the Inference page's, with no count, drew 36 on a slide)
SAVINGS_TICKS = 6
# A log axis ticks at most about this many powers of ten, every n-th one beyond (a multiplier curve at a
# small k spans hundreds of decades); the power bars' 14 (a brain's 20 W to 25 TW) each keep a tick.
LOG_AXIS_MAX_TICKS = 16
# Labels on a log axis are at least this far apart by Vega's measure, which takes a label as tall as its
# font; drawn, one is ≈1.26× that (a superscript included): at the lecture's 18 px, 12 px leaves ≥7 px
# (at 8, six decades stood 4 px apart on the memory wall's 140-pixel plot).
LOG_LABEL_SEPARATION_PX = 12
# Room beside a log axis's last label, centred on the plot's end (``labelFlush`` off): half of "100M" at the
# lecture's largest chart font (27 px: about 56 px wide), a design choice checked in a browser
END_LABEL_ROOM_PX = 28


def log_ticks(lo: float, hi: float) -> list[float]:
    """Powers of ten covering [lo, hi], every n-th one so that there are about ``LOG_AXIS_MAX_TICKS``
    at most: a log axis's tick values and, first and last, its domain."""
    a, b = int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi)))
    b = max(b, a + 1)  # one value that is a power of ten still gets a decade to sit in
    step = max(1, int(np.ceil((b - a) / (LOG_AXIS_MAX_TICKS - 1))))
    a = a // step * step  # on a multiple of the step, so that 10⁰ is a tick whenever the range spans it
    return [10.0 ** k for k in range(a, b + step, step)]  # the last one ≥ hi


def log_axis(ticks, **kwargs) -> alt.Axis:
    """A log axis with a tick at each of ``ticks`` whose labels never touch (browser check: Streamlit's
    theme pushes an axis's end labels inside the plot, ``labelFlush``, and at lecture size drew 10¹¹ on
    10¹⁰ and 10⁰ on 10¹ on the Trends tab's growth chart, and the multiplier chart's eleven decades 3 px
    apart): each label centred on its tick, and every other one dropped until the rest are
    ``LOG_LABEL_SEPARATION_PX`` apart (Vega's ``parity``). ``kwargs``: the axis's other properties."""
    return alt.Axis(values=list(ticks), labelFlush=False, labelOverlap="parity",
                    labelSeparation=LOG_LABEL_SEPARATION_PX, **kwargs)


def log_scale(ticks) -> alt.Scale:
    """A log scale from the first of ``ticks`` to the last (``log_ticks``): every tick on the plot."""
    return alt.Scale(type="log", domain=[ticks[0], ticks[-1]])


def log_encoding(channel, field: str, values, title: str | None, **axis):
    """``channel`` (``alt.X`` or ``alt.Y``) for ``field`` on a log scale over ``values`` (what it must
    show), ticked at powers of ten (``log_ticks``), labels apart (``log_axis``; ``axis``: its other properties)."""
    ticks = log_ticks(float(np.min(values)), float(np.max(values)))
    return channel(field, scale=log_scale(ticks), title=title, axis=log_axis(ticks, **axis))


# A dot large enough to read from the back of a lecture hall (Vega-Lite's point size is its area in px²)
LOG_DOT_AREA_PX2 = 400


# A dot's value written on its row, right of it: clear of the dot (its radius, √400 ÷ 2 = 10 px) by a few pixels, at
# the lecture's chart font (a design choice checked in a browser: above the dot, on a slide's 24-px rows, each value
# stood level with the row above)
VALUE_TEXT_DX_PX = round(LOG_DOT_AREA_PX2 ** 0.5 / 2) + 6


def log_bar_chart(df: pd.DataFrame, value: str, label: str, title: str, *, prefix: str = "", suffix: str = "",
                  labels: str | None = None, sort=None, step: int = 48,
                  text: str | None = None) -> alt.Chart | alt.LayerChart:
    """One value per row on a log scale, a large dot each, with a tick at each decade, labelled by ``labels`` (a
    labelExpr, e.g. ``POWER_LABELS``) or else ``human_labels(prefix, suffix)``. Dots, not bars: a bar on a log scale
    starts at an arbitrary decade, and its length misstates the ratio (lecturer review 2026-11-26: AlphaGo's 50,000×
    the brain read as 17× in bar length), as the comparison chart's audit found. ``text``: a column of each dot's value
    in words, written beside it (lecturer review 2026-11-29: with ticks at decades only, the A100's 81.8 years and the
    H100's 46.6 could only be guessed from the back of the room)."""
    data = df[df[value] > 0]
    ticks = log_ticks(float(data[value].min()), float(data[value].max()))
    x = alt.X(f"{value}:Q", scale=log_scale(ticks), title=title,
              axis=log_axis(ticks, labelExpr=labels or human_labels(prefix, suffix)))
    y = alt.Y(f"{label}:N", sort=sort, title=None)  # labels cut as style.chart_fonts says, whole in the tooltip
    dots = alt.Chart(data).mark_point(filled=True, size=LOG_DOT_AREA_PX2, opacity=1).encode(
        x=x, y=y, tooltip=[label, alt.Tooltip(f"{value}:Q", format=",.3~r")])
    if text is None:
        return dots.properties(height=alt.Step(step))
    # the values grow with the screen as the axes' text does (lecturer review 2026-11-29: at 1920 px "355 years" stayed
    # 18 px beside 27-px axis labels, the chart's key numbers its smallest text)
    # a value in the axis's upper half written left of its dot, the others right of theirs: on a phone the plot is
    # ~180 px, and "355 years" right of a dot 3/4 along ended 17 px from the chart's edge, cut where the page's font
    # came late (lecturer review 2026-12-03)
    middle = float(np.sqrt(ticks[0] * ticks[-1]))
    layers = [dots]
    for side, align, dx in ((data[data[value] <= middle], "left", VALUE_TEXT_DX_PX),
                            (data[data[value] > middle], "right", -VALUE_TEXT_DX_PX)):
        if len(side):
            layers.append(alt.Chart(side).mark_text(align=align, dx=dx, fontWeight="bold",
                                                    fontSize=style.slide_font(style.LECTURE_CHART_FONT_PX),
                                                    color=palette.CHART_TEXT).encode(x=x, y=y, text=f"{text}:N"))
    return alt.layer(*layers).properties(height=alt.Step(step))


# A row of the comparison chart: room for one label at the lecture's 18 px; on a projector (``grows``) its text grows
# to 27 px at most (``style.SLIDE_SCALE_EXPR``), and its rows by as much, set in Python as Vega-Lite's steps are.
COMPARISON_ROW_PX = 24
# a lecture's comparison: ranges 4 px wide beside its dots of LOG_DOT_AREA_PX2, to be seen from the back of a room
# (lecturer review 2026-11-30: hairlines and 8-px dots); a design choice checked in a browser at 1280 px
LECTURE_RANGE_STROKE_PX = 4
# A lecture's scatter of many runs (the Accuracy page's 89 runs, its 32 serving configurations): dots 2.5 times the desk
# view's 60 px² area and intervals 2 px wide, to be seen from the back of a room where LOG_DOT_AREA_PX2's 400 px² would
# cover each other (lecturer review 2026-11-30: 5-7 px markers and hairline intervals); design choices
LECTURE_SCATTER_AREA_PX2 = 150
LECTURE_SCATTER_STROKE_PX = 2
# A lecture slide's trend lines (compute growth, the memory wall): 4 px, their dashes and colours seen from the back
# of a room (lecturer review 2026-12-01: Vega-Lite's 2-px default, a dotted green line washed out on a projector); a
# design choice, as the comparison's ranges
LECTURE_LINE_STROKE_PX = 4
COMPARISON_GROWN_ROW_PX = round(COMPARISON_ROW_PX * style.LECTURE_CHART_FONT_MAX_PX / style.LECTURE_CHART_FONT_PX)


def comparison_chart(df: pd.DataFrame, column: str, title: str, row_px: int = COMPARISON_ROW_PX,
                     label: str = "hardware", grows: bool = False) -> alt.LayerChart:
    """One quantity across hardware on a log scale, sorted by value: a point for each estimate and a
    line for its range (``<column>_low``/``_high``). Bars from an arbitrary decade had made a
    1,400× difference look like 8× in bar length (audit), and showed no range. ``row_px``: each row's height;
    ``label``: the column that names each row ("hardware", the profile's id, or "hardware_name": a lecture's, whose
    names are shown whole, its points and ranges drawn large and each point's value written beside it, to be read from
    the back of a room: lecturer review 2026-11-30, "AMD Instinct MI300X (OAM,…", 5-px dots, hairline ranges);
    ``grows``: on a projector, those values' text grows with the window as the axes' does (``style.slide_font``)."""
    low, high = f"{column}_low", f"{column}_high"
    cols = ["hardware", "hardware_name", column] + [c for c in (low, high, "reference") if c in df.columns]
    data = df[cols].dropna(subset=[column])
    data = data[data[column] > 0]
    big = label == "hardware_name"
    if big:  # each value on its own row, right of its range's high end (or its point where it has no range)
        end = data[high].where(data[high] > 0, data[column]) if high in data.columns else data[column]
        data = data.assign(value_words=[gfmt(float(x), 3) for x in data[column]], value_at=end.astype(float))
    ends = pd.concat([data[column]] + [data[c].dropna() for c in (low, high) if c in data.columns])
    ticks = log_ticks(float(ends[ends > 0].min()), float(ends.max()))
    x_scale = log_scale(ticks)
    labels = human_labels("$" if column == "cost_usd" else "")
    axis = log_axis(ticks, labelExpr=labels, grid=True)
    # each label on its row: Streamlit's theme flushes the end labels inside the axis (``labelFlush``), which set the
    # first row's 12 px onto the second's at a projector's 27 px (browser check 2026-11-27)
    y = alt.Y(f"{label}:N", sort=alt.EncodingSortField(field=column, order="ascending"), title=None,
              axis=alt.Axis(labelOverlap=False, labelFlush=False, **({"labelLimit": 0} if big else {})))
    tooltip = ["hardware", alt.Tooltip("hardware_name:N", title="name"), alt.Tooltip(f"{column}:Q", format=".3~s")] + [
        alt.Tooltip(f"{c}:Q", format=".3~s") for c in (low, high) if c in data.columns]
    base = alt.Chart(data)
    # a reference point (the brain, AlphaGo) a diamond, not hardware's dot (lecturer review 2026-11-30: the brain sat
    # at the top of a lecture's chart as one more device)
    shape = (alt.condition("datum.reference && datum.reference != ''", alt.value("diamond"), alt.value("circle"))
             if "reference" in data.columns else alt.value("circle"))
    points = base.mark_point(filled=True, size=LOG_DOT_AREA_PX2 if big else 60).encode(
        x=alt.X(f"{column}:Q", scale=x_scale, title=title, axis=axis), y=y, tooltip=tooltip, shape=shape)
    # its axis at the top too, unseen points carrying it: one row is a screen of 40 on a projector, and a screenful of
    # rows in the middle had no scale in view (lecturer review 2026-11-27: 2,032 px tall at 1280 × 720)
    # in a lecture its title (the unit) too: at 1280 × 720 the bottom axis is below the fold and the values on screen
    # had no unit (lecturer review 2026-11-30: "14.7", "141" beside a bare 1 … 100,000)
    top = base.mark_point(opacity=0).encode(
        x=alt.X(f"{column}:Q", scale=x_scale, title=title if big else None,
                axis=log_axis(ticks, labelExpr=labels, orient="top", grid=False)),
        y=y)
    layers = [points, top]
    right_px = END_LABEL_ROOM_PX
    if big:  # each point's value on its row, past its range's high end: above the dot a 24-px row's value had read
        # level with the row above (the design note at VALUE_TEXT_DX_PX; diff review 2026-11-30)
        font = style.slide_font(style.LECTURE_CHART_FONT_PX) if grows else style.LECTURE_CHART_FONT_PX
        layers.append(base.mark_text(align="left", baseline="middle", dx=VALUE_TEXT_DX_PX, fontSize=font).encode(
            x=alt.X("value_at:Q", scale=x_scale, axis=None), y=y, text="value_words:N"))
        # room on the right for the widest value at the largest font (style.METRIC_EM_PER_CHAR: measured, with margin)
        widest = max((len(w) for w in data["value_words"]), default=0)
        px = style.LECTURE_CHART_FONT_MAX_PX if grows else style.LECTURE_CHART_FONT_PX
        right_px = max(END_LABEL_ROOM_PX, round(widest * style.METRIC_EM_PER_CHAR * px) + VALUE_TEXT_DX_PX)
    if low in data.columns and high in data.columns:
        layers.insert(0, base.transform_filter(f"isValid(datum['{low}']) && datum['{low}'] > 0").mark_rule(
            opacity=0.6, strokeWidth=LECTURE_RANGE_STROKE_PX if big else 1).encode(
                x=alt.X(f"{low}:Q", scale=x_scale, axis=None), x2=f"{high}:Q", y=y))
    # one scale, two axes (a shared axis would merge them into one); room on the right for the last tick's label,
    # centred on the plot's edge (lecturer review 2026-11-28: "100M" cut 10 px at 390 px, lecture size)
    return alt.layer(*layers).resolve_axis(x="independent").properties(height=alt.Step(row_px),
                                                                        padding={"right": right_px})


@functools.cache
def _template(builder: Callable[[pd.DataFrame], alt.TopLevelMixin], columns: tuple[str, ...]) -> dict:
    """``builder``'s Vega-Lite spec without data, built once per process: the data changes on
    every rerun, the spec never does (building and validating a spec costs 15–50 ms a chart,
    measured; most of a rerun's time under load was spent there)."""
    spec = builder(pd.DataFrame(columns=list(columns))).to_dict(validate=False)
    spec.pop("data", None)
    spec.pop("datasets", None)
    return spec


def render_templated(builder: Callable[[pd.DataFrame], alt.TopLevelMixin], df: pd.DataFrame, where=st,
                     grows: bool = False) -> None:
    """Draw ``builder(df)`` from its cached spec: the same picture as ``render_chart(builder(df))``.
    ``builder`` must take all its data from ``df`` (one data source, no values computed from it). ``grows``: as
    ``render_chart``'s."""
    spec = copy.deepcopy(_template(builder, tuple(df.columns)))
    spec.setdefault("description", chart_text.describe(spec, df))  # the series named from this run's data
    from app_pages.ui import common, style
    if common.projector_charts():
        set_px = style.LECTURE_CHART_FONT_PX
        px = style.slide_font(set_px).to_dict() if grows else set_px
        # a chart's title 2 px above its axes', as chart_fonts sets it (browser check 2026-11-27: the model-size
        # charts' titles stayed the theme's 16 px beside 27-pixel axes at 1920)
        title_px = style.slide_font(set_px, 2).to_dict() if grows else set_px + 2
        spec["config"] = {**spec.get("config", {}),
                          "axis": {"labelFontSize": px, "titleFontSize": px, "labelLimit": 0},
                          "header": {"labelFontSize": px, "labelLimit": 0}, "legend": {"labelFontSize": px, "labelLimit": 0},
                          # a text mark's (the memory chart's "device memory" label: 11 px on a projector, review)
                          "text": {"fontSize": px}, "title": {"fontSize": title_px}}
    where.vega_lite_chart(df, spec, width="stretch")


ENERGY_PARTS = ("devices", "host share", "facility (PUE − 1)")


def energy_frame(est) -> pd.DataFrame:
    """Where the energy goes: the devices, the host's share, the facility overhead (PUE − 1)."""
    b = est.breakdown
    df = pd.DataFrame({"part": list(ENERGY_PARTS), "energy_kwh": [b.devices_kwh, b.host_kwh, b.facility_kwh]})
    df["share"] = df["energy_kwh"] / max(df["energy_kwh"].sum(), 1e-300)
    return df


def energy_chart(df: pd.DataFrame) -> alt.Chart:
    parts = list(ENERGY_PARTS)
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("energy_kwh:Q", title="Energy (kWh)", axis=alt.Axis(labelExpr=human_labels(linear=True))),
        y=alt.Y("part:N", title=None, sort=parts),
        color=alt.Color("part:N", sort=parts, legend=None, scale=palette.category_scale()),
        tooltip=["part:N", alt.Tooltip("energy_kwh:Q", format=",.4~r", title="kWh"),
                 alt.Tooltip("share:Q", format=".1%")],
    ).properties(height=alt.Step(32))


def energy_breakdown_chart(est) -> alt.Chart:
    """Where the energy goes, as bars (``energy_frame`` drawn by ``energy_chart``)."""
    return energy_chart(energy_frame(est))


MEMORY_PARTS = ("weights", "gradients", "optimizer", "activations", "gathered_layer")


def memory_parts(memory) -> tuple[str, ...]:
    """The parts a bar shows: ZeRO-3's gathered layer only where there is one."""
    return tuple(k for k in MEMORY_PARTS if k != "gathered_layer" or memory.per_device.gathered_gb > 0)


def memory_frame(memory) -> pd.DataFrame:
    """The parts of the training memory per device (kind "part") and the device's memory (kind
    "capacity"), in one table."""
    b = memory.per_device.to_dict()
    parts = memory_parts(memory)
    n = len(parts)
    # the rule's label reads leftwards where the rule is in the axis's right half, so it stays inside the chart
    leftwards = memory.capacity_gb > max(memory.per_device.total_gb, memory.capacity_gb) / 2
    names = [k.replace("_", " ") for k in parts]  # "gathered layer": ZeRO-3's unit gathered whole
    return pd.DataFrame({"kind": ["part"] * n + ["capacity"], "part": [*names, None],
                         "gb": [*(b[k] for k in parts), memory.capacity_gb], "row": "per device",
                         "order": range(n + 1), "leftwards": [False] * n + [leftwards],
                         "label": [*names, f"device memory {capacity_gb_text(memory.capacity_gb)}"]})


# The device's memory: a dark dashed rule, labelled above the bar (browser audit: a thin red rule at 34 GB
# was lost against a 3,075 GB bar whose optimizer part is red too)
MEMORY_RULE_COLOR = "#1a1a1a"


def memory_layers(df: pd.DataFrame) -> alt.LayerChart:
    """One stacked bar (weights, gradients, optimizer states, activations) against the device's
    memory (the dark dashed rule, labelled)."""
    base = alt.Chart()
    bars = base.transform_filter("datum.kind == 'part'").mark_bar().encode(
        x=alt.X("sum(gb):Q", title="GB per device"),
        y=alt.Y("row:N", title=None, scale=alt.Scale(paddingOuter=0.45)),
        color=alt.Color("part:N", sort=[k.replace("_", " ") for k in MEMORY_PARTS], title=None,
                        legend=alt.Legend(orient="bottom"),
                        scale=palette.category_scale()),
        order=alt.Order("order:Q"),
        tooltip=["part:N", alt.Tooltip("gb:Q", format=",.4~r", title="GB")],
    )
    capacity = base.transform_filter("datum.kind == 'capacity'")
    rule = capacity.mark_rule(color=MEMORY_RULE_COLOR, strokeWidth=3, strokeDash=[6, 3]).encode(
        x="gb:Q", tooltip=["label:N"])
    labels = [capacity.transform_filter(f"{'' if leftwards else '!'}datum.leftwards").mark_text(
        color=MEMORY_RULE_COLOR, align="right" if leftwards else "left", baseline="top", dx=-5 if leftwards else 5,
        fontWeight="bold").encode(x="gb:Q", y=alt.value(1), text="label:N") for leftwards in (False, True)]
    return alt.layer(bars, rule, *labels, data=df).properties(height=alt.Step(80))


def memory_chart(memory) -> alt.LayerChart:
    """Training memory per device against the device's memory (``memory_frame`` drawn by ``memory_layers``)."""
    return memory_layers(memory_frame(memory))


def roofline_chart(profile) -> alt.LayerChart | None:
    """Attainable FLOP/s = min(peak, bandwidth × arithmetic intensity) for each precision
    (Williams, Waterman & Patterson 2009, "Roofline", CACM 52(4))."""
    bw_bytes = profile.memory_bandwidth_bytes_per_s
    if bw_bytes is None:
        return None
    ai = np.logspace(-2, 4, 61)
    rows = []
    for precision, peak in profile.peak_flops_per_s.items():
        for x in ai:
            rows.append({"intensity": x, "flops_per_s": min(peak, bw_bytes * x), "precision": precision})
    df = pd.DataFrame(rows)
    ridge = pd.DataFrame([{"intensity": profile.ridge_flop_per_byte(p), "flops_per_s": peak, "precision": p}
                          for p, peak in profile.peak_flops_per_s.items()])
    lines = alt.Chart(df).mark_line().encode(
        x=alt.X("intensity:Q", scale=LOG, title="Arithmetic intensity (FLOP per byte)",
                axis=log_axis(decades(ai[0], ai[-1]), format="~g", grid=False)),
        y=alt.Y("flops_per_s:Q", scale=LOG, title="Attainable FLOP/s", axis=alt.Axis(labelExpr=FLOPS_PER_S_LABELS, tickCount=6)),
        # one legend of line samples, each in its colour and dash (issue 55: the ridge points' shapes merged into
        # it drew a shape, a dash and a colour on top of each other: garbled glyphs)
        color=alt.Color("precision:N", scale=palette.category_scale(),
                        legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=400)),
        strokeDash=alt.StrokeDash("precision:N", scale=alt.Scale(range=list(palette.DASHES))))  # not colour alone
    # the ridge points, each on its line (named by the line's legend): no shape channel, whose legend merged into
    # the lines' whatever the layer said
    points = alt.Chart(ridge).mark_point(filled=True, size=60).encode(
        x="intensity:Q", y="flops_per_s:Q", color=alt.Color("precision:N", scale=palette.category_scale(), legend=None),
        tooltip=["precision", alt.Tooltip("intensity:Q", format=".3~r", title="ridge FLOP/byte"),
                 alt.Tooltip("flops_per_s:Q", format=".3~s", title="peak FLOP/s")])
    return (lines + points).properties(height=320)


ACCURACY_PANELS = (f"Fitted utilisation, {LEVEL:.0%} interval", f"Flat {RULE_UTILIZATION:.0%} of dense peak")


def accuracy_frame(doc: dict) -> pd.DataFrame:
    """Long table for the accuracy chart: one row per run and predictor (the fit, the 30% rule),
    plus, per panel, the two ends of the diagonal (kind "diagonal") for the y = x line and 2× band."""
    rows = []
    for r in doc["runs"]:
        lo, hi = r["interval_device_hours"]
        common = {"kind": "run", "run": r["run"], "family": r["family"], "published": r["published_device_hours"]}
        rows.append({**common, "panel": ACCURACY_PANELS[0], "predicted": r["predicted_device_hours"],
                     "low": lo, "high": hi, "factor": r["factor"]})
        rows.append({**common, "panel": ACCURACY_PANELS[1], "predicted": r["baseline_device_hours"],
                     "low": r["baseline_device_hours"], "high": r["baseline_device_hours"],
                     "factor": r["baseline_factor"]})
    df = pd.DataFrame(rows)
    ticks = decades(float(min(df["published"].min(), df["low"].min())),
                     float(max(df["published"].max(), df["high"].max())))
    for panel in ACCURACY_PANELS:
        for end in (ticks[0], ticks[-1]):
            rows.append({"kind": "diagonal", "panel": panel, "published": end, "predicted": end,
                         "low": end / 2, "high": end * 2})
    return pd.DataFrame(rows)


def accuracy_panel(df: pd.DataFrame, panel: str, font_px: int = 12, lecture: bool = False) -> alt.LayerChart:
    """Predicted against published device-hours, log–log, for one predictor (``panel``, one of
    ``ACCURACY_PANELS``): points coloured by hardware family, interval bars for the fit, the
    diagonal and the 2× band (grey). One chart per panel, so that the page can put them side by
    side on a wide screen and one under the other on a phone (a facet has a fixed width)."""
    diag = df[df["kind"] == "diagonal"]
    ticks = log_ticks(float(diag["published"].min()), float(diag["published"].max()))
    scale = log_scale(ticks)
    axis = log_axis(ticks, labelExpr=human_labels(), labelFontSize=font_px, titleFontSize=font_px)
    x = alt.X("published:Q", scale=scale, title="Published device-hours", axis=axis)
    y = alt.Y("predicted:Q", scale=scale, title="Predicted device-hours", axis=axis)
    base = alt.Chart(df[df["panel"] == panel])
    band = base.transform_filter("datum.kind == 'diagonal'").mark_area(opacity=0.12, color="gray").encode(
        x=x, y=alt.Y("low:Q", scale=scale, axis=axis, title="Predicted device-hours"), y2="high:Q")
    line = base.transform_filter("datum.kind == 'diagonal'").mark_line(color="gray", strokeDash=[4, 4]).encode(x=x, y=y)
    families = sorted(df.loc[df["kind"] == "run", "family"].dropna().unique())  # same colours in every panel
    color = alt.Color("family:N", title="Hardware family", scale=palette.category_scale(families),
                      legend=alt.Legend(labelFontSize=font_px, titleFontSize=font_px, labelLimit=0, titleLimit=0))
    runs = base.transform_filter("datum.kind == 'run'")
    bars = runs.mark_rule(opacity=0.6, strokeWidth=LECTURE_SCATTER_STROKE_PX if lecture else 1).encode(
        x=x, y=alt.Y("low:Q", scale=scale), y2="high:Q", color=color)
    shape = alt.Shape("family:N", title="Hardware family", scale=alt.Scale(domain=families, range=list(palette.SHAPES)),
                      legend=alt.Legend(labelFontSize=font_px, titleFontSize=font_px, labelLimit=0, titleLimit=0))
    points = runs.mark_point(filled=True, size=LECTURE_SCATTER_AREA_PX2 if lecture else 60).encode(
        x=x, y=y, color=color, shape=shape,  # the family by its mark as well as its colour (a11y audit)
        tooltip=["run", "family", alt.Tooltip("published:Q", format=".3~s"), alt.Tooltip("predicted:Q", format=".3~s"),
                 alt.Tooltip("low:Q", format=".3~s"), alt.Tooltip("high:Q", format=".3~s"),
                 alt.Tooltip("factor:Q", format=".2f", title="factor off")])
    title = alt.TitleParams(panel, fontSize=font_px, limit=0)
    return alt.layer(band, line, bars, points).properties(height=320, title=title)
