"""Charts a phone and a projector can read (a browser check: on a 390 px phone long bar labels took
the whole width and no bar was drawn; at lecture size crowded rows dropped labels; one series had two
colours on adjacent slides)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from apptest_pages import shared_page

from app_pages.pages import lecture
from app_pages.pages.limits import growth_chart
from app_pages.ui import charts, style
from estimator.laws import trends
from estimator.services.limits import reports as limits


def test_bar_labels_are_capped_and_rows_spaced_for_the_font():
    for lecture_mode, px in ((False, style.NORMAL_CHART_FONT_PX), (True, style.LECTURE_CHART_FONT_PX)):
        chart = alt_bar_chart()
        cfg = style.chart_fonts(chart, lecture=lecture_mode).to_dict()["config"]
        assert style.BAND_LABEL_LIMIT_PX[lecture_mode] <= 220  # a phone keeps 170 px
        # at lecture size the cap gives way on a narrow chart (tests/app/test_axis_labels.py)
        expected = ({"expr": "containerSize()[0] < 500 ? 120 : 220"} if lecture_mode
                    else style.BAND_LABEL_LIMIT_PX[lecture_mode])
        assert cfg["axisBand"]["labelLimit"] == expected
        assert cfg["view"]["discreteHeight"] == {"step": round(style.BAND_STEP_FONTS * px)}
        assert cfg["axis"]["labelLimit"] == 0  # other axes (numbers) are never cut


def alt_bar_chart():
    import altair as alt
    df = pd.DataFrame({"label": ["50% of weights pruned, skipped by the kernels", "no compression"], "v": [1.0, 2.0]})
    return alt.Chart(df).mark_bar().encode(x="v:Q", y="label:N", tooltip=["label", "v"])


def test_the_pages_bar_charts_keep_no_label_limit_of_their_own():
    """A chart's own ``labelLimit: 0`` (or 320) would override the cap: the savings chart, the log bar
    chart (brain vs AlphaGo) and the lecture's compression chart leave it to the config."""
    at = shared_page("lecture", {"claim": "compression"})
    bars = 0
    for proto in at.get("vega_lite_chart"):
        spec = json.loads(proto.proto.spec)
        layers = spec.get("layer", [spec])
        for layer in layers:
            y = layer.get("encoding", {}).get("y", {})
            if y.get("type") == "nominal":
                bars += 1
                assert "labelLimit" not in (y.get("axis") or {})
                assert any(t.get("field") == y["field"] for t in layer["encoding"].get("tooltip", []))
    assert bars == 2   # its bars and their savings written at their ends (lecturer review 2026-11-30), one y axis
    spec = charts.log_bar_chart(pd.DataFrame({"what": ["AlphaGo distributed (Nature 2016)", "brain"], "w": [1e6, 20.0]}),
                                "w", "what", "Power").to_dict()
    assert "labelLimit" not in (spec["encoding"]["y"].get("axis") or {})


def test_a_trend_series_has_one_colour_on_every_chart():
    growth = growth_chart(limits.trend_report().table).to_dict()["encoding"]["color"]["scale"]
    wall = lecture.memory_wall_chart().to_dict()["encoding"]["color"]["scale"]
    colour = dict(zip(growth["domain"], growth["range"]))
    assert dict(zip(wall["domain"], wall["range"])) == {k: colour[k] for k in wall["domain"]}
    assert trends.TRAINING_COMPUTE_LABEL not in wall["domain"]  # the memory wall's legend lists only its own three
    assert len(set(growth["range"])) == len(growth["range"]) == 4


def _layers(spec: dict) -> list[dict]:
    """Every unit layer of a (nested) layer spec."""
    if "layer" in spec:
        return [u for layer in spec["layer"] for u in _layers(layer)]
    return [spec]


def test_the_serving_charts_legend_is_filled_and_hollow_like_its_points():
    """The legend had one symbol style for both predictors while the points were filled and hollow:
    the stroke and the fill now encode the predictor, and Vega-Lite draws them as one legend."""
    from app_pages.pages import accuracy_serving as page
    doc = page.inference_document()
    for key, *_ in page.INFERENCE_QUANTITIES:
        spec = page.inference_chart(page.inference_frame(doc, key), key).to_dict()
        points = [u for u in _layers(spec) if (u.get("mark") or {}).get("type") == "point"]
        assert len(points) == 1  # both predictors in one layer, so one legend serves them
        enc = points[0]["encoding"]
        assert enc["color"]["field"] == enc["fill"]["field"] == "predictor"
        assert enc["color"]["legend"] == enc["fill"]["legend"]  # identical: merged into one legend
        ours, previous = (name for _, name in page.INFERENCE_PREDICTORS[:2])
        assert enc["fill"]["scale"] == {"domain": [ours, previous], "range": [page.PREDICTOR_COLOURS[0], "transparent"]}
        assert enc["color"]["scale"]["range"] == list(page.PREDICTOR_COLOURS)


def test_both_chinchilla_splits_show_on_the_loss_chart():
    """The two splits' losses lie within a few thousandths, so one plain line hid the other: the
    first is drawn wide and pale, the second thin and dashed above it, and the page says why."""
    from app_pages.pages import limits as page
    from estimator.laws import scaling
    assert 0 < page.loss_gap() < 0.01
    spec = page.loss_chart("fit", 1e22, 2.0).to_dict()
    lines = [u for u in _layers(spec) if (u.get("mark") or {}).get("type") == "line"]
    assert [u["transform"][0]["filter"] for u in lines] == [f"(datum.method === '{m}')" for m in scaling.METHODS]
    enc = lines[0]["encoding"]
    assert enc["strokeWidth"]["scale"]["range"][0] > enc["strokeWidth"]["scale"]["range"][1]
    assert enc["strokeDash"]["scale"]["range"][0] != enc["strokeDash"]["scale"]["range"][1]
    at = shared_page("limits")
    assert any(f"differ by at most {page.loss_gap():.3f}" in cap.value for cap in at.caption)


def test_a_series_legend_takes_two_columns_only_on_a_wide_chart():
    """One column of 24-character lines made the growth chart's legend ~330 px tall at lecture size;
    on a chart at least ``LEGEND_WIDE_MIN_CHART_PX`` wide it takes two columns of longer lines, on half a
    slide (at least ``LEGEND_MEDIUM_MIN_CHART_PX`` times the text's growth) one column of those longer lines,
    and a phone keeps one column of short ones. The browser decides from the chart's box (``containerSize()``),
    which the layout does not change, and again at each resize (``width >= 0``): decided from the plot's
    width, which the layout sets, the legend changed after the layout that placed it (tests/browser:
    a slide resized from 1280×720 to 1024×768)."""
    legend = growth_chart(limits.trend_report().table).to_dict()["encoding"]["color"]["legend"]
    wide_chart = f"width >= 0 && containerSize()[0] >= {charts.LEGEND_WIDE_MIN_CHART_PX}"
    medium_chart = f"width >= 0 && containerSize()[0] >= {charts.LEGEND_MEDIUM_MIN_CHART_PX} * "
    assert legend["columns"] == {"expr": f"{wide_chart} ? 2 : 1"}
    assert legend["labelExpr"].startswith(medium_chart)
    label = trends.TRAINING_COMPUTE_LABEL  # the longest: two lines wide, four narrow
    wide_lines, narrow_lines = charts._label_lines(label, charts.LEGEND_WIDE_LINE_CHARS), charts._label_lines(label)
    assert len(wide_lines) == 2 and len(narrow_lines) == 4
    # the longer lines where the chart is medium or wide, the short ones else
    expr = legend["labelExpr"]
    assert 0 < expr.index(json.dumps(wide_lines)) < expr.index(json.dumps(narrow_lines))
    # two wide columns fit the plot right of a lecture-size y axis (~120 px) at ≈ 8 px a character, as
    # LEGEND_LINE_CHARS assumes; one column of those lines fits half a 1280-pixel slide (552 px), and a chart wide
    # enough for two columns is wide enough for one at the text's largest growth (1.5×)
    assert 2 * (charts.LEGEND_WIDE_LINE_CHARS * 8 + 40) + 120 <= charts.LEGEND_WIDE_MIN_CHART_PX
    assert charts.LEGEND_WIDE_LINE_CHARS * 8 + 40 + 120 <= charts.LEGEND_MEDIUM_MIN_CHART_PX <= 552
    assert 1.5 * charts.LEGEND_MEDIUM_MIN_CHART_PX <= charts.LEGEND_WIDE_MIN_CHART_PX


@pytest.mark.parametrize("label, chars, lines", [
    ("peak FLOP/s (3× / 2 years)", 24, ["peak FLOP/s", "(3× / 2 years)"]),
    ("interconnect bandwidth (1.4× / 2 years)", 24, ["interconnect bandwidth", "(1.4× / 2 years)"]),
    ("peak FLOP/s (3× / 2 years)", 44, ["peak FLOP/s (3× / 2 years)"]),
    # a parenthesis longer than a line flows on from the words before it
    ("frontier training compute (3.4-month doubling, if the 2012–18 trend held)", 44,
     ["frontier training compute (3.4-month", "doubling, if the 2012–18 trend held)"]),
    ("hardware price-performance only", 24, ["hardware", "price-performance only"]),
])
def test_a_legend_label_breaks_before_a_parenthesis_that_fits_a_line(label, chars, lines):
    """Lecturer review (2026-11-27): "peak FLOP/s (3× / 2" / "years)" read as two fragments."""
    assert charts._label_lines(label, chars) == lines


@pytest.mark.parametrize("flops", [3.4e14, 1e22, 3.3e30])
def test_the_loss_curve_runs_through_the_scenarios_point(flops):
    """A budget outside the chart's usual 1e18–1e28 FLOPs (0.001 kWh buys 3.4e14) drew its point
    away from the curves: the curves now reach a decade past it either way."""
    from app_pages.pages import limits as page
    grid = page.loss_grid(flops)
    assert grid[0] < flops < grid[-1]
    assert grid[0] <= page.LOSS_GRID_FLOPS[0] and grid[-1] >= page.LOSS_GRID_FLOPS[-1]


def test_log_ticks_keep_ten_to_the_zero_and_give_one_value_a_decade():
    """Review: skipping decades started at the lowest exponent (0.5–2e14 gave 10⁻¹, 10¹, …: no 10⁰),
    and one exact power of ten gave a single tick, a domain of zero width."""
    import math

    from app_pages.ui.charts import LOG_AXIS_MAX_TICKS, log_ticks
    ticks = log_ticks(0.5, 2e14)
    exps = [round(math.log10(t)) for t in ticks]
    assert 0 in exps and ticks[0] <= 0.5 and ticks[-1] >= 2e14 and len(ticks) <= LOG_AXIS_MAX_TICKS + 1
    assert len({b - a for a, b in zip(exps, exps[1:])}) == 1  # evenly spaced
    one = log_ticks(100.0, 100.0)
    assert len(one) == 2 and one[0] <= 100.0 <= one[-1] and one[0] < one[-1]
    assert log_ticks(3.0, 700.0) == [1.0, 10.0, 100.0, 1000.0]  # few decades: every one


def test_a_dots_value_in_the_axiss_upper_half_is_written_left_of_it():
    """Lecturer review 2026-12-03: on a phone (a ~180-px plot) "355 years", written right of a dot 3/4 along the axis,
    ended 17 px from the chart's edge and was cut when the page's font came late. A value above the log axis's middle is
    written left of its dot (its text's end at the dot), the others right of theirs: no value's text runs toward the
    nearer edge."""
    df = pd.DataFrame({"hw": ["V100", "A100", "H100", "B200"], "years": [355.0, 81.8, 46.6, 14.7]})
    df["text"] = [f"{v} years" for v in df["years"]]
    spec = charts.log_bar_chart(df, "years", "hw", "Years", text="text").to_dict()
    lo, hi = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    middle = (lo * hi) ** 0.5
    written = {}
    for layer in spec["layer"][1:]:
        mark = layer["mark"]
        rows = spec["datasets"][layer["data"]["name"]]
        for row in rows:
            written[row["hw"]] = (mark["align"], mark["dx"], row["years"] > middle)
    assert set(written) == set(df["hw"])
    assert all((align == "right" and dx < 0) if upper else (align == "left" and dx > 0)
               for align, dx, upper in written.values())
    assert written["V100"][0] == "right" and written["B200"][0] == "left"


def test_an_embedded_compression_slide_writes_its_savings_without_a_wrong_unit():
    """Lecturer review 2026-12-03: in a frame the savings read "−47% kWh" (a percentage is no kWh); on the slide they
    read "−47% energy"."""
    framed = shared_page("lecture", {"claim": "compression"}, is_embedded=True)
    plain = shared_page("lecture", {"claim": "compression"})
    saved = [m.value for m in framed.metric if m.value.startswith("−")]
    assert saved and all(v.endswith("%") for v in saved), saved
    assert [m.value for m in plain.metric if m.value.startswith("−")] == [f"{v} energy" for v in saved]
