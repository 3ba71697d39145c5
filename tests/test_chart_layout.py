"""Charts a phone and a projector can read (a browser check: on a 390 px phone long bar labels took
the whole width and no bar was drawn; at lecture size crowded rows dropped labels; one series had two
colours on adjacent slides)."""

from __future__ import annotations

import json

import pandas as pd

from app_pages import charts, lecture, style
from app_pages.limits import growth_chart
from estimator.laws import trends
from estimator.services import limits
from tests.apptest_pages import run_page


def test_bar_labels_are_capped_and_rows_spaced_for_the_font():
    for lecture_mode, px in ((False, style.NORMAL_CHART_FONT_PX), (True, style.LECTURE_CHART_FONT_PX)):
        chart = alt_bar_chart()
        cfg = style.chart_fonts(chart, lecture=lecture_mode).to_dict()["config"]
        assert cfg["axisBand"]["labelLimit"] == style.BAND_LABEL_LIMIT_PX[lecture_mode] <= 220  # a phone keeps 170 px
        assert cfg["view"]["discreteHeight"] == {"step": round(style.BAND_STEP_FONTS * px)}
        assert cfg["axis"]["labelLimit"] == 0  # other axes (numbers) are never cut


def alt_bar_chart():
    import altair as alt
    df = pd.DataFrame({"label": ["50% of weights pruned, skipped by the kernels", "no compression"], "v": [1.0, 2.0]})
    return alt.Chart(df).mark_bar().encode(x="v:Q", y="label:N", tooltip=["label", "v"])


def test_the_pages_bar_charts_keep_no_label_limit_of_their_own():
    """A chart's own ``labelLimit: 0`` (or 320) would override the cap: the savings chart, the log bar
    chart (brain vs AlphaGo) and the lecture's compression chart leave it to the config."""
    at = run_page("lecture", {"claim": "compression"})
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
    assert bars == 1
    spec = charts.log_bar_chart(pd.DataFrame({"what": ["AlphaGo distributed (2016 match)", "brain"], "w": [1e6, 20.0]}),
                                "w", "what", "Power").to_dict()
    assert "labelLimit" not in (spec["encoding"]["y"].get("axis") or {})


def test_a_trend_series_has_one_colour_on_every_chart():
    growth = growth_chart(limits.trend_report().table).to_dict()["encoding"]["color"]["scale"]
    wall = lecture.memory_wall_chart().to_dict()["encoding"]["color"]["scale"]
    colour = dict(zip(growth["domain"], growth["range"]))
    assert dict(zip(wall["domain"], wall["range"])) == {k: colour[k] for k in wall["domain"]}
    assert trends.TRAINING_COMPUTE_LABEL not in wall["domain"]  # the memory wall's legend lists only its own three
    assert len(set(growth["range"])) == len(growth["range"]) == 4
