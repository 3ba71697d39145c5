"""Accuracy: how far can an estimate be trusted? Out-of-sample figures over every run the
project holds, beside the flat 30%-of-peak rule (the numbers of `python -m estimator validate`),
and the serving model's over every measured serving configuration, beside its baselines (the
numbers of `python -m estimator validate --inference`)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from estimator.core.units import MS_PER_S
from estimator.core.utilization_choice import centre_name
from estimator.core.utilization_model import RULE
from estimator.fit.serving_fit import FACTOR_BANDS as SERVING_FACTOR_BANDS
from estimator.fit.utilization_cv import FACTOR_BANDS
from estimator.io.datafiles import UTILIZATION_VALIDATION_PATH, load_utilization_model, load_validation_document
from estimator.report import export
from estimator.report import humanize as hz
from estimator.services import accuracy

from . import charts, style
from . import common as c

LECTURE_CHART_FONT_PX = 18  # lecture mode: readable from the back of a room
VALIDATE_COMMAND = "python -m estimator validate"
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


@st.cache_resource(show_spinner=False)
def document() -> dict:
    """The validation figures: the shipped file that `fit-utilization` writes beside the fit (the
    nested cross-validation takes about 20 s, too long for a page; the tests check the file
    against a fresh run). Read once per server process."""
    return load_validation_document()


@st.cache_resource(show_spinner="Cross-validating the serving model on every measured configuration…")
def inference_document() -> dict:
    """What `validate --inference` reports, computed once per server process (a few seconds)."""
    return accuracy.inference_validation_document()


def summary_table(doc: dict) -> pd.DataFrame:
    rows = []
    for fam, s in doc["summary"].items():
        m, b = s["model"], s["baseline"]
        row = {"Family": fam, "Runs": m["n_runs"], "Median factor": m["median_factor"],
               "30% rule": b["median_factor"]}
        for band in FACTOR_BANDS:
            row[f"Within {band:g}×"] = m[f"share_within_{band:g}x"]
            row[f"Within {band:g}× (30% rule)"] = b[f"share_within_{band:g}x"]
        row[f"{doc['interval_level']:.0%} coverage"] = m["interval_coverage"]
        row["Mean width (high ÷ low)"] = m["interval_mean_width_factor"]
        rows.append(row)
    return pd.DataFrame(rows)


# Above this model ÷ rule ratio the page says the fitted centre is no better than the 30% rule
# (a 5% edge is within what the choice of runs moves: profiles/README.md, "Out of sample").
NO_BETTER_RATIO = 0.95


def headline(doc: dict, lecture: bool) -> None:
    m, b = doc["summary"]["all"]["model"], doc["summary"]["all"]["baseline"]
    cols = style.metric_cells(3, "acc_training", lecture)
    cols[0].metric("Typical miss (median factor)", f"{m['median_factor']:.2f}×",
                   delta=f"30% rule: {b['median_factor']:.2f}×", delta_color="off", delta_arrow="off",
                   help="Median over runs of max(predicted ÷ published, published ÷ predicted) device-hours")
    cols[1].metric(f"Inside the {doc['interval_level']:.0%} interval", f"{m['interval_coverage']:.0%}",
                   delta=f"of {m['n_runs']} runs", delta_color="off", delta_arrow="off",
                   help="Share of runs whose published device-hours fall inside the stated interval")
    cols[2].metric("Within 2×", f"{m['share_within_2x']:.0%}", delta=f"30% rule: {b['share_within_2x']:.0%}",
                   delta_color="off", delta_arrow="off")
    _held_out_sentence(doc, doc["by_developer"],
                       "For a lab the data does not hold (each developer's runs left out together)")
    nf = doc["new_family"]
    centre = load_utilization_model().new_device_centre
    _held_out_sentence(doc, nf, f"For hardware with no runs in the data (B200, TPU v5p, ...), estimated "
                                f"{accuracy.NEW_DEVICE_CHOICE}: with each of "
                                f"the {nf['n_families']} families held out whole and predicted that way",
                       no_better=(f": such hardware takes {centre_name(centre)} itself, with this calibrated range."
                                  if centre == RULE else None))
    if not lecture:
        st.caption(f"Model ÷ rule median factor: {doc['ratio_to_baseline']:.2f} (below 1: the fit is better). "
                   f"{doc['method'][0].upper() + doc['method'][1:]}. Reproduce: `{VALIDATE_COMMAND}` "
                   f"(the page shows `{UTILIZATION_VALIDATION_PATH.name}`, written by "
                   f"`{accuracy.FIT_COMMAND}` and checked against a fresh run by the tests).")


def _held_out_sentence(doc: dict, held: dict, who: str, no_better: str | None = None) -> None:
    """One line for a stricter hold-out (``by_developer``, ``new_family``): its typical miss beside
    the rule's and its coverage, with the plain reading when the centre is no better than the rule
    (``no_better``: that reading in other words)."""
    m, b = held["summary"]["all"]["model"], held["summary"]["all"]["baseline"]
    st.markdown(c.md_escape(
        f"{who}, the typical miss is {m['median_factor']:.2f}× against {b['median_factor']:.2f}× for the 30% rule, "
        f"and {m['interval_coverage']:.0%} of runs fall inside the {doc['interval_level']:.0%} interval"
        + ((no_better or ": the centre is no better than the rule there; read the estimate as its range.")
           if held["ratio_to_baseline"] > NO_BETTER_RATIO else "."), limit=500))


# A miss's line in full: the reasons (shipped data, at most 754 characters today) are never cut.
MISS_TEXT_LIMIT = 4000


def misses(doc: dict) -> None:
    rows = [r for r in doc["runs"] if r["factor"] > accuracy.MISS_FACTOR]
    if not rows:
        return
    st.subheader(f"Runs missed by more than {accuracy.MISS_FACTOR:g}×", anchor=False)
    for r in rows:
        st.markdown(c.md_escape(
            f"{r['run']} ({r['hardware']}): predicted {hz.sig(r['predicted_device_hours'])} device-hours, "
            f"published {hz.sig(r['published_device_hours'])} ({r['factor']:.1f}× off). Likely reason: "
            f"{r['likely_reason']}", limit=MISS_TEXT_LIMIT))


def held_misses(rows: list[dict], how: str) -> None:
    """A stricter hold-out's misses beyond ``MISS_FACTOR``, each beside the rule's, in an expander."""
    if not rows:
        return
    with st.expander(f"Runs missed by more than {accuracy.MISS_FACTOR:g}× {how} ({len(rows)})"):
        for r in rows:
            st.markdown(c.md_escape(
                f"{r['run']} ({r['hardware']}): predicted {hz.sig(r['predicted_device_hours'])} device-hours, "
                f"published {hz.sig(r['published_device_hours'])} ({r['factor']:.1f}× off; the 30% rule "
                f"{r['baseline_factor']:.1f}×). Likely reason: {r['likely_reason']}", limit=MISS_TEXT_LIMIT))


# --- serving (issue 13) -----------------------------------------------------------------------


def _decades(lo: float, hi: float) -> list[float]:
    a, b = int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi)))
    return [10.0 ** k for k in range(a, b + 1)]


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
    ticks = _decades(float(min(df["measured"].min(), df["low"].min())), float(max(df["measured"].max(), df["high"].max())))
    ends = pd.DataFrame([{"kind": "diagonal", "measured": end, "predicted": end, "low": end, "high": end}
                         for end in (ticks[0], ticks[-1])])
    return pd.concat([df, ends], ignore_index=True)


def inference_chart(df: pd.DataFrame, key: str, font_px: int = 12) -> alt.LayerChart:
    """Predicted against measured, log–log: the y = x line (grey), the serving model's
    leave-one-model-out predictions with their interval as bars, the previous model's (hollow).
    One chart per quantity, as wide as its column (``charts.render_chart``): side by side on a wide
    screen, one under the other on a phone (two 300-pixel panels side by side were 793 px wide)."""
    _, label, unit, _, _ = next(q for q in INFERENCE_QUANTITIES if q[0] == key)
    diag = df[df["kind"] == "diagonal"]
    ticks = _decades(float(diag["measured"].min()), float(diag["measured"].max()))
    scale = alt.Scale(type="log", domain=[ticks[0], ticks[-1]])
    axis = alt.Axis(values=ticks, labelExpr=charts.human_labels(suffix=f" {unit}"), labelFontSize=font_px,
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
    bars = ours.mark_rule(opacity=0.6).encode(x=x, y=alt.Y("low:Q", scale=scale), y2="high:Q", color=color)
    tooltip = ["model", "hardware", alt.Tooltip("batch:Q", format="d"), alt.Tooltip("tensor_parallel:Q", format="d"),
               "predictor", alt.Tooltip("measured:Q", format=".3~g"), alt.Tooltip("predicted:Q", format=".3~g"),
               alt.Tooltip("low:Q", format=".3~g"), alt.Tooltip("high:Q", format=".3~g"), "inside:N"]
    points = configs.mark_point(size=50, opacity=1).encode(x=x, y=y, color=color, fill=fill, tooltip=tooltip)
    return alt.layer(line, bars, points).properties(height=300, title=alt.TitleParams(label, limit=0))


def inference_summary_table(doc: dict) -> pd.DataFrame:
    """Each predictor's figures for each quantity, side by side (all from the validation document)."""
    rows = []
    for key, label, *_ in INFERENCE_QUANTITIES:
        for pred, name in INFERENCE_PREDICTORS:
            m = doc[key][pred]
            row = {"Figure": label, "Predictor": name, "Configurations": m["n"], "Median factor": m["median_factor"]}
            for band in SERVING_FACTOR_BANDS:
                row[f"Within {band:g}×"] = m[f"share_within_{band:g}x"]
            row[f"{doc['interval_level']:.0%} coverage"] = m["interval_coverage"]
            row["Coverage, each model once"] = m["interval_coverage_by_model"]
            row["Mean width (high ÷ low)"] = m["interval_mean_width_factor"]
            rows.append(row)
    return pd.DataFrame(rows)


def inference_headline(doc: dict, lecture: bool) -> None:
    """Four metrics in a row that wraps (``style.metric_cells``): in st.columns(4) beside the
    sidebar at 1280 px a cell was 171 px, and "J per token: inside the 80% range" (193 px) was cut."""
    level = f"{doc['interval_level']:.0%}"
    j, t = doc["joules_per_output_token"], doc["seconds_per_output_token"]
    cols = style.metric_cells(4, "acc_serving", lecture)
    cols[0].metric("J per token: typical miss", f"{j['model']['median_factor']:.2f}×",
                   delta=f"previous model: {j['previous']['median_factor']:.2f}×", delta_color="off", delta_arrow="off",
                   help="Median over configurations of max(predicted ÷ measured, measured ÷ predicted), each "
                        "predicted by a fit that never saw its model")
    cols[1].metric(f"J per token: inside the {level} range", f"{j['model']['interval_coverage']:.0%}",
                   delta=f"width ×{j['model']['interval_mean_width_factor']:.2f}", delta_color="off", delta_arrow="off",
                   help=f"Share of the {j['model']['n']} configurations whose measured J per output token falls "
                        "inside the stated range; width: high ÷ low")
    cols[2].metric("TPOT: typical miss", f"{t['model']['median_factor']:.2f}×",
                   delta=f"previous model: {t['previous']['median_factor']:.2f}×", delta_color="off", delta_arrow="off")
    cols[3].metric(f"TPOT: inside the {level} range", f"{t['model']['interval_coverage']:.0%}",
                   delta=f"width ×{t['model']['interval_mean_width_factor']:.2f}", delta_color="off", delta_arrow="off")


def inference_section(lecture: bool) -> None:
    doc = inference_document()
    st.header("Serving: time and energy per output token", anchor=False)
    if not lecture:
        st.markdown(c.md_escape(
            f"Each measured serving configuration ({doc['data']}) is predicted by the serving model with the "
            f"constants fitted without its model: {doc['method']}. The previous model and two baselines built from "
            "the other models' measurements are scored on the same configurations.", limit=900))
    inference_headline(doc, lecture)
    font = LECTURE_CHART_FONT_PX if lecture else style.NORMAL_CHART_FONT_PX
    for col, (key, *_) in zip(st.columns(len(INFERENCE_QUANTITIES)), INFERENCE_QUANTITIES):
        # the same predictors, in the same order, in both: the same colours without a shared scale
        charts.render_chart(inference_chart(inference_frame(doc, key), key, font_px=font), where=col)  # stacked on a phone
    st.caption(f"Grey dashes: y = x (perfect). Filled points: the serving model, bars its {doc['interval_level']:.0%} "
               f"range; hollow: the previous model. Reproduce: `{VALIDATE_INFERENCE_COMMAND}`.")
    if lecture:
        return
    # the baselines have no interval: their coverage and width cells read "n/a" (c.number_table), not "None"
    def pct(x):
        return f"{x:.0%}"
    formats = {"Median factor": lambda x: f"{x:.2f}×", f"{doc['interval_level']:.0%} coverage": pct,
               "Coverage, each model once": pct, "Mean width (high ÷ low)": lambda x: f"×{x:.2f}"}
    formats.update({f"Within {b:g}×": pct for b in SERVING_FACTOR_BANDS})
    st.dataframe(c.number_table(inference_summary_table(doc), formats), hide_index=True, width="stretch")
    st.caption(c.md_escape(f"Ranges: {doc['interval_method']}.", limit=600))
    for pred, name in INFERENCE_PREDICTORS[1:]:
        st.caption(c.md_escape(f"{name}: {doc['baselines'][pred]}", limit=600))
    with st.expander(f"Every configuration ({len(doc['configs'])})"):
        st.dataframe(pd.DataFrame(doc["configs"])[[
            "model", "hardware", "tensor_parallel", "batch", "task", "measured_tpot_s", "predicted_tpot_s",
            "inside_tpot", "measured_j_per_output_token", "predicted_j_per_output_token", "inside_j", "source"]],
            hide_index=True, width="stretch")
    st.download_button("Every figure (JSON)", export.dump_json(doc), file_name="validate-inference.json",
                       mime="application/json", on_click="ignore", icon=":material/download:", key="inference_json",
                       help=f"The serving figures and every configuration, as `{VALIDATE_INFERENCE_COMMAND} --format json` "
                            "writes them.")


def render() -> None:
    lecture = c.is_lecture()
    st.title("How far can I trust this?", anchor=False)
    doc = document()
    if not lecture:
        st.markdown(
            "Each published training run is predicted from its FLOPs, hardware and device count alone, by a "
            "utilisation fit that never saw that run (nested leave-one-out), and compared with the device-hours "
            "the run reported. The flat *30% of dense peak* rule is scored on the same runs.")
    headline(doc, lecture)
    df = charts.accuracy_frame(doc)
    font = LECTURE_CHART_FONT_PX if lecture else style.NORMAL_CHART_FONT_PX
    for col, panel in zip(st.columns(len(charts.ACCURACY_PANELS)), charts.ACCURACY_PANELS):
        charts.render_chart(charts.accuracy_panel(df, panel, font_px=font), where=col)  # stacked on a phone
    if lecture:
        st.caption(f"Sources: Epoch AI, Notable AI Models (CC BY 4.0) and the papers in estimator/data/published_runs.csv. "
                   f"`{VALIDATE_COMMAND}`")
        inference_section(lecture)
        return
    st.caption("Grey: the diagonal (perfect) and the band within 2×. Bars: the stated interval of each prediction.")
    st.subheader("Cross-validated figures", anchor=False)
    level = f"{doc['interval_level']:.0%} coverage"
    pct = st.column_config.NumberColumn(format="percent")
    factor = st.column_config.NumberColumn(format="%.2f×")
    config = {"Median factor": factor, "30% rule": factor, level: pct,
              "Mean width (high ÷ low)": st.column_config.NumberColumn(format="×%.2f")}
    config.update({f"Within {b:g}×": pct for b in FACTOR_BANDS})
    config.update({f"Within {b:g}× (30% rule)": pct for b in FACTOR_BANDS})
    st.dataframe(summary_table(doc), hide_index=True, column_config=config, width="stretch")
    nf = doc["new_family"]
    st.markdown(c.md_escape(
        f"Hardware without runs: each of the {nf['n_families']} families held out whole and predicted as a device "
        f"without runs is, {accuracy.NEW_DEVICE_CHOICE} ("
        + ", ".join(f"{f} from {centre_name(n)}" for f, n in nf["predicted_from"].items()) + ").", limit=400))
    st.dataframe(summary_table({"summary": nf["summary"], "interval_level": doc["interval_level"]}),
                 hide_index=True, column_config=config, width="stretch")
    misses(doc)
    for held, how in ((doc["by_developer"], "by a fit without their developer's runs"),
                      (nf, "as hardware without runs (their family held out whole)")):
        held_misses(held["misses"], how)
    with st.expander(f"Runs left out ({len(doc['excluded'])}) and why"):
        for e in doc["excluded"]:
            st.markdown(c.md_escape(f"{e['run']} ({e['source']}): {e['reason']}", limit=600))
    with st.expander("Every run"):
        runs = pd.DataFrame(doc["runs"])[["run", "family", "hardware", "published_device_hours",
                                          "predicted_device_hours", "factor", "inside_interval",
                                          "baseline_device_hours", "baseline_factor", "source"]]
        st.dataframe(runs, hide_index=True, width="stretch")
    st.download_button("Every figure (JSON)", export.dump_json(doc), file_name="validate.json", mime="application/json",
                       on_click="ignore", icon=":material/download:",
                       help=f"The figures above and every run, as `{VALIDATE_COMMAND} --format json` writes them.")
    inference_section(lecture)
