"""Accessibility audit (2026-11-25): text and series legible on a projector and to colour-blind readers,
the collapsed sidebar out of the Tab order, each page its own title, headings in order. Browser checks of
the same: tests/browser/test_browser_a11y.py."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from apptest_pages import shared_page

from app_pages.pages import lecture
from app_pages.pages import limits_charts as lc
from app_pages.ui import a11y, charts, palette, style
from estimator.services.limits import reports as limits

ROOT = Path(__file__).resolve().parents[2]
TEXT_AA, GRAPHICS_AA = 4.5, 3.0  # WCAG 2.1 SC 1.4.3 (text) and 1.4.11 (graphical objects)


def test_the_contrast_formula_gives_wcags_known_values():
    assert palette.contrast_ratio("#000000") == pytest.approx(21.0)
    assert palette.contrast_ratio("#ffffff") == pytest.approx(1.0)
    assert palette.contrast_ratio("#808495") == pytest.approx(3.72, abs=0.01)  # Streamlit's chart text, refused


def test_chart_text_and_every_series_colour_stand_out_on_white():
    assert palette.contrast_ratio(palette.CHART_TEXT) >= TEXT_AA
    assert all(palette.contrast_ratio(c) >= GRAPHICS_AA for c in palette.CATEGORY_COLOURS)
    assert len(set(palette.CATEGORY_COLOURS)) == len(palette.CATEGORY_COLOURS)
    assert len(set(map(tuple, palette.DASHES))) == len(palette.DASHES) >= len(palette.CATEGORY_COLOURS)


def test_the_theme_text_makes_a_60_percent_caption_pass():
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    assert theme["base"] == "light"
    # Streamlit draws a caption at 60% opacity of the text colour: blended on white
    rgb = [int(theme["textColor"].lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    caption = "#" + "".join(f"{round(0.6 * c + 0.4 * 255):02x}" for c in rgb)
    assert palette.contrast_ratio(caption) >= TEXT_AA


def test_every_chart_writes_its_text_dark():
    cfg = style.chart_fonts(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q"), lecture=True).to_dict()
    config = cfg["config"]
    assert config["axis"]["labelColor"] == config["axis"]["titleColor"] == palette.CHART_TEXT
    assert config["legend"]["labelColor"] == config["title"]["color"] == palette.CHART_TEXT


def test_the_trends_differ_by_dash_as_well_as_colour_and_keep_one_legend():
    """DRAM and interconnect were Tableau's green and red: one colour to a deuteranope, lines alike."""
    spec = lecture.memory_wall_chart().to_dict()
    enc = spec["encoding"]
    colours, dashes = enc["color"]["scale"]["range"], enc["strokeDash"]["scale"]["range"]
    assert len(set(colours)) == len(set(map(tuple, dashes))) == 3
    assert enc["color"]["legend"] == enc["strokeDash"]["legend"]  # identical: Vega-Lite merges them into one
    growth = lc.growth_chart(limits.trend_report().table).to_dict()["encoding"]
    by_trend = dict(zip(growth["color"]["scale"]["domain"], growth["color"]["scale"]["range"]))
    from estimator.laws import trends
    # the same colour for a trend on every chart: DRAM green and interconnect near-black, not green and red
    assert by_trend[trends.DRAM_BANDWIDTH_LABEL] == "#009E73" and by_trend[trends.INTERCONNECT_LABEL] == "#333333"
    assert dict(zip(enc["color"]["scale"]["domain"], colours))[trends.DRAM_BANDWIDTH_LABEL] == "#009E73"


def test_charts_that_used_streamlits_light_defaults_take_the_palette():
    """Streamlit's chart theme overrides a configured default range, so each chart sets the palette itself
    (its light shades, 1.4–1.8:1, had vanished on a projector)."""
    df = pd.DataFrame({"family": ["a100", "h100"], "kind": ["run", "run"], "panel": ["p", "p"], "published": [1.0, 10.0],
                       "predicted": [1.0, 10.0], "low": [0.5, 5.0], "high": [2.0, 20.0], "run": ["a", "b"]})
    diag = pd.DataFrame({"kind": ["diagonal"] * 2, "panel": ["p"] * 2, "published": [1.0, 100.0], "predicted": [1.0, 100.0],
                         "low": [0.5, 50.0], "high": [2.0, 200.0]})
    layers = charts.accuracy_panel(pd.concat([df, diag]), "p").to_dict()["layer"]
    points = next(lay for lay in layers if lay.get("mark", {}).get("type") == "point")
    assert points["encoding"]["color"]["scale"]["range"][:2] == list(palette.CATEGORY_COLOURS[:2])
    assert points["encoding"]["shape"]["field"] == "family"  # the family by its mark too


def test_the_sidebar_hides_while_collapsed_and_focus_shows():
    css = a11y.A11Y_CSS
    assert '[data-testid="stSidebar"][data-collapsed="true"] *' in css and "visibility: hidden" in css
    assert f"outline: 3px solid {a11y.FOCUS_COLOUR}" in css and palette.contrast_ratio(a11y.FOCUS_COLOUR) >= GRAPHICS_AA


LEVELS = {"Title": 1, "Header": 2, "Subheader": 3}


def headings(node, out=None) -> list[tuple[int, str]]:
    """The main area's headings in the order drawn: (level, text)."""
    out = [] if out is None else out
    if type(node).__name__ in LEVELS:
        out.append((LEVELS[type(node).__name__], node.value))
    for child in getattr(node, "children", {}).values():
        headings(child, out)
    return out


@pytest.mark.parametrize("page, query", [("estimate", {"preset": "lambda-gpt3-v100"}), ("estimate", {"preset": "alphago-vs-brain"}),
                                         ("accuracy", {}), ("profiles", {}), ("inference", {}), ("calibrate", {})])
def test_a_pages_headings_never_skip_a_level(page, query):
    """axe's heading-order: the Estimate, Profiles, Calibrate, Accuracy and Inference pages went from the h1 to h3."""
    at = shared_page(page, query)
    found = headings(at.main)
    assert not at.exception and found and found[0][0] == 1
    assert all(b <= a + 1 for (a, _), (b, _) in zip(found, found[1:])), found


def test_a_range_bar_is_read_as_one_phrase():
    html_out = []

    class Where:
        def html(self, text):
            html_out.append(text)

    style.range_bar(Where(), "102 years", "1,240 years", "80% prediction interval", 0.4)
    assert 'role="img" aria-label="range: 102 years to 1,240 years"' in html_out[0]
    assert html_out[0].count('aria-hidden="true"') == 3
    assert ".cce-range { font-size: clamp(1rem" in style.LECTURE_CSS  # at least 16 px on a slide


def test_in_a_frame_the_dash_keeps_the_colours_legend():
    """In a frame the legend moves beside the plot; the dash's had stayed below it, a second legend that left a
    640×360 frame's memory-wall plot 70 px tall (tests/browser/test_browser_lecture_fit.py)."""
    from app_pages.pages import lecture_slide as slide
    enc = slide.frame_legend(lecture.memory_wall_chart()).to_dict()["encoding"]
    assert enc["color"]["legend"] == enc["strokeDash"]["legend"] and enc["color"]["legend"]["orient"] == "right"


def test_the_lecture_estimate_says_its_brain_years_as_a_metric_not_a_heading():
    """A raw "### ≈ 3,530 years of a 20 W brain" was read as a heading after the h1 (audit): now a metric."""
    from app_pages.pages import estimate
    from estimator.report import humanize as hz
    from estimator.services import api
    at = shared_page("estimate", {"preset": "lambda-gpt3-v100", "lecture": "1"})
    assert not [m.value for m in at.markdown if m.value.lstrip().startswith("#")]
    est = api.run(preset_id="lambda-gpt3-v100").estimate
    years = next(e for e in est.equivalents if e.key == "brain_years").value
    shown = {m.label: m.value for m in at.metric}
    assert shown[estimate.BRAIN_YEARS_LABEL] == f"≈ {hz.count(years)} years"
    assert estimate.BRAIN_YEARS_LABEL == "The same energy runs a 20 W brain for"


@pytest.mark.parametrize("page", ["accuracy", "profiles", "limits"])
def test_a_frame_draws_its_charts_at_the_lectures_text_size(page):
    """Audit A9: ``?embed=true`` without ``&lecture=1`` (a frame for a slide) kept 12 px chart text."""
    def sizes(params, **context):
        at = shared_page(page, params, **context)
        specs = [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]
        assert specs
        return {_set_size(s["config"]["axis"]["labelFontSize"]) for s in specs}
    assert sizes({}) == {style.NORMAL_CHART_FONT_PX}
    assert sizes({"embed": "true"}, is_embedded=True) == sizes({"lecture": "1"}) == {style.LECTURE_CHART_FONT_PX}


@pytest.mark.parametrize("page, params, context", [
    ("limits", {"lecture": "1", "lim": "Trends"}, {}),
    ("inference", {"lecture": "1"}, {}),
    ("estimate", {"embed": "true", "preset": "lambda-gpt3-v100", "tab": "Energy"}, {"is_embedded": True}),
    ("estimate", {"embed": "true", "preset": "lambda-gpt3-v100", "tab": "Memory"}, {"is_embedded": True}),
    ("estimate", {"embed": "true", "preset": "lambda-gpt3-v100", "tab": "Model size"}, {"is_embedded": True}),
])
def test_a_lecture_pages_charts_grow_with_the_window_and_their_bars_labels_with_them(page, params, context):
    """Lecturer review 2026-11-27: off the claims' slides every chart stayed 18 px at 1920 while the numbers grew to
    67 px. The Limits page's lines, the Inference page's savings bars and the Estimate page's energy and memory bars
    now grow as a slide's do (style.slide_font: 27 px at 1920); a bar's label width with them (a label whole at 18 px
    stays whole at 27), and the memory chart's label of the device's memory (a text mark, 11 px before)."""
    at = shared_page(page, params, **context)
    specs = [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]
    assert specs
    for spec in specs:
        size = spec["config"]["axis"]["labelFontSize"]
        assert isinstance(size, dict) and _set_size(size) == style.LECTURE_CHART_FONT_PX, size
        band = spec["config"].get("axisBand", {}).get("labelLimit")
        if isinstance(band, dict):  # a chart with bars drawn by render_chart: the wide label width grows too
            assert f"round({style.SLIDE_SCALE_EXPR} * {style.BAND_LABEL_LIMIT_PX[True]})" in band["expr"], band
        if params.get("tab") == "Memory":
            assert spec["config"]["text"]["fontSize"] == size
        if params.get("tab") == "Model size":  # its charts' titles 2 px above their axes (they had kept 16 px)
            assert _set_size(spec["config"]["title"]["fontSize"]) == style.LECTURE_CHART_FONT_PX + 2


def _set_size(size) -> float:
    """A chart's font size as set for a 1280-pixel window: a number, or the expression that grows it with a wider
    one (``style.slide_font``: the Limits page's line charts, a claim's slide), read at the scale of 1."""
    if isinstance(size, dict):
        expr = size["expr"]
        assert expr.startswith(style.SLIDE_SCALE_EXPR + " * "), expr
        scaled, extra = expr[len(style.SLIDE_SCALE_EXPR) + 3:].split(" + ")
        return float(scaled) + float(extra)
    return size


def test_a_lectures_accuracy_scatters_draw_points_and_intervals_to_be_seen():
    """Lecturer review 2026-11-30: in lecture mode the Accuracy page's scatters kept their 5-7 px markers and hairline
    intervals: larger points and thicker intervals there, the desk view as it was."""
    df = pd.DataFrame({"family": ["a100", "h100"], "kind": ["run", "run"], "panel": ["p", "p"], "published": [1.0, 10.0],
                       "predicted": [1.0, 10.0], "low": [0.5, 5.0], "high": [2.0, 20.0], "run": ["a", "b"]})
    diag = pd.DataFrame({"kind": ["diagonal"] * 2, "panel": ["p"] * 2, "published": [1.0, 100.0], "predicted": [1.0, 100.0],
                         "low": [0.5, 50.0], "high": [2.0, 200.0]})

    def marks(lecture):
        layers = charts.accuracy_panel(pd.concat([df, diag]), "p", lecture=lecture).to_dict()["layer"]
        point = next(lay for lay in layers if lay.get("mark", {}).get("type") == "point")["mark"]
        rule = next(lay for lay in layers if lay.get("mark", {}).get("type") == "rule")["mark"]
        return point["size"], rule["strokeWidth"]
    assert marks(False) == (60, 1)
    assert marks(True) == (charts.LECTURE_SCATTER_AREA_PX2, charts.LECTURE_SCATTER_STROKE_PX)
    assert charts.LECTURE_SCATTER_AREA_PX2 >= 2 * 60 and charts.LECTURE_SCATTER_STROKE_PX >= 2


def test_a_lecture_slides_trend_lines_are_drawn_thick_enough_for_a_room():
    """Lecturer review 2026-12-01: the memory wall's and compute growth's lines were Vega-Lite's 2 px, a dotted green
    line washed out on a projector; 4 px as the comparison's ranges."""
    assert lecture.memory_wall_chart().to_dict()["mark"]["strokeWidth"] == 4
    growth = lecture.compute_vs_price_chart(lecture._trend_report()).to_dict()
    assert growth["mark"]["type"] == "line" and growth["mark"]["strokeWidth"] == 4
