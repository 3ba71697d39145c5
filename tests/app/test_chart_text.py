"""Each chart's text alternative (app_pages/ui/chart_text.py): what a screen reader announces for it, from
the chart's own spec (audit A5: every chart was "Vega visualization"). The browser check that the label
reaches the page is in tests/browser/test_browser_a11y.py."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest
from apptest_pages import shared_page

from app_pages.pages import lecture
from app_pages.ui import chart_text, charts

BARS = pd.DataFrame({"what": ["AlphaGo", "brain"], "w": [1e6, 20.0]})
LINES = pd.DataFrame({"year": [2020, 2021, 2020, 2021], "v": [1, 2, 1, 3], "series": ["a", "a", "b", "b"]})


def test_a_bar_chart_names_its_measure_and_lists_its_bars():
    spec = alt.Chart(BARS).mark_bar().encode(x=alt.X("w:Q", title="Power (W)"), y=alt.Y("what:N", title=None)).to_dict()
    assert chart_text.describe(spec) == "Bar chart of Power (W) for AlphaGo and brain."


def test_a_line_chart_names_its_axes_and_series_in_order():
    chart = alt.Chart(LINES).mark_line().encode(x=alt.X("year:O", title="Year"), y=alt.Y("v:Q", title="Growth"),
                                                color=alt.Color("series:N", legend=alt.Legend(title=None)))
    # a year on an ordinal axis is a category: the bars' wording, the series still listed
    assert chart_text.describe(chart.to_dict()) == "Line chart of Growth for 2020 and 2021; 2 series: a and b."
    chart = chart.encode(x=alt.X("year:Q", title="Year"))
    assert chart_text.describe(chart.to_dict()) == "Line chart of Growth against Year; 2 series: a and b."


def test_a_layered_chart_is_named_by_its_data_marks_and_titled():
    points = alt.Chart(LINES).mark_point().encode(x=alt.X("year:Q", title="Published"), y=alt.Y("v:Q", title="Predicted"),
                                                  color=alt.Color("series:N", title="Family",
                                                                  scale=alt.Scale(domain=["b", "a"])))
    band = alt.Chart(LINES).mark_area().encode(x="year:Q", y="v:Q")
    diagonal = alt.Chart(LINES).mark_line().encode(x="year:Q", y="v:Q")
    spec = alt.layer(band, diagonal, points).properties(title=["Fitted", "utilisation"]).to_dict()
    # points before the diagonal and the band; the legend's own domain order; a title of lines joined
    assert chart_text.describe(spec) == ("Scatter plot (Fitted utilisation) of Predicted against Published; "
                                         "2 series by Family: b and a.")


def test_a_long_list_is_cut_with_its_count_and_the_label_has_a_length_limit():
    many = pd.DataFrame({"name": [f"device {i}" for i in range(12)], "t": range(12)})
    spec = alt.Chart(many).mark_point().encode(x=alt.X("t:Q", title="Days"), y=alt.Y("name:N")).to_dict()
    text = chart_text.describe(spec)
    assert text.endswith("device 6, device 7 and 4 more.") and "device 8" not in text
    huge = pd.DataFrame({"name": ["x" * 150 + str(i) for i in range(8)], "t": range(8)})
    text = chart_text.describe(alt.Chart(huge).mark_bar().encode(x="t:Q", y="name:N").to_dict())
    assert len(text) == chart_text.MAX_CHARS and text.endswith("…")
    assert chart_text.describe({"mark": "text"}) == "Chart."


def test_a_chart_of_many_rows_is_described_and_the_row_guard_is_left_as_it_was():
    big = pd.DataFrame({"x": range(6000), "y": range(6000)})
    chart = alt.Chart(big).mark_point().encode(x=alt.X("x:Q", title="X"), y=alt.Y("y:Q", title="Y"))
    assert chart_text.with_description(chart).description == "Scatter plot of Y against X."
    with pytest.raises(alt.MaxRowsError):  # Altair's own guard is back on after the description was read
        chart.to_dict(validate=False)


def test_a_chart_keeps_a_description_of_its_own():
    own = alt.Chart(BARS).mark_bar().encode(x="w:Q", y="what:N").properties(description="Mine.")
    assert chart_text.with_description(own).to_dict()["description"] == "Mine."
    made = chart_text.with_description(alt.Chart(BARS).mark_bar().encode(x="w:Q", y="what:N"))
    assert made.to_dict()["description"] == "Bar chart of w for AlphaGo and brain."


def test_a_templated_chart_lists_this_runs_data(monkeypatch):
    """render_templated caches a spec without data, so its series come from the frame drawn."""
    drawn = {}
    monkeypatch.setattr(charts.st, "vega_lite_chart", lambda df, spec, **kw: drawn.update(spec=spec))
    frame = pd.DataFrame({"series": ["x", "y"], "years": [0.0, 2.0], "growth": [1.0, 3.0]})
    charts.render_templated(lambda df: alt.Chart(df).mark_line().encode(x="years:Q", y="growth:Q", color="series:N"),
                            frame)
    assert drawn["spec"]["description"] == "Line chart of growth against years; 2 series: x and y."


PAGES = [("estimate", {}), ("compare", {}), ("profiles", {}), ("limits", {}), ("inference", {}), ("accuracy", {})] + \
        [("lecture", {"claim": c.id}) for c in lecture.CLAIMS] + [("lecture", {"claim": "memory-wall", "embed": "true"})]


@pytest.mark.parametrize("module, params", PAGES, ids=[f"{m}-{p.get('claim', '')}" for m, p in PAGES])
def test_every_chart_on_every_page_says_what_it_shows(module, params):
    at = shared_page(module, params, is_embedded="embed" in params)
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        text = spec.get("description", "")
        assert text and text != "Vega visualization" and text.endswith((".", "…"))
        assert text.split(" of ")[0] in {*chart_text.MARK_WORDS.values(), "Chart"} or " (" in text.split(" of ")[0]
        assert " of " in text, text  # what is plotted is named
