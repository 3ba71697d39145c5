"""Every page of the app runs without exception; Compare and Profiles show the core's numbers.

Pages run through ``apptest_pages.run_page`` (AppTest's switch_page takes file paths only).
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from apptest_pages import TIMEOUT_S as TIMEOUT  # noqa: E402
from apptest_pages import run_page, shared_page
from streamlit.testing.v1 import AppTest  # noqa: E402

from app_pages.pages import estimate_sweep as size_sweep  # noqa: E402
from app_pages.ui import charts
from estimator.core.base.units import S_PER_DAY  # noqa: E402
from estimator.report.provenance import CONTEXT_COLUMNS, CONTEXT_TEXT_COLUMNS  # noqa: E402
from estimator.services import api  # noqa: E402
from estimator.services.training import size_sweep as sweep_service  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import app as app_module  # noqa: E402  (app.py defines PAGES; importing it outside streamlit is harmless)

ALL_PAGES = [p[0] for p in app_module.PAGES]


# Each page's title, and the metrics it must show with no parameters: a stub page fails here.
PAGE_TITLES = {
    "estimate": ("GPT-3 175B (Patterson et al. 2021)", {"Training time", "Energy", "CO₂e", "Cost"}),
    "compare": ("Compare hardware", set()),
    "profiles": ("Profiles & sources", set()),
    "calibrate": ("Calibrate", set()),
    "limits": ("Limits of scale", {"Parameters", "Tokens", "Predicted loss (cross-entropy per token)", "FLOPs"}),
    "inference": ("Inference & compression", {"Time per output token", "Energy per output token"}),
    "plan": ("Plan a training run", {"Training time", "MFU (model FLOPs)", "Cost", "CO₂e"}),
    "accuracy": ("How far can I trust this?", {"Typical miss on unseen runs", "Inside the 80% interval"}),
    "lecture": ("Lecture: the limits of deep learning, claim by claim", set()),
}
# Pages that read the scenario parameters below (the others say nothing on them reads them).
SCENARIO_PARAM_PAGES = {"estimate", "compare", "profiles"}
TAMPERED = {"hardware": "nope", "devices": "NaN", "preset": "<img src=x>", "pue": "-1"}


def test_the_title_table_names_every_page():
    assert set(PAGE_TITLES) == set(ALL_PAGES)


@pytest.mark.parametrize("module", ALL_PAGES)
def test_every_page_runs(module):
    at = shared_page(module)
    title, metrics = PAGE_TITLES[module]
    assert [t.value.replace("\\", "") for t in at.title] == [title]
    assert metrics <= {m.label for m in at.metric}
    # no default page warns: the Inference page's one warning (what the held-out benchmarks found at batch 1) is
    # vllm-2024's, and its default engine since issue 54, optimized-2024, was fitted to those benchmarks
    assert [w.value.replace("\\", "") for w in at.warning] == [] and not at.error


@pytest.mark.parametrize("module", ALL_PAGES)
def test_every_page_survives_tampered_params(module):
    at = run_page(module, TAMPERED)
    assert [t.value.replace("\\", "") for t in at.title][:1] == [PAGE_TITLES[module][0]]
    warned = {key for key in TAMPERED for w in at.warning if f"Ignored URL parameter `{key}`" in w.value}
    # every key is warned about: a bad value where the page reads it, else as an input the page does not
    # have (app_pages/inputs/url_check.py; audit: a typo in a shared link was kept without a word)
    assert warned == set(TAMPERED)
    unread = {key for key in TAMPERED for w in at.warning if f"Ignored URL parameter `{key}`" in w.value
              and "nothing on the page as opened reads it" in w.value}
    if module in SCENARIO_PARAM_PAGES:  # the sidebar's scenario pages read all four; Profiles reads hardware
        assert unread == (set(TAMPERED) - {"hardware"} if module == "profiles" else set())
    assert not set(TAMPERED) & set(at.query_params)  # dropped from the address
    # the tampered markup is never rendered as HTML
    assert all("<img" not in h.proto.body for h in at.get("html"))
    if module == "estimate":  # every bad value falls back: the default preset on its own hardware
        from app_pages.pages.estimate import headline_values
        want = headline_values(api.run(preset_id="gpt3-175b").estimate)
        assert {m.label: m.value for m in at.metric if m.label in want} == want


def test_app_registers_the_pages():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    if not hasattr(at, "_registered_pages"):  # AppTest internals (Streamlit 1.67); no public accessor
        pytest.skip("this Streamlit's AppTest does not expose the registered pages")
    titles = {p["page_name"] for p in at._registered_pages.values()}
    assert titles == {"Estimate", "Compare hardware", "Profiles & sources", "Calibrate", "Plan a run", "Limits of scale",
                      "Inference & compression", "Accuracy", "Lecture"}  # Plan a run: issue 53's layout search


def test_compare_page_numbers_are_the_cores():
    at = run_page("compare", {"preset": "lambda-gpt3-v100"})
    df = at.dataframe[0].value.set_index("hardware")
    assert len(df) >= 15 and "brain" not in df.index  # reference points only when asked for
    assert df.loc["v100-sxm2", "price_basis"] == "reserved" and df.loc["h100-sxm", "price_basis"] == "on-demand"
    assert df.loc["h100-sxm", "host_in_power"] == "yes"
    at = run_page("compare", {"preset": "lambda-gpt3-v100", "cmp_ref": "true"})
    df = at.dataframe[0].value.set_index("hardware")
    assert df.loc["brain", "reference"] == "reference point, × 1" and df.loc["h100-sxm", "reference"] == ""
    for hw in ("v100-sxm2", "h100-sxm", "tpu-v4", "brain"):
        est = api.run(hardware=hw, preset_id="lambda-gpt3-v100").estimate
        assert df.loc[hw, "time_days"] == pytest.approx(est.wall_clock_s / S_PER_DAY, rel=1e-12)
        assert df.loc[hw, "energy_mwh"] == pytest.approx(est.energy_kwh / 1e3, rel=1e-12)
        assert df.loc[hw, "co2e_t"] == pytest.approx(est.co2e_kg / 1e3, rel=1e-12)
    # sorted by time, a run the device cannot hold as set after those it can (compare review 2026-11-29)
    key = list(zip(df["memory"] == "does not fit", df["time_days"]))
    assert key == sorted(key) and df.loc["v100-sxm2", "memory"] == "does not fit"
    # a chart is drawn for every quantity
    for q in ("energy", "cost", "co2e"):
        at.radio(key="cmp").set_value(q).run()
        assert not at.exception
        assert at.get("vega_lite_chart")


def test_compare_follows_the_sidebar_inputs():
    at = shared_page("compare", {"workload": "params", "params": "1e9", "tokens": "2e10", "devices": "8"})
    df = at.dataframe[0].value.set_index("hardware")
    est = api.run(hardware="a100-sxm-80gb", params=1e9, tokens=2e10, devices=8).estimate
    assert df.loc["a100-sxm-80gb", "time_days"] == pytest.approx(est.wall_clock_s / S_PER_DAY, rel=1e-12)


def test_profiles_page_shows_the_chosen_device_and_its_roofline():
    at = run_page("profiles", {"hardware": "a100-sxm-80gb"})
    assert any("NVIDIA A100 SXM 80GB" in s.value.replace("\\", "") for s in at.header)
    assert at.get("vega_lite_chart"), "roofline chart missing"
    table = at.dataframe[0].value
    assert set(table["id"]) >= {"v100-sxm2", "h100-sxm", "tpu-v4", "brain"}
    at.selectbox(key="hardware").set_value("tpu-v4").run()
    assert any("TPU v4" in s.value.replace("\\", "") for s in at.header)


# --- downloads: clean numbers, never the +inf a table keeps for "n/a" ---------------------


def test_compare_download_is_the_clis_csv(captured_downloads, cli):
    """The Compare page's CSV is the file `compare --format csv` writes for the same scenario,
    a missing cost (no price: the brain) left empty."""
    run_page("compare", {"preset": "lambda-gpt3-v100", "cmp_ref": "true"})
    text = captured_downloads["compare.csv"]
    code, out, _ = cli("compare", "--preset", "lambda-gpt3-v100", "--format", "csv")
    assert code == 0
    rows = {row[0]: row for row in list(csv.reader(io.StringIO(text)))[1:]}
    cli_rows = {row[0]: row for row in list(csv.reader(io.StringIO(out)))[1:]}
    header = next(csv.reader(io.StringIO(text)))
    assert header == next(csv.reader(io.StringIO(out)))
    assert header[:6] == ["hardware", "devices", "precision", "flops", "flops_low", "flops_high"]
    # after the range level, what each row was computed from (journeys R1), the tool's version last
    assert header[header.index("range_level") + 1:] == list(CONTEXT_COLUMNS) and header[-1] == "tool_version"
    assert {k: v for k, v in rows.items() if k in cli_rows} == cli_rows  # the CLI leaves reference points out
    # in the CLI's order too: without the reference points, the page's file is the CLI's, line for line
    run_page("compare", {"preset": "lambda-gpt3-v100"})
    assert captured_downloads["compare.csv"] == out
    brain = dict(zip(header, rows["brain"]))
    assert brain["cost_usd"] == brain["cost_usd_low"] == brain["cost_usd_high"] == ""  # no price: empty
    numbers = [c for c in header if c not in (*CONTEXT_TEXT_COLUMNS, "hardware", "precision") and not c.endswith("_basis")]
    cells = [row[header.index(c)].lower() for row in rows.values() for c in numbers]
    assert all("inf" not in x and "none" not in x for x in cells)
    est = api.run(hardware="h100-sxm", preset_id="lambda-gpt3-v100").estimate
    h100 = dict(zip(header, rows["h100-sxm"]))
    assert float(h100["wall_clock_s"]) == est.wall_clock_s
    assert (float(h100["wall_clock_s_low"]), float(h100["wall_clock_s_high"])) == est.range["wall_clock_s"]
    assert float(h100["embodied_co2e_kg"]) == est.embodied_co2e_kg and float(h100["water_l"]) == est.water_l
    assert (float(h100["water_l_low"]), float(h100["water_l_high"])) == est.range["water_l"]
    assert float(h100["range_level"]) == est.level
    # each range says what it is: the level is the prediction intervals' only (export audit)
    assert h100["wall_clock_s_basis"] == "prediction" and h100["water_l_basis"] == "stated"
    assert h100["flops_basis"] == "exact" and brain["cost_usd_basis"] == ""


def test_profiles_download_leaves_a_missing_number_empty(captured_downloads):
    run_page("profiles")
    import io

    import pandas as pd
    table = pd.read_csv(io.StringIO(captured_downloads["profiles.csv"]), keep_default_na=False).set_index("id")
    assert table.loc["brain", "price_usd_h"] == "" and table.loc["brain", "memory_gb"] == ""
    assert float(table.loc["h100-sxm", "peak_tflops"]) == pytest.approx(989.4, rel=1e-3)
    assert "inf" not in captured_downloads["profiles.csv"].lower()


def test_table_toolbars_export_nothing(root):
    """A table that shows "n/a" keeps +inf in the cell so it sorts; the toolbar's own CSV export
    would write it, so the app turns that export off (the pages offer their own CSV)."""
    import tomllib
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True


def test_the_server_log_is_not_told_of_state_the_app_sets_on_purpose(root):
    """Lecturer review 2026-11-30: the server logged Streamlit's "created with a default value but also had its value
    set via the Session State API" for widgets the app resets on purpose (a refused URL value, a new preset)."""
    import tomllib
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text())
    assert config["global"]["disableWidgetStateDuplicationWarning"] is True


# --- the chart specs are valid Vega-Lite (validated here, not at render time) ----------


def test_chart_specs_validate():
    result = api.run(preset_id="gpt3-175b")
    sweep = sweep_service.model_size_sweep(result)
    df, n = sweep.df, sweep.n
    assert n == 175e9  # GPT-3's own size (the preset's model_params), not √(C / (6 × 20)) ≈ 51B
    scenario = df[(df["kind"] == "scenario") & (df["quantity"] == "CO₂e (t)")]
    assert scenario["value"].iloc[0] == pytest.approx(result.estimate.co2e_kg / 1e3)
    sweep = df[df["kind"] == "sweep"]
    assert (sweep["low"] <= sweep["value"]).all() and (sweep["value"] <= sweep["high"]).all()
    for chart in (size_sweep.scaling_chart(df), charts.energy_breakdown_chart(result.estimate),
                  charts.roofline_chart(result.profile)):
        assert isinstance(chart.to_dict(validate=True), dict)
    from app_pages.pages.compare import comparison_table
    table, errors = comparison_table({"preset_id": "gpt3-175b"}, ["v100-sxm2", "h100-sxm"])
    assert not errors
    spec = charts.comparison_chart(table, "energy_mwh", "Energy").to_dict(validate=True)
    rule, points, top = spec["layer"]  # each estimate a point, its range a line (audit: bars from an arbitrary decade)
    # and the scale at the top too, on unseen points (lecturer review 2026-11-27: a tall chart's middle had none in view)
    assert top["encoding"]["x"]["axis"]["orient"] == "top" and top["mark"]["opacity"] == 0
    assert points["encoding"]["x"]["scale"]["type"] == "log" and points["encoding"]["x"]["field"] == "energy_mwh"
    assert rule["encoding"]["x"]["field"] == "energy_mwh_low" and rule["encoding"]["x2"]["field"] == "energy_mwh_high"
    (rows,) = spec["datasets"].values()  # the points are the table's numbers, one per device
    assert {r["hardware"]: r["energy_mwh"] for r in rows} == dict(zip(table["hardware"], table["energy_mwh"]))
    assert rows[0]["energy_mwh"] > 3 * rows[1]["energy_mwh"]  # a V100 spends several times an H100's energy
    for r in rows:  # each range holds its estimate, in the column's unit
        est = api.run(preset_id="gpt3-175b", hardware=r["hardware"]).estimate
        lo, hi = (x / 1e3 for x in est.range["energy_kwh"])
        assert r["energy_mwh_low"] == pytest.approx(lo) and r["energy_mwh_high"] == pytest.approx(hi)
        assert r["energy_mwh_low"] <= r["energy_mwh"] <= r["energy_mwh_high"]


def test_energy_breakdown_adds_up():
    est = api.run(hardware="v100-sxm2", flops=1e21).estimate  # profile power includes a host share
    b = est.breakdown
    assert b.host_kwh > 0 and b.facility_kwh > 0
    assert b.devices_kwh + b.host_kwh + b.facility_kwh == pytest.approx(est.energy_kwh)


def test_contrasts_and_compression_tables_download_as_csv(captured_downloads):
    """With the toolbar export off, the Limits page's contrasts and the Inference page's technique
    table each offer a CSV of their own numbers (unformatted)."""
    import io

    import pandas as pd
    at = run_page("limits", {"lim": "Contrasts"})
    table = at.table[0].value  # a table whose cells wrap (issue 55)
    csv_table = pd.read_csv(io.StringIO(captured_downloads["contrasts.csv"]))
    assert list(csv_table["contrast"]) == list(table["contrast"])
    # the page shows them as people read them (browser audit: "3422000000000" beside "3.42 TW" in the
    # cards), the CSV keeps the numbers
    from app_pages.pages.limits import contrast_text
    from estimator.services.limits import reports as limits
    items = limits.contrast_report()
    assert list(table["value"]) == [contrast_text(x) for x in items]
    assert csv_table["value"].tolist() == pytest.approx([x.value for x in items], rel=1e-12)
    assert "3.42 TW" in list(table["value"]) and "50,000× (range 3,300× – 50,000×) (stated)" in list(table["value"])
    ranged = [x for x in items if x.range is not None]  # the CSV keeps each range's ends and basis too
    assert csv_table.set_index("contrast").loc[[x.label for x in ranged], "low"].tolist() == pytest.approx(
        [x.range[0] for x in ranged], rel=1e-12)
    assert set(csv_table["range_basis"].dropna()) == {"prediction", "stated"}
    at = run_page("inference")
    techniques = pd.read_csv(io.StringIO(captured_downloads["compression.csv"]))
    shown = next(d.value for d in at.dataframe if "technique" in d.value.columns)
    assert list(techniques["technique"]) == list(shown["technique"])
    assert techniques["j_per_token"].tolist() == pytest.approx(shown["j_per_token"].tolist(), rel=1e-12)


def test_the_range_bar_puts_the_dot_where_the_estimate_lies():
    from app_pages.ui import style
    assert style.log_position(10.0, 1.0, 100.0) == pytest.approx(0.5)       # the centre of a log interval
    assert style.log_position(100.0, 1.0, 100.0) == 1.0
    assert style.log_position(1.0, 1.0, 100.0) == 0.0
    for unplaced in ((5.0, 0.0, 10.0), (5.0, 3.0, 3.0), (None, 1.0, 2.0), (5.0, None, 2.0)):
        assert style.log_position(*unplaced) == 0.5
    # AlphaGo's energy is the top of its range (400 kWh–4.00 MWh): its dot sits at the right end,
    # while GPT-3's symmetric ranges keep theirs in the middle
    est = api.run(preset_id="alphago-vs-brain").estimate
    assert est.energy_kwh == est.range["energy_kwh"][1] > est.range["energy_kwh"][0]
    bars = [h.proto.body for h in shared_page("estimate", {"preset": "alphago-vs-brain"}).get("html")
            if "cce-range" in h.proto.body and "<span" in h.proto.body]
    assert bars and all('style="left: 100.0%"' in b for b in bars)
    bars = [h.proto.body for h in shared_page("estimate", {"preset": "gpt3-175b"}).get("html")
            if "cce-range" in h.proto.body and "<span" in h.proto.body]
    assert len(bars) == 4 and all('style="left: 50.0%"' in b for b in bars)


def test_the_placeholders_name_the_values_that_apply_on_other_hardware():
    """BLOOM on an H100: the power and PUE fields name the H100 profile's values (the numbers used),
    not the preset's 400 W and PUE 1.0 that hold only on its A100s."""
    def placeholders(params):
        at = shared_page("estimate", params)
        return {w.label: w.proto.placeholder for w in at.number_input if w.label in ("Power per device (W)", "PUE")}
    own = placeholders({"preset": "bloom-176b"})
    assert own == {"Power per device (W)": "400 (preset)", "PUE": "1 (preset)"}
    h100 = api.default_profiles().get("h100-sxm")
    other = placeholders({"preset": "bloom-176b", "hardware": "h100-sxm"})
    assert other["Power per device (W)"].endswith("(profile)") and other["PUE"] == f"{h100.pue:.3g} (profile)"
    # a power of the user's on the preset's own hardware: the PUE tied to the preset's power goes too
    a100 = api.default_profiles().get("a100-sxm-80gb")
    assert placeholders({"preset": "bloom-176b", "power_w": "300"})["PUE"] == f"{a100.pue:.3g} (profile)"


def test_an_empty_utilisation_field_says_the_fit_for_this_run_not_a_reference_value():
    from app_pages.pages.profiles import utilization_text
    at = shared_page("estimate")
    field = next(w for w in at.number_input if w.label == "Utilisation (fraction of peak)")
    assert field.proto.placeholder == "fitted for this run"
    # the figure used is the one the page states, with its fit
    est = api.run(preset_id="gpt3-175b").estimate
    assert any(f"Utilisation {est.utilization.summary}" in m.value.replace("\\", "") for m in at.markdown)
    # hardware without runs takes the same figure for every run: the field says which
    at = shared_page("estimate", {"hardware": "b200", "flops": "1e23"})
    field = next(w for w in at.number_input if w.label == "Utilisation (fraction of peak)")
    assert field.proto.placeholder == "0.3: 30% rule (no runs)"
    # of the 16-bit peak, the help says: at fp8 or fp4 the estimate takes a share of their peak from it
    assert "a share of the 16-bit peak" in field.proto.help
    # a preset's own value is still named as the preset's
    at = shared_page("estimate", {"preset": "lambda-gpt3-v100"})
    field = next(w for w in at.number_input if w.label == "Utilisation (fraction of peak)")
    assert field.proto.placeholder.endswith("(preset)")
    # the Profiles page names its fitted figure as the fit's value for a reference run, in 3 digits
    from estimator.io.datafiles import default_profiles
    text = utilization_text(default_profiles().get("h100-sxm").utilization)
    # the interval's multiplier is the Epoch rows' held-out 80% point, each developer once (issue 53, 1545519):
    # H100 ×3.5 wide (0.289 ÷ 0.0831), was ×1.75 (0.205 ÷ 0.117); the centre is unchanged
    assert text.startswith("0.155 (80% interval 0.0831 – 0.289) for a 10²² FLOP run, fitted on the H100 family (25 runs); "
                           "the estimate uses the fit at the run's own FLOPs")  # the shipped fit does not use the year
    # a device without runs says which fit it takes, as `profiles show` does
    b200 = default_profiles().get("b200").utilization
    assert utilization_text(b200).startswith(
        "0.300 (80% interval 0.179 – 0.502) for every run, no runs of its own: the flat 30% rule, its interval from "
        "the 5 families held out whole (89 runs; its nearest family, H100, passed over)")
    h200 = default_profiles().get("h200-sxm").utilization
    assert "no runs of its own: the H100 family, widened (25 runs; the same chip)" in utilization_text(h200)


def test_a_broken_model_catalog_is_an_error_box_on_the_inference_page(monkeypatch):
    from estimator.core.base.errors import DataFileError
    from estimator.io import serving_data

    def broken():
        raise DataFileError("open_models.toml: 'x' has unknown keys ['y']; use only the documented keys")
    monkeypatch.setattr(serving_data, "load_catalog", broken)
    at = run_page("inference")                      # run_page fails on any exception shown
    assert [e.value for e in at.error] and "unknown keys" in at.error[0].value
    assert not at.metric


def test_md_escape_keeps_commands_as_code_and_escapes_the_rest():
    from app_pages.ui.common import md_escape
    assert md_escape("measured by `python -m estimator validate` (80%)") == \
        "measured by `python -m estimator validate` \\(80%\\)"
    assert md_escape("[x](http://e.org) `<img src=x>`") == "\\[x\\]\\(http\\://e\\.org\\) `<img src=x>`"
    for unpaired in ("odd ` here", "empty `` span"):                  # no code span to keep: all escaped
        assert "\\`" in md_escape(unpaired)
    # the Estimate page's caption shows the command as code, not as literal backticks
    captions = [c.value for c in shared_page("estimate").caption]
    assert any("`python -m estimator validate`" in c and "\\`" not in c for c in captions)


def test_a_preset_that_gives_only_a_time_says_so_once_on_compare_and_estimate():
    """MLPerf's ResNet-50 preset is a time on 8 H100s, no FLOPs: one clear error, not a warning
    per profile nor "no workload", on both pages (the service layer raises it)."""
    at = shared_page("compare", {"preset": "resnet50-imagenet"})
    shown = [e.value.replace("\\", "") for e in at.error]  # markdown-escaped: h100\-sxm
    assert not at.exception and len(shown) == 1 and "gives a time on h100-sxm, not FLOPs" in shown[0]
    assert not at.warning
    # the Estimate page's picker offers such a preset its own hardware alone: a link naming other
    # hardware is warned about and dropped, and the preset's own numbers show
    at = shared_page("estimate", {"preset": "resnet50-imagenet", "hardware": "a100-sxm-80gb"})
    assert not at.exception and not at.error and any("`hardware`" in w.value for w in at.warning)
    assert next(s for s in at.selectbox if s.label == "Hardware profile").options == ["h100-sxm"]


def test_compare_warns_about_its_own_bad_url_parameters():
    """?cmp and ?cmp_ref are drawn after the sidebar: a bad value of either is still named."""
    at = shared_page("compare", {"preset": "lambda-gpt3-v100", "cmp": "nope"})
    assert not at.exception and any("cmp" in w.value for w in at.warning)
    at = shared_page("compare", {"preset": "lambda-gpt3-v100", "cmp_ref": "maybe"})
    assert not at.exception and any("cmp_ref" in w.value for w in at.warning)


def test_inference_and_limits_say_what_their_numbers_are_on_in_view():
    """Browser audit: in lecture and embed modes the sidebar is closed, and the Inference and Limits
    pages' headline numbers did not say what model or hardware they were for."""
    for params in ({}, {"lecture": "1"}, {"embed": "true"}):
        at = shared_page("inference", {**params, "inf_params": "13e9", "inf_hw": "h100-sxm"})
        text = [x.value.replace("\\", "") for x in at.caption]
        # since issue 54 the line names the engine, the default optimized-2024 too
        assert ("13.0 billion parameters served on 1 × NVIDIA H100 SXM 80GB, 16-bit weights, batch 1; "
                "engine optimized-2024.") in text, text
        at = shared_page("limits", {**params, "lim_hw": "a100-sxm-80gb"})
        text = [x.value.replace("\\", "") for x in at.caption]
        assert "Time, energy, CO₂e and cost on NVIDIA A100 SXM 80GB (a100-sxm-80gb)." in text
    # only in the tabs that use the sidebar's hardware: the Trends tab prices its own device (audit)
    at = shared_page("limits", {"lim_hw": "a100-sxm-80gb", "lim": "Trends"})
    assert not any(x.value.startswith("Time, energy, CO₂e and cost on") for x in at.caption)


def test_the_energy_breakdown_says_why_a_host_share_is_missing():
    """Browser audit: "host share 0 Wh" beside GPT-3's measured 330 W (host included) read as "no host
    energy"; the caption says why there is no share to show."""
    from app_pages.pages.estimate import host_share_text
    from estimator.report import humanize as hz
    def text(**kw):
        r = api.run(**kw)
        return r, host_share_text(r.estimate, r.profile.power.includes_host)
    assert text(preset_id="gpt3-175b")[1] == "not split out (the power per device given is taken as it is, host or not)"
    h100, shown = text(hardware="h100-sxm", flops=1e22)
    assert h100.estimate.breakdown.host_kwh > 0 and shown == hz.energy(h100.estimate.breakdown.host_kwh)
    assert text(hardware="cpu-server-2s-epyc", flops=1e18)[1] == "not included (the profile's power is the device's alone)"
    # review: a TPU's power includes its host with no split known; it is in the devices' figure, not missing
    assert text(hardware="tpu-v3", flops=1e21)[1] == ("in the devices' figure (the profile's power includes the host; "
                                                      "no split is known)")


def test_md_escape_cuts_at_a_words_end():
    """Lecturer review 2026-12-01: a caption cut mid-word ("…tensor parallel 8, pipelin…")."""
    from app_pages.ui.common import md_escape
    assert md_escape("tensor parallel 8, pipeline parallel 4", limit=30) == "tensor parallel 8, pipeline…"
    assert md_escape("x" * 50, limit=10) == "x" * 10 + "…"  # no space near: where the limit falls
