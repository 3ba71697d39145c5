"""What the pages show, checked without a browser: metrics in rows that wrap instead of cutting a
number, chart legends that name every series, tables without a raw "None", and numbers past the
largest unit in powers of ten (axis labels: tests/app/test_axis_labels.py). ``tests/browser/test_browser.py`` looks at
the same pages in Chromium."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

pytest.importorskip("streamlit")
from apptest_pages import shared_page  # noqa: E402
from streamlit import dataframe_util  # noqa: E402

from app_pages.pages import accuracy_serving as serving_page  # noqa: E402
from app_pages.pages import estimate_sweep as size_sweep
from app_pages.pages import lecture
from app_pages.pages import limits as limits_page  # noqa: E402
from app_pages.pages.compare import (
    comparison_table,
    table_view,  # noqa: E402
)
from app_pages.ui import (
    charts,
    style,  # noqa: E402
)
from estimator.report import humanize as hz  # noqa: E402
from estimator.services import api  # noqa: E402
from estimator.services.limits import reports as limits
from estimator.services.training import size_sweep as sweep_service  # noqa: E402

# --- numbers past the largest unit ----------------------------------------------------------------


def test_numbers_past_the_largest_unit_use_powers_of_ten():
    assert hz.water(1.48e16) == "1.48 × 10¹³ m³"  # was "14,800,000 million m³"
    assert hz.water(2.47e14) == "2.47 × 10¹¹ m³"  # was "247,000 million m³"
    assert hz.energy(3.66e15) == "3.66 × 10⁶ TWh"  # was "3,660,000 TWh"
    assert hz.power(5e15) == "5 × 10³ TW" and hz.co2e(2.5e16) == "2.5 × 10⁴ Gt CO₂e"
    # below the limit, unchanged
    assert hz.water(2.47e11) == "247 million m³" and hz.energy(9.99e11) == "999 TWh"
    assert hz.energy(1287e3) == "1.29 GWh" and hz.power(3.42e12) == "3.42 TW"


def test_small_numbers_in_scientific_style_are_plain():
    assert hz.sci(1) == "1"  # "Training FLOPs 1", not "10⁰"
    assert hz.sci(50) == "50" and hz.sci(123.456) == "123" and hz.sci(2.5) == "2.5"
    assert hz.sci(999.6) == "10³" and hz.sci(1e3) == "10³" and hz.sci(3.14e23) == "3.14 × 10²³"
    assert hz.sci(0.5) == "5 × 10⁻¹" and hz.count(1e300) == "10³⁰⁰"


# Scaled units stop at 4 digits (9,990 kWh, then MWh); counts at 6 (999,000, then "1 million").
@pytest.mark.parametrize("show, digits", [(hz.energy, 4), (hz.power, 4), (hz.co2e, 4), (hz.water, 4), (hz.money, 4),
                                          (hz.duration, 6), (hz.count, 6)])
def test_no_number_has_a_long_mantissa(show, digits):
    for x in np.logspace(-3, 30, 331):
        text = show(float(x))
        if "×" in text:  # powers of ten: the mantissa has one digit before the point
            assert re.match(r"^\$?\d(\.\d+)? × 10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+", text) or re.match(r"^\$?10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+", text), text
            continue
        whole = re.match(r"^\$?([\d,]+)", text).group(1).replace(",", "")
        assert len(whole) <= digits, (show.__name__, x, text)


# --- metrics: rows that wrap, never a cut number --------------------------------------------------


def _metric_rows(at) -> list[tuple[str, str]]:
    """(label, id of the nearest wrapping metric row or "") for every metric on the page."""
    out = []

    def walk(node, row):
        proto = getattr(node, "proto", None)
        block_id = getattr(proto, "id", "") if proto is not None else ""
        if style.METRIC_ROW_KEY in block_id:
            flex = proto.flex_container
            assert flex.wrap and flex.direction == flex.Direction.HORIZONTAL, block_id
            row = block_id
        if type(node).__name__ == "Metric":
            out.append((node.label, row))
        children = getattr(node, "children", None)
        for child in (children.values() if isinstance(children, dict) else []):
            walk(child, row)

    walk(at.main, "")
    return out


@pytest.mark.parametrize("page, params", [
    ("limits", {}), ("limits", {"lim": "Diminishing returns"}), ("limits", {"lim": "Trends"}),
    ("limits", {"lim": "Contrasts"}), ("inference", {}), ("accuracy", {})])
def test_headline_metrics_sit_in_rows_that_wrap(page, params):
    """At 1280 px with the sidebar open, five metrics in st.columns got 95 px each ("69.3 bi…",
    "$…"), and "J per token: inside the 80% range" 171 px of its 193: every metric is now in a
    wrapping row whose cells are at least as wide as their text."""
    at = shared_page(page, params)
    rows = _metric_rows(at)
    assert rows and all(row for _, row in rows), [label for label, row in rows if not row]
    css = " ".join(h.proto.body for h in at.get("html"))
    assert "min-width: fit-content" in css and style.METRIC_ROW_KEY in css


def test_lecture_mode_keeps_its_columns():
    at = shared_page("limits", {"lecture": "1", "lim": "Diminishing returns"})
    assert not any(row for _, row in _metric_rows(at))  # lecture CSS sizes the numbers to columns


def test_metric_values_are_whole():
    m = {x.label: x.value for x in shared_page("limits").metric}
    assert m["Parameters"] == "69.3 billion" and m["Tokens"] == "1.39 trillion"
    assert m["FLOPs"] == hz.sci(5.76e23) == "5.76 × 10²³"
    assert not any(v.endswith("…") for v in m.values())


# --- charts: a legend entry per series, never cut -------------------------------------------------


def _legend(spec: dict) -> dict:
    return spec["encoding"]["color"]["legend"]


def test_growth_chart_names_every_series_in_lines_that_fit_a_phone():
    table = limits.trend_report().table
    spec = limits_page.growth_chart(table).to_dict()
    legend = _legend(spec)
    assert legend["orient"] == "bottom" and legend["direction"] == "vertical" and legend["labelLimit"] == 0
    series = {r["series"] for r in next(iter(spec["datasets"].values()))}
    assert len(series) == 4
    for name in series:  # each long label is split into lines of at most LEGEND_LINE_CHARS
        if len(name) > charts.LEGEND_LINE_CHARS:
            lines = charts._label_lines(name)
            assert json.dumps(lines) in legend["labelExpr"] and " ".join(lines) == name
            assert max(map(len, lines)) <= charts.LEGEND_LINE_CHARS


def test_memory_wall_chart_has_three_named_series_and_decade_ticks():
    spec = lecture.memory_wall_chart().to_dict()
    assert len({r["series"] for r in next(iter(spec["datasets"].values()))}) == 3
    assert _legend(spec)["direction"] == "vertical"
    ticks = spec["encoding"]["y"]["axis"]["values"]
    assert ticks == [10.0 ** k for k in range(len(ticks))]  # 1, 10, 100, …: not 6,000× and 700×


def test_rendered_charts_fit_the_width_with_legends_below():
    at = shared_page("lecture", {"claim": "compute-growth"})
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    # a claim's chart fits the slide's width and the height its numbers leave (style.SLIDE_CSS)
    assert spec["autosize"] == {"type": "fit", "contains": "padding"}
    assert spec["config"]["legend"]["orient"] == "bottom" and spec["config"]["legend"]["direction"] == "vertical"
    assert spec["config"]["legend"]["labelLimit"] == 0 and spec["config"]["axis"]["titleLimit"] == 0
    spec = json.loads(shared_page("limits").get("vega_lite_chart")[0].proto.spec)  # not only in lecture mode
    assert spec["config"]["legend"]["direction"] == "vertical"
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}  # off a slide the plot keeps its height


def test_powers_of_ten_on_axes_replace_every_digit():
    """Vega's replace() with a string pattern replaces the first match only: 10¹¹ read "10¹1"."""
    assert "/1/g" in charts.POW10 and "'1'," not in charts.POW10


def test_accuracy_scatter_is_one_chart_per_panel():
    """A facet has a fixed width (877 px: cut on a phone); one chart per panel in st.columns
    stacks them on a narrow screen, each with the family legend."""
    at = shared_page("accuracy")
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    titles = [s.get("title", {}).get("text") for s in specs]
    assert [t for t in titles if t in charts.ACCURACY_PANELS] == list(charts.ACCURACY_PANELS)
    for spec in specs[:2]:
        assert "facet" not in spec and spec["autosize"]["type"] == "fit-x"
        assert "Hardware family" in json.dumps(spec)


def _fits_its_column(spec: dict) -> bool:
    """A single or layered chart as wide as its container: no fixed width, no concatenation or
    facet (those take their panels' fixed widths: 793 and 968 px, past a phone's 358)."""
    return (spec["autosize"]["type"] == "fit-x" and "width" not in spec
            and not {"facet", "hconcat", "vconcat", "concat"} & set(spec))


def test_accuracy_serving_charts_are_one_chart_per_quantity_that_fits_its_column():
    at = shared_page("accuracy")
    specs = {s.get("title", {}).get("text"): s for s in (json.loads(c.proto.spec) for c in at.get("vega_lite_chart"))}
    labels = [label for _, label, *_ in serving_page.INFERENCE_QUANTITIES]
    assert set(labels) <= set(specs), list(specs)
    for label in labels:  # (each names its two series in its own legend: tests/browser/test_browser.py)
        assert _fits_its_column(specs[label]), label


@pytest.mark.parametrize("params, drawn", [
    ({"preset": "lambda-gpt3-v100"}, ("Training time (days)", "Cost (USD)", "CO₂e (t)")),
    ({"workload": "params", "params": "7e9", "tokens": "2e12", "hardware": "h800"},  # no price: no cost chart
     ("Training time (days)", "CO₂e (t)"))])
def test_growth_charts_are_one_chart_per_quantity_that_fits_its_column(params, drawn):
    """Three 260-pixel panels in one facet were 968 px wide: past the 820-pixel page beside the
    sidebar at 1280 px and a phone's 358. One chart per quantity now, each with its own rows."""
    at = shared_page("estimate", {**params, "tab": "Model size"})
    drawn_charts = at.get("vega_lite_chart")
    specs = [json.loads(c.proto.spec) for c in drawn_charts]
    assert [s["title"]["text"] for s in specs] == list(drawn)
    for chart, spec, quantity in zip(drawn_charts, specs, drawn):
        assert _fits_its_column(spec), quantity
        rows = dataframe_util.convert_arrow_bytes_to_pandas_df(chart.proto.data.data)
        assert len(rows) and set(rows["quantity"]) == {quantity}


def test_each_growth_chart_draws_its_own_quantity():
    from estimator.services import api
    df = sweep_service.model_size_sweep(api.run(preset_id="gpt3-175b")).df
    for quantity in sweep_service.SCALING_QUANTITIES:
        spec = size_sweep.scaling_chart(df, quantity).to_dict(validate=True)
        assert spec["title"]["text"] == quantity and spec["title"]["limit"] == 0
        assert {"filter": f"(datum.quantity === '{quantity}')"} in spec["transform"]


# --- tables: "n/a", never "None"; numbers as the Estimate page writes them ---------------------


def _shown(at, i: int = 0):
    """The table as the browser shows it (the Styler's display values)."""
    return dataframe_util.convert_arrow_bytes_to_pandas_df(at.dataframe[i].proto.arrow_data.styler.display_values)


def _cells(df) -> list[str]:
    return [str(v) for v in df.to_numpy().ravel()]


def test_compare_table_says_n_a_and_humanises_its_numbers():
    at = shared_page("compare", {"preset": "lambda-gpt3-v100", "cmp_ref": "true"})
    shown = _shown(at).set_index("hardware")
    assert not {"None", "nan", "inf", "Infinity"} & set(_cells(shown))
    assert shown.loc["h800", "cost_usd"] == "n/a"  # no hourly price, as on the Estimate page
    assert shown.loc["v100-sxm2", "time_days"] == "355 years" and shown.loc["v100-sxm2", "cost_usd"] == "$4.6M"
    assert shown.loc["h100-sxm", "device_hours"].count(",") == 1  # 379,000
    numbers = at.dataframe[0].value.set_index("hardware")  # the cells keep the numbers for sorting
    assert numbers.loc["h800", "cost_usd"] == np.inf and numbers.loc["v100-sxm2", "cost_usd"] > 4e6
    order = list(at.dataframe[0].proto.column_order)
    assert order[:8] == ["hardware", "time_days", "device_hours", "energy_mwh", "co2e_t", "cost_usd", "embodied_t",
                         "water_m3"]
    assert order[-1] == "hardware_name" and "kind" not in order
    # embodied CO₂e and water, as the CLI's compare gives them
    est = api.run(hardware="v100-sxm2", preset_id="lambda-gpt3-v100").estimate
    assert shown.loc["v100-sxm2", "embodied_t"] == hz.co2e_short(est.embodied_co2e_kg)
    assert shown.loc["v100-sxm2", "water_m3"] == hz.water(est.water_l)


def test_compare_page_with_embodied_switched_off_says_n_a_and_charts_nothing():
    at = shared_page("compare", {"preset": "lambda-gpt3-v100", "embodied": "false", "cmp": "embodied"})
    shown = _shown(at).set_index("hardware")
    assert set(shown["embodied_t"]) == {"n/a"} and "n/a" not in set(shown["water_m3"])
    assert not at.exception and any("nothing to chart" in i.value for i in at.info)


def test_compare_chart_names_the_profiles_it_leaves_out():
    at = shared_page("compare", {"preset": "lambda-gpt3-v100", "cmp": "cost"})
    shown = _shown(at).set_index("hardware")
    no_price = sorted(h for h, v in shown["cost_usd"].items() if v == "n/a")
    assert no_price  # the H800 has no hourly price
    assert any(m.value.replace("\\", "") == f"Not in the chart (no figure for cost: n/a in the table): "
               f"{', '.join(no_price)}." for m in at.caption)


def test_compare_table_view_keeps_the_table_it_was_given():
    df, _ = comparison_table({"preset_id": "gpt3-175b"}, ["h100-sxm", "h800"])
    view = table_view(df)
    assert df["cost_usd"].isna().sum() == 1  # the data is untouched: the chart drops the missing cost
    assert "n/a" in view.to_string() and "None" not in view.to_string()


def test_profiles_table_says_n_a_and_separates_thousands():
    at = shared_page("profiles")
    shown = _shown(at).set_index("id")
    assert not {"None", "nan", "inf", "Infinity"} & set(_cells(shown))
    assert list(shown.loc["brain", ["year", "memory_gb", "bandwidth_gb_s", "price_usd_h"]]) == ["n/a"] * 4
    assert shown.loc["h100-sxm", "year"] == "2022" and shown.loc["h100-sxm", "bandwidth_gb_s"] == "3,350"
    assert shown.loc["h100-sxm", "price_usd_h"].startswith("$")
