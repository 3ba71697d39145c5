"""How a lecture claim lays out: its big numbers in a row and its one chart, on a slide (projector-size
text) or in a frame (``?embed=true``), where the chart takes the height the frame leaves it. The claims
themselves are in ``app_pages/pages/lecture.py``."""

from __future__ import annotations

import copy

import altair as alt
import streamlit as st

from app_pages.ui import chart_text, charts, palette, style
from app_pages.ui import common as c


def metrics(items) -> None:
    """Big numbers: (label, value, caption): a caption is None, a string, or a tuple of strings, each
    its own line under the number (a caveat beside the figure it qualifies). One font size for the
    row's numbers, each on one line (``style.metric_cells``)."""
    cols = style.metric_cells(len(items), style.CLAIM_ROW, lecture=True)
    for col, (label, value, caption) in zip(cols, items):
        col.metric(label, value)
        for line in ((caption,) if isinstance(caption, str) else caption or ()):
            col.caption(c.md_escape(c.units_whole(line), limit=200))  # a number and its unit on one line


# In a frame a chart fits its container's width and height, axes and legend included.
EMBED_AUTOSIZE = alt.AutoSizeParams(type="fit", contains="padding")
# Room inside that size for an end tick's label, which Vega centres on its tick: half a lecture-size label
# above the top tick and a four-digit label's half-width right of the last (browser audit at 1280×720: the
# memory wall's top "10⁵" ran 12 px above its chart, the compression claim's "1,300" and the ImageNet
# claim's "12%" past its right edge; ``style.LECTURE_CHART_FONT_PX`` = 18 px), grown as the text grows
# (``style.slide_padding``: on a window wider than 1280 px).
CHART_PADDING_PX = {"top": 14, "right": 24, "bottom": 4, "left": 10}


def frame_legend(chart):
    """A chart's series legend beside the plot, not below it: in a frame the chart's height is the frame's,
    and below the plot the memory wall's three entries (≈140 px at lecture size) left a 640×360 frame's
    plot no height and an 800×450 one's 60 px (browser check); beside it they take width, which a 16:9
    frame has. Labels in lines of ``charts.LEGEND_LINE_CHARS``, every series named in full."""
    color = chart.to_dict().get("encoding", {}).get("color") if isinstance(chart, alt.Chart) else None
    if not color or color.get("legend", {}).get("orient") != "bottom":
        return chart
    chart = chart.copy(deep=True)
    dash = chart.to_dict().get("encoding", {}).get("strokeDash")
    dashed = dash is not None and dash.get("field") == color.get("field")
    symbol = palette.STROKE_LEGEND if dashed else {}
    legend = alt.Legend(title=None, orient="right", direction="vertical", labelLimit=0,
                        labelExpr=charts.wrapped_labels(color["scale"]["domain"]), **symbol)
    chart.encoding.color.legend = legend
    if dashed:  # the same legend on the dash, so the two stay one (apart, the dash's stayed below the plot)
        chart.encoding.strokeDash.legend = legend
    return chart


# A claim's finished chart spec, once per process: a claim has no inputs, and Altair's validation of a spec
# (15–50 ms a chart) was paid on every run of every session (benchmarks/bench_load.py --page lecture).
_SPECS: dict[tuple, dict] = {}


def chart(chart, short_y_title: str | None = None, frame_x_title: str | None = None, key: str | None = None) -> None:
    """A claim's chart in lecture mode (projector-size text), taking the height the slide or the frame
    leaves it (``style.SLIDE_CSS``, ``style.EMBED_SLIDE_CSS``: Python cannot see the screen), its bars'
    steps too. Its y axis takes ``short_y_title``, on a slide and in a frame: the plot is as short as the
    screen leaves it, and "Growth since the first year (×, log)" (≈290 px at 18 px) ran past a 160-pixel
    plot in a 640×360 frame and past a 300-pixel one on a 1280×720 slide (browser audit). In a frame
    (``?embed=true``) its x axis takes ``frame_x_title``: a caveat a short frame hides from under the
    numbers can go there. ``chart``: an Altair chart, or a function that builds it; with ``key`` (the claim's
    id: its chart is the same on every run) the finished spec is built once per process and reused."""
    embedded = c.is_embedded()
    cache_key = None if key is None else (key, embedded, short_y_title, frame_x_title)
    spec = _SPECS.get(cache_key) if cache_key is not None else None
    if spec is None:
        spec = finished(chart() if callable(chart) else chart, short_y_title, frame_x_title, embedded).to_dict()
        if cache_key is not None:
            _SPECS[cache_key] = spec
    with st.container(key=style.EMBED_CHART_KEY):
        # a copy: Streamlit moves the spec's datasets out of the dict it is given
        st.vega_lite_chart(copy.deepcopy(spec), width="stretch", height="stretch")


def finished(chart, short_y_title: str | None, frame_x_title: str | None, embedded: bool):
    """The chart as a slide or a frame draws it: its short titles, a frame's legend, its description,
    lecture-size fonts and the frame's autosize."""
    for axis, title in (("y", short_y_title), ("x", frame_x_title if embedded else None)):
        if title:
            chart = chart.copy(deep=True)
            # every layer's, which Vega-Lite joins into one axis title (a second layer's own had been appended to it)
            for part in (chart.layer if isinstance(chart, alt.LayerChart) else [chart]):
                enc = getattr(part.encoding, axis, alt.Undefined)
                if enc is not alt.Undefined:
                    enc.title = title
    if embedded:
        chart = frame_legend(chart)
    chart = chart_text.with_description(chart).properties(autosize=EMBED_AUTOSIZE,
                                                          padding=style.slide_padding(CHART_PADDING_PX))
    return style.chart_fonts(chart, lecture=True, frame=True)
