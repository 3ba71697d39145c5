"""The Accuracy page's serving section: the serving model's out-of-sample figures over every
measured serving configuration, beside its baselines (the numbers of
`python -m estimator validate --inference`)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.ui import charts, style
from app_pages.ui import common as c
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import MS_PER_S
from estimator.core.serving.engines import LATENCY_ENGINE, OPTIMIZED_ENGINE, VLLM_ENGINE
from estimator.fit.serving_fit import FACTOR_BANDS as SERVING_FACTOR_BANDS
from estimator.report import export
from estimator.report.provenance import tool_info
from estimator.services.accuracy import utilization as accuracy
from estimator.services.serving import accuracy as serving_accuracy
from estimator.services.serving import trtllm_check, wall_power

VALIDATE_INFERENCE_COMMAND = "python -m estimator validate --inference"
# The serving figures judged (keys of the validation document), how they are shown, and the
# configuration fields that hold them: (document key, label, unit, scale to the unit, config suffix)
INFERENCE_QUANTITIES = (
    ("seconds_per_output_token", "Time per output token (TPOT)", "ms", MS_PER_S, "tpot_s"),
    ("joules_per_output_token", "Energy per output token", "J", 1.0, "j_per_output_token"),
)
# The predictors scored, in the order shown: the serving model and the validation's baselines.
INFERENCE_PREDICTORS = (("model", "serving model"), ("previous", "previous model"),
                        ("per_parameter_per_gpu", "per parameter per GPU"), ("flat_per_gpu", "flat per GPU"))
# The chart's two predictors (the serving model filled, the previous one hollow).
PREDICTOR_COLOURS = charts.CATEGORY_COLOURS[:2]


@st.cache_resource(show_spinner="Reading the serving model's checks…")
def inference_document() -> dict:
    """What `validate --inference` reports, once per server process: the cross-validations as ``fit-serving`` wrote
    them (serving_fit.json), the checks on data no fit saw computed here (about 2 s)."""
    return accuracy.inference_validation_document()


def inference_frame(doc: dict, key: str) -> pd.DataFrame:
    """One row per measured configuration and predictor (the serving model with its interval, the
    previous model), plus the two ends of the diagonal (kind "diagonal"), in the quantity's unit."""
    _, _, unit, scale, suffix = next(q for q in INFERENCE_QUANTITIES if q[0] == key)
    rows = []
    for r in doc["configs"]:
        common = {"kind": "config", "model": r["model"], "hardware": r["hardware"], "batch": r["batch"],
                  "tensor_parallel": r["tensor_parallel"], "measured": r[f"measured_{suffix}"] * scale}
        lo, hi = r[f"interval_{suffix}"]
        rows.append({**common, "predictor": INFERENCE_PREDICTORS[0][1], "predicted": r[f"predicted_{suffix}"] * scale,
                     "low": lo * scale, "high": hi * scale,
                     "inside": bool(r["inside_tpot" if suffix == "tpot_s" else "inside_j"])})
        prev = r[f"previous_{suffix}"] * scale
        rows.append({**common, "predictor": INFERENCE_PREDICTORS[1][1], "predicted": prev, "low": prev, "high": prev,
                     "inside": None})
    df = pd.DataFrame(rows)
    ticks = charts.log_ticks(float(min(df["measured"].min(), df["low"].min())),
                             float(max(df["measured"].max(), df["high"].max())))
    ends = pd.DataFrame([{"kind": "diagonal", "measured": end, "predicted": end, "low": end, "high": end}
                         for end in (ticks[0], ticks[-1])])
    return pd.concat([df, ends], ignore_index=True)


def inference_chart(df: pd.DataFrame, key: str, font_px: int = 12, lecture: bool = False) -> alt.LayerChart:
    """Predicted against measured, log–log: the y = x line (grey), the serving model's
    leave-one-model-out predictions with their interval as bars, the previous model's (hollow).
    One chart per quantity, as wide as its column (``charts.render_chart``): side by side on a wide
    screen, one under the other on a phone (two 300-pixel panels side by side were 793 px wide)."""
    _, label, unit, _, _ = next(q for q in INFERENCE_QUANTITIES if q[0] == key)
    diag = df[df["kind"] == "diagonal"]
    ticks = charts.log_ticks(float(diag["measured"].min()), float(diag["measured"].max()))
    scale = charts.log_scale(ticks)
    axis = charts.log_axis(ticks, labelExpr=charts.human_labels(suffix=f" {unit}"), labelFontSize=font_px,
                           titleFontSize=font_px)
    x = alt.X("measured:Q", scale=scale, axis=axis, title=f"Measured ({unit})")
    y = alt.Y("predicted:Q", scale=scale, axis=axis, title=f"Predicted ({unit})")
    base = alt.Chart(df)
    line = base.transform_filter("datum.kind == 'diagonal'").mark_line(color="gray", strokeDash=[4, 4]).encode(x=x, y=y)
    configs = base.transform_filter("datum.kind == 'config'")
    # one legend for the stroke and the fill (Vega-Lite merges channels on one field): its symbols are
    # filled and hollow like the points (a colour legend alone drew both the same way)
    names = [name for _, name in INFERENCE_PREDICTORS[:2]]
    legend = alt.Legend(orient="bottom", labelFontSize=font_px, labelLimit=0)
    color = alt.Color("predictor:N", title=None, scale=alt.Scale(domain=names, range=list(PREDICTOR_COLOURS)),
                      legend=legend)
    fill = alt.Fill("predictor:N", title=None, scale=alt.Scale(domain=names, range=[PREDICTOR_COLOURS[0], "transparent"]),
                    legend=legend)
    ours = configs.transform_filter(f"datum.predictor == '{names[0]}'")
    # larger in a lecture, to be seen from the back of a room (lecturer review 2026-11-30)
    bars = ours.mark_rule(opacity=0.6, strokeWidth=charts.LECTURE_SCATTER_STROKE_PX if lecture else 1).encode(
        x=x, y=alt.Y("low:Q", scale=scale), y2="high:Q", color=color)
    tooltip = ["model", "hardware", alt.Tooltip("batch:Q", format="d"), alt.Tooltip("tensor_parallel:Q", format="d"),
               "predictor", alt.Tooltip("measured:Q", format=".3~g"), alt.Tooltip("predicted:Q", format=".3~g"),
               alt.Tooltip("low:Q", format=".3~g"), alt.Tooltip("high:Q", format=".3~g"), "inside:N"]
    points = configs.mark_point(size=charts.LECTURE_SCATTER_AREA_PX2 if lecture else 50, opacity=1,
                                strokeWidth=charts.LECTURE_SCATTER_STROKE_PX if lecture else 1).encode(
        x=x, y=y, color=color, fill=fill, tooltip=tooltip)
    return alt.layer(line, bars, points).properties(height=300, title=alt.TitleParams(label, limit=0))


# The table's short names (its long ones made it 1122 px wide in 818 at 1280 beside the sidebar),
# each explained in its header's tooltip.
SHORT_LABELS = {"seconds_per_output_token": "TPOT", "joules_per_output_token": "J per token"}
BY_MODEL, WIDTH = "By model", "Width"
COLUMN_HELP = {"Configs": "Measured serving configurations",
               BY_MODEL: "Coverage with each model counted once (its configurations together weigh one model)",
               WIDTH: "The range's mean width: the geometric mean of high ÷ low"}


# The accuracy tables' cells as the CLI and README write them (both sections use them)
def percent_cell(x: float) -> str:
    return f"{x:.0%}"


def factor_cell(x: float) -> str:
    return f"{x:.2f}×"


def width_cell(x: float) -> str:
    return f"×{x:.2f}"


def inference_summary_table(doc: dict) -> pd.DataFrame:
    """Each predictor's figures for each quantity, side by side (all from the validation document)."""
    rows = []
    for key, *_ in INFERENCE_QUANTITIES:
        for pred, name in INFERENCE_PREDICTORS:
            m = doc[key][pred]
            row = {"Figure": SHORT_LABELS[key], "Predictor": name, "Configs": m["n"], "Median factor": m["median_factor"]}
            for band in SERVING_FACTOR_BANDS:
                row[f"Within {gfmt(band)}×"] = m[f"share_within_{band:g}x"]
            row[f"{doc['interval_level']:.0%} coverage"] = m["interval_coverage"]
            row[BY_MODEL] = m["interval_coverage_by_model"]
            row[WIDTH] = m["interval_mean_width_factor"]
            rows.append(row)
    return pd.DataFrame(rows)


# The baselines the headline puts beside the model's typical miss, the naive one first: the other
# models' measured value per parameter on the same GPU (audit: the lecture view showed only the
# previous model, and the naive baseline, 1.33× and 1.74×, only in the full page's table).
HEADLINE_BASELINES = ("per_parameter_per_gpu", "previous")


def baselines_beside(q: dict) -> str:
    """A quantity's baselines in the same run, as the headline's delta: "per parameter per GPU: 1.33× · …"."""
    names = dict(INFERENCE_PREDICTORS)
    return " · ".join(f"{names[p]}: {q[p]['median_factor']:.2f}×" for p in HEADLINE_BASELINES)


def coverage_label(figure: str, level: str) -> str:
    """A coverage metric's label: the figure shown counts each model once, the method's unit."""
    return f"{figure}: inside the {level} range, by model"


def inference_headline(doc: dict, lecture: bool) -> None:
    """Four metrics in a row that wraps (``style.metric_cells``): in st.columns(4) beside the
    sidebar at 1280 px a cell was 171 px, and "J per token: inside the 80% range" (193 px) was cut.
    The same in the lecture view: each typical miss beside the baselines of the same run, each
    coverage by model (the method's unit) with the count by configuration under it, labelled."""
    level = f"{doc['interval_level']:.0%}"
    j, t = doc["joules_per_output_token"], doc["seconds_per_output_token"]
    cols = style.metric_cells(4, "acc_serving", lecture)
    cols[0].metric("J per token: typical miss", f"{j['model']['median_factor']:.2f}×",
                   delta=baselines_beside(j), delta_color="off", delta_arrow="off",
                   help="Median over configurations of max(predicted ÷ measured, measured ÷ predicted), each "
                        "predicted by a fit that never saw its model; beside it the baselines scored on the same "
                        "configurations in the same run")
    cols[1].metric(coverage_label("J per token", level), f"{j['model']['interval_coverage_by_model']:.0%}",
                   delta=_by_config(j["model"]), delta_color="off", delta_arrow="off",
                   help=f"Each model's share of its configurations whose measured J per output token falls inside "
                        f"the stated range, averaged over the {len({c['model'] for c in doc['configs']})} models (each model weighs one: the "
                        f"method's unit); under it, the share of the {j['model']['n']} configurations counted "
                        "one by one; width: high ÷ low")
    cols[2].metric("TPOT: typical miss", f"{t['model']['median_factor']:.2f}×",
                   delta=baselines_beside(t), delta_color="off", delta_arrow="off")
    cols[3].metric(coverage_label("TPOT", level), f"{t['model']['interval_coverage_by_model']:.0%}",
                   delta=_by_config(t["model"]), delta_color="off", delta_arrow="off")


def _by_config(m: dict) -> str:
    """Under a coverage by model, the count by configuration (the more flattering one where the two CodeLlama models
    hold most configurations) and the width."""
    return f"by configuration: {m['interval_coverage']:.0%} of {m['n']} · width ×{m['interval_mean_width_factor']:.2f}"


def serving_misses(doc: dict) -> None:
    """The measured configurations missed by more than ``MISS_FACTOR`` (TPOT or J per token), named."""
    rows = accuracy.serving_misses(doc)
    if not rows:
        return
    level = doc["interval_level"]
    st.markdown(c.md_escape(
        f"Missed by more than {gfmt(accuracy.MISS_FACTOR)}×: " + "; ".join(
            f"{r['model'].split('/')[-1]} on {r['hardware']} (TP {r['tensor_parallel']}, batch {gfmt(r['batch'])}): "
            f"TPOT {r['factor_tpot']:.2f}× off, {'inside' if r['inside_tpot'] else 'outside'} the {level:.0%} range; "
            f"J per token {r['factor_j']:.2f}×" for r in rows) + ".", limit=900))


def by_shape(g: dict, level: float) -> None:
    """The same check with models of one shape on one engine held out together (review: counted
    apart, they vouch for each other, and the coverage above rests on that)."""
    j, t = g["joules_per_output_token"]["model"], g["seconds_per_output_token"]["model"]
    st.markdown("**Held out by shape and engine:** " + c.md_escape(
        f"{g['method']}. The centre holds (J per output token {j['median_factor']:.2f}×, TPOT "
        f"{t['median_factor']:.2f}×, beside the previous model's {g['joules_per_output_token']['previous']['median_factor']:.2f}× "
        f"and {g['seconds_per_output_token']['previous']['median_factor']:.2f}×: weight bytes ÷ the full bandwidth, no "
        f"engine), but the nested {level:.0%} ranges are ×{gfmt(j['interval_mean_width_factor'], 3)} and "
        f"×{gfmt(t['interval_mean_width_factor'], 3)} wide: the coverage above counts models of one shape on one engine as "
        "separate models, and two batched models are too few to calibrate a range for that regime.", limit=1200))


def independent_tpot(t: dict, level: float) -> None:
    """The TPOT on published small-batch measurements none of the fit saw, by benchmark."""
    o = t["overall"]
    st.markdown("**Small batches, on benchmarks the online engine never saw:** " + c.md_escape(
        f"{t['method']}. Predicted ÷ measured TPOT, median "
        f"{o['median_predicted_over_measured']:.2f}×; the {level:.0%} range held {o['model']['interval_coverage']:.0%} "
        f"of them; the previous model (no engine) is off by {o['previous']['median_factor']:.2f}×. These are "
        "latency benchmarks at a fixed batch; the fit's engine costs are an online engine's under load, so a "
        "small-batch estimate is an upper bound for a latency-optimised engine.", limit=900))
    # the engine's long name last: first on a phone it had pushed the numbers off the table (browser check)
    rows = [{"Benchmark": name, "Rows": x["model"]["n"],
             "Predicted ÷ measured": x["median_predicted_over_measured"],
             f"{level:.0%} coverage": x["model"]["interval_coverage"],
             "Previous model": x["previous"]["median_factor"], "Engine": x["engine"]} for name, x in t["by_source"].items()]
    c.dataframe(c.number_table(pd.DataFrame(rows), {"Predicted ÷ measured": factor_cell,
                                                      f"{level:.0%} coverage": percent_cell,
                                                      "Previous model": factor_cell}), width="stretch")
    lat = t["latency_engine"]
    o = lat["overall"]
    st.markdown("**The latency engine** " + c.md_escape(
        f"(the Inference page's engine setting) is fitted to those rows; {lat['method']}: "
        f"off by a median {o['model']['median_factor']:.2f}× (the previous model {o['previous']['median_factor']:.2f}×), "
        f"its {level:.0%} range held {o['model']['interval_coverage']:.0%}. Its energy is the modelled power × its "
        "time, checked on decode steps measured on a real GPU (below).", limit=900))
    rows = [{"Held out": name, "Rows": x["model"]["n"], "Median factor": x["model"]["median_factor"],
             f"{level:.0%} coverage": x["model"]["interval_coverage"], WIDTH: x["model"]["interval_mean_width_factor"],
             "Previous model": x["previous"]["median_factor"]} for name, x in lat["by_source"].items()]
    c.dataframe(c.number_table(pd.DataFrame(rows), {"Median factor": factor_cell, f"{level:.0%} coverage": percent_cell,
                                                      WIDTH: width_cell, "Previous model": factor_cell}), width="stretch")


def later_tpot(t: dict, level: float) -> None:
    """The engines, as shipped, on later published times no fit has seen (`validate --inference`), the default first."""
    opt, lat, onl = t[OPTIMIZED_ENGINE]["overall"], t[LATENCY_ENGINE]["overall"], t[VLLM_ENGINE]["overall"]
    st.markdown("**Later published times, never fitted:** " + c.md_escape(
        f"{t['method']}. The default engine (optimized-2024) is off by a median {opt['model']['median_factor']:.2f}× "
        f"(the previous model {opt['previous']['median_factor']:.2f}×), its {level:.0%} range holding "
        f"{opt['model']['interval_coverage']:.0%} (width ×{opt['model']['interval_mean_width_factor']:.2f}); the latency "
        f"engine {lat['model']['median_factor']:.2f}×, its range holding {lat['model']['interval_coverage']:.0%} (width "
        f"×{lat['model']['interval_mean_width_factor']:.2f}); vllm-2024 is a median "
        f"{onl['median_predicted_over_measured']:.2f}× too slow there, its range holding "
        f"{onl['model']['interval_coverage']:.0%}.", limit=1200))


def vllm_later(t: dict, level: float) -> None:
    """vllm-2024 on later vLLM 0.5 measurements of models its fit never saw (`validate --inference`)."""
    o = t["overall"]
    st.markdown("**vllm-2024 on later vLLM 0.5 measurements, never fitted:** " + c.md_escape(
        f"{t['method']}. Off by a median {o['model']['median_factor']:.2f}× (predicted ÷ measured "
        f"{o['median_predicted_over_measured']:.2f}), its {level:.0%} range holding {o['model']['interval_coverage']:.0%}; "
        f"beside it, per parameter, per GPU {t['per_parameter']['median_factor']:.2f}×, flat per GPU "
        f"{t['flat']['median_factor']:.2f}×, the previous model {o['previous']['median_factor']:.2f}×. Three rows: a "
        "check of the direction, not a figure to quote on its own.", limit=900))
    # short headers, the hardware last (browser review 2026-11-26, second: at 1,024 px the last two were cut)
    rows = [{"Model": r["model"], "Measured (ms)": r["measured_tpot_ms"], "Predicted (ms)": r["predicted_tpot_ms"],
             "In range": "yes" if r["inside"] else "no", "TP": r["tensor_parallel"], "Batch": r["batch"],
             "Bits": r["bits"], "Hardware": r["hardware"]}
            for r in t["rows"]]
    ms = lambda x: f"{x:,.0f}"  # noqa: E731
    c.dataframe(c.number_table(pd.DataFrame(rows), {"Measured (ms)": ms, "Predicted (ms)": ms}), width="stretch")


def measured_decode(t: dict, level: float) -> None:
    """The engines on decode steps this project measured on a real GPU, time and energy, each with its coverage and the
    previous model beside, as `validate --inference` prints them (accuracy review 2026-11-29: the page had dropped the
    TPOT's coverage and its baseline)."""
    st.markdown("**Decode steps measured on a real GPU, never fitted:** " + c.md_escape(f"{t['method']}.", limit=900))
    # the default engine's blind check last, its own rows (runs measured after its last refit), as validate prints it
    blind = t["blind"]
    checks = [(engine, source, s) for engine, by_source in t["by_engine"].items() for source, s in by_source.items()]
    checks += [(f"{blind['engine']}, blind (runs from {blind['from_run']})", source, s)
               for source, s in blind["by_source"].items()]
    rows = [{"Engine": engine, "Decoder": source, "Rows": s["energy"]["n"],
             "J/token factor": s["energy"]["median_factor"], f"J {level:.0%} coverage": s["energy"]["interval_coverage"],
             "TPOT factor": s["tpot"]["median_factor"], "TPOT pred ÷ meas": s["tpot"]["geometric_mean_ratio"],
             f"TPOT {level:.0%} coverage": s["tpot"]["interval_coverage"],
             "Power pred ÷ meas": s["power"]["geometric_mean_ratio"],
             "Previous model, J": s["previous_energy"]["median_factor"],
             "Previous model, TPOT": s["previous_tpot"]["median_factor"]}
            for engine, source, s in checks]
    c.dataframe(c.number_table(pd.DataFrame(rows), {"J/token factor": factor_cell, f"J {level:.0%} coverage": percent_cell,
                                                      "TPOT factor": factor_cell,
                                                      "TPOT pred ÷ meas": lambda x: f"{x:.2f}",
                                                      f"TPOT {level:.0%} coverage": percent_cell,
                                                      "Power pred ÷ meas": lambda x: f"{x:.2f}",
                                                      "Previous model, J": factor_cell,
                                                      "Previous model, TPOT": factor_cell}), width="stretch",
                 column_config={"TPOT pred ÷ meas": st.column_config.Column(
                                    help="Geometric mean of predicted ÷ measured TPOT: below 1, predicted too short"),
                                "Power pred ÷ meas": st.column_config.Column(
                                    help="Geometric mean of predicted ÷ measured power: above 1, predicted too high")})


def measured_speculative(t: dict, level: float) -> None:
    """The latency engine on speculative decoding's steps measured on a real GPU, the naive baseline beside
    (`validate --inference`)."""
    r, n, s = t["ratio"], t["naive_ratio"], t["step"]
    st.markdown("**Speculative decoding's steps measured on a real GPU, never fitted:** "
                + c.md_escape(f"{t['method']}. The step's cost over a plain step: {factor_cell(r['median_factor'])} off "
                              f"(predicted ÷ measured {r['geometric_mean_ratio']:.2f}), the naive ratio (1) "
                              f"{factor_cell(n['median_factor'])} off; the step's time {factor_cell(s['median_factor'])} off, "
                              f"the {t['engine']} engine's {level:.0%} range (×/÷ {t['range_factor']:.2f}) holding "
                              f"{s['interval_coverage']:.0%}.", limit=1400))
    rows = [{"Hardware": x["hardware"], "Batch": x["batch"], "Draft tokens": x["draft_tokens"],
             "Step ÷ plain, measured": x["measured_ratio"], "Step ÷ plain, predicted": x["predicted_ratio"],
             "Step (ms)": x["measured_step_ms"], "Predicted (ms)": x["predicted_step_ms"],
             "In range": "yes" if x["inside_step"] else "no"} for x in t["rows"]]
    two = lambda x: f"{x:.2f}"  # noqa: E731
    c.dataframe(c.number_table(pd.DataFrame(rows), {"Step ÷ plain, measured": two, "Step ÷ plain, predicted": two,
                                                      "Step (ms)": two, "Predicted (ms)": two}), width="stretch")


def default_engine_section(o: dict, level: float, lecture: bool) -> None:
    """The default engine's tokens/s on MLPerf Inference, held out by model and by hardware, Offline and Server,
    beside the flat roofline from the same folds and the older engines (the table `validate --inference` prints,
    from ``serving_accuracy.optimized_engine_rows``; figures as `fit-serving` computed them)."""
    st.header(f"Serving: the default engine ({o['engine']}) on MLPerf Inference", anchor=False)
    cells = style.metric_cells(4, "acc_engine", lecture)
    older = list(o["older_engines"])
    for col, (key, by) in zip(cells[::2], (("by_hardware", "hardware"), ("by_model", "model")), strict=True):
        x = o[key]["Offline"]
        col.metric(f"Offline tokens/s, {by} held out: typical miss", factor_cell(x["model"]["median_factor"]),
                   delta=" · ".join([f"flat roofline: {factor_cell(x['baseline']['median_factor'])}",
                                     *(f"{n}: {factor_cell(x['older_engines'][n]['median_factor'])}" for n in older)]),
                   delta_color="off", delta_arrow="off",
                   help=f"Median over MLPerf results of max(predicted ÷ measured, measured ÷ predicted), each predicted "
                        f"by a fit that never saw its {by}; beside it the baselines on the same rows in the same run")
    for col, (key, by) in zip(cells[1::2], (("by_hardware", "hardware"), ("by_model", "model")), strict=True):
        m, server = o[key]["Offline"]["model"], o[key]["Server"]["model"]
        # each scenario's width beside its own coverage (accuracy review 2026-11-29: the Offline width had stood beside
        # the Server coverage, ×2.36 where Server's is ×2.53)
        col.metric(f"Offline, {by} held out: inside the {level:.0%} range", percent_cell(m["interval_coverage"]),
                   delta=f"width {width_cell(m['interval_mean_width_factor'])} · Server: "
                         f"{percent_cell(server['interval_coverage'])}, width "
                         f"{width_cell(server['interval_mean_width_factor'])}", delta_color="off", delta_arrow="off")
    if lecture:
        return
    # one sentence, as `validate --inference` says it (the label and the method begin in lower case: the page
    # read "current optimised engine (…). each group's rows …", browser walk)
    st.markdown(c.md_escape(f"{o['engine']}, the {o['label']}, tokens/s out of sample: {o['method']}. "
                            f"Data: {o['data']}.", limit=900))
    header, rows = serving_accuracy.optimized_engine_rows(o, f"{level:.0%}")
    # the baselines beside the engine's median factor: at 1024 × 768 they were past the table's right edge
    table = pd.DataFrame(rows, columns=header)
    first = ["held out", "scenario", "median factor", "flat roofline",
             *(h for h in header if h.endswith("(its range held)"))]
    c.dataframe(table[first + [h for h in header if h not in first]], width="stretch")
    st.caption(c.md_escape(f"{serving_accuracy.held_out_by_model_line()} Flat roofline: {o['baseline']}. "
                           + ". ".join(o["older_engines"].values())
                           + f". Computed by {o['computed_by']}; shown by `{VALIDATE_INFERENCE_COMMAND}`.", limit=1500))


def trtllm_section(t: dict, level: float) -> None:
    """The default engine on TensorRT-LLM's published throughput table of newer models and GPUs, never fitted
    (`validate --inference`): the sentence and the table by model and by GPU the CLI prints, every run in an
    expander."""
    st.subheader("Newer models and GPUs: TensorRT-LLM's published throughput, never fitted", anchor=False)
    # the figures first, then how they were made (browser walk: 130 words with the headline at the end)
    st.markdown(c.md_escape(trtllm_check.summary_line(t, f"{level:.0%}") + f" How: {t['method']}.", limit=1500))
    c.dataframe(pd.DataFrame(trtllm_check.group_rows(t), columns=list(trtllm_check.GROUP_HEADER)), width="stretch")
    st.caption(c.md_escape(f"{trtllm_check.layout_line(t)} Flat roofline: {t['baseline']}. Data: {t['data']}. Shown by "
                           f"`{VALIDATE_INFERENCE_COMMAND}`.", limit=900))
    with st.expander(f"Every run ({len(t['rows'])})"):
        # short headers, whole tokens/s, the ratio beside (browser walk: code names, four decimals, cut at 1,024 px)
        rows = [{"Model": x["model"], "GPU": x["hardware"], "Bits": x["bits"],
                 "Prompt/output": f"{x['prompt_tokens']:.0f}/{x['output_tokens']:.0f}",
                 "Measured tok/s": x["measured_tokens_per_s"], "Predicted": x["predicted_tokens_per_s"],
                 "Pred ÷ meas": x["predicted_tokens_per_s"] / x["measured_tokens_per_s"],
                 "In range": "yes" if x["inside"] else "no", "Layout chosen": x["layout_chosen"],
                 "Table's layout": x["published_layout"], "At its layout": x["at_published_layout_tokens_per_s"],
                 "Flat roofline": x["baseline_tokens_per_s"]} for x in t["rows"]]
        whole = lambda v: f"{v:,.0f}"  # noqa: E731
        c.dataframe(c.number_table(pd.DataFrame(rows), {"Measured tok/s": whole, "Predicted": whole,
                                                          "Pred ÷ meas": lambda v: f"{v:.2f}", "At its layout": whole,
                                                          "Flat roofline": whole}), width="stretch")


def wall_power_section(w: dict, level: float) -> None:
    """The default engine at the wall on MLPerf's power results (`validate --inference`): the narrowness first, the
    node power and the energy per token at the wall beside the TDP baselines, every row in an expander."""
    st.subheader("At the wall: MLPerf Inference's power results", anchor=False)
    st.markdown(c.md_escape(" ".join(wall_power.summary_lines(w, f"{level:.0%}")), limit=1500))
    header, rows = wall_power.j_per_token_rows(w, f"{level:.0%}")
    c.dataframe(pd.DataFrame(rows, columns=header),
                 width="stretch")
    st.caption(c.md_escape(f"Energy per token at the wall: {w['method']}. Ranges: {w['range']}. Baselines: "
                           + "; ".join(f"{wall_power.BASELINE_LABELS[k]}: {v}" for k, v in w["baselines"].items())
                           + f". Shown by `{VALIDATE_INFERENCE_COMMAND}`.", limit=1500))
    with st.expander(f"Every power result ({len(w['rows'])})"):
        header, rows = wall_power.wall_rows_table(w, f"{level:.0%}")
        # the CLI's three "in" columns told apart by what they judge (a frame's columns are unique)
        ins = iter(("node in range", "by model in range", "by hardware in range"))
        names = [next(ins) if h == "in" else h for h in header]
        c.dataframe(pd.DataFrame(rows, columns=names), width="stretch")


def power_limit_section(p: dict) -> None:
    """How much slower a device runs under a power limit (`inference --power-limit-w`), held out by model beside the
    naive baselines, its pairs in an expander."""
    st.subheader("Under a power limit: MLPerf's capped results against the same systems uncapped", anchor=False)
    st.markdown(c.md_escape(wall_power.power_limit_line(p), limit=1500))
    st.caption(c.md_escape(f"{p['about']} Shown by `{VALIDATE_INFERENCE_COMMAND}`.", limit=1500))
    with st.expander(f"Every capped result ({p['n_pairs']})"):
        header, rows = wall_power.power_limit_table(p)
        c.dataframe(pd.DataFrame(rows, columns=header), width="stretch")


def inference_section(lecture: bool) -> None:
    doc = inference_document()
    default_engine_section(doc["optimized_engine"], doc["interval_level"], lecture)
    if not lecture:
        trtllm_section(doc["trtllm_check"], doc["interval_level"])
        wall_power_section(doc["wall_power"], doc["interval_level"])
        power_limit_section(doc["power_limit"])
    st.header("Serving: the vllm-2024 engine's time and energy per output token", anchor=False)
    if not lecture:
        st.markdown(c.md_escape(
            f"Each measured serving configuration ({doc['data']}) is predicted by the serving model with the "
            f"constants fitted without its model: {doc['method']}. The previous model and two baselines built from "
            "the other models' measurements are scored on the same configurations.", limit=900))
    inference_headline(doc, lecture)
    font = style.LECTURE_CHART_FONT_PX if c.projector_charts() else style.NORMAL_CHART_FONT_PX
    for col, (key, *_) in zip(st.columns(len(INFERENCE_QUANTITIES)), INFERENCE_QUANTITIES):
        # the same predictors, in the same order, in both: the same colours without a shared scale
        charts.render_chart(inference_chart(inference_frame(doc, key), key, font_px=font, lecture=lecture),
                            where=col)  # stacked on a phone
    st.caption(f"Grey dashes: y = x (perfect). Filled points: the serving model, bars its {doc['interval_level']:.0%} "
               f"range; hollow: the previous model. Reproduce: `{VALIDATE_INFERENCE_COMMAND}`.")
    if lecture:
        return
    # the baselines have no interval: their coverage and width cells read "n/a" (c.number_table), not "None"
    formats = {"Median factor": factor_cell, f"{doc['interval_level']:.0%} coverage": percent_cell,
               BY_MODEL: percent_cell, WIDTH: width_cell}
    formats.update({f"Within {gfmt(b)}×": percent_cell for b in SERVING_FACTOR_BANDS})
    c.dataframe(c.number_table(inference_summary_table(doc), formats), width="stretch",
                 column_config={k: st.column_config.Column(help=v) for k, v in COLUMN_HELP.items()})
    st.caption(c.md_escape(f"Ranges: {doc['interval_method']}.", limit=600))
    by_shape(doc["by_architecture_and_engine"], doc["interval_level"])
    serving_misses(doc)
    for pred, name in INFERENCE_PREDICTORS[1:]:
        st.caption(c.md_escape(f"{name}: {doc['baselines'][pred]}", limit=600))
    independent_tpot(doc["independent_tpot"], doc["interval_level"])
    later_tpot(doc["later_tpot"], doc["interval_level"])
    vllm_later(doc["vllm_later"], doc["interval_level"])
    measured_decode(doc["measured_decode"], doc["interval_level"])
    measured_speculative(doc["measured_speculative"], doc["interval_level"])
    with st.expander(f"Every configuration ({len(doc['configs'])})"):
        c.dataframe(pd.DataFrame(doc["configs"])[[
            "model", "hardware", "tensor_parallel", "batch", "task", "measured_tpot_s", "predicted_tpot_s",
            "inside_tpot", "measured_j_per_output_token", "predicted_j_per_output_token", "inside_j", "source"]], width="stretch")
    st.download_button("Every serving figure (JSON)", export.dump_json({"tool": tool_info(), **doc}),  # as the CLI writes it
                       file_name="validate-inference.json",
                       mime="application/json", on_click="ignore", icon=":material/download:", key="inference_json",
                       help=f"The serving figures and every configuration, as `{VALIDATE_INFERENCE_COMMAND} --format json` "
                            "writes them.")
