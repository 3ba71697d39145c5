"""Accuracy: how far can an estimate be trusted? Out-of-sample figures over every run the
project holds, beside the flat 30%-of-peak rule (the numbers of `python -m estimator validate`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from estimator import accuracy, humanize as hz
from estimator.utilization_fit import FACTOR_BANDS

from . import charts, common as c

LECTURE_CHART_FONT_PX = 18  # lecture mode: readable from the back of a room
VALIDATE_COMMAND = "python -m estimator validate"


@st.cache_resource(show_spinner="Cross-validating the utilisation fit on every run…")
def document() -> dict:
    """The validation figures, computed once per server process (a few seconds)."""
    return accuracy.validation_document()


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


def headline(doc: dict, lecture: bool) -> None:
    m, b = doc["summary"]["all"]["model"], doc["summary"]["all"]["baseline"]
    cols = st.columns(3)
    cols[0].metric("Typical miss (median factor)", f"{m['median_factor']:.2f}×",
                   delta=f"30% rule: {b['median_factor']:.2f}×", delta_color="off", delta_arrow="off",
                   help="Median over runs of max(predicted ÷ published, published ÷ predicted) device-hours")
    cols[1].metric(f"Inside the {doc['interval_level']:.0%} interval", f"{m['interval_coverage']:.0%}",
                   delta=f"of {m['n_runs']} runs", delta_color="off", delta_arrow="off",
                   help="Share of runs whose published device-hours fall inside the stated interval")
    cols[2].metric("Within 2×", f"{m['share_within_2x']:.0%}", delta=f"30% rule: {b['share_within_2x']:.0%}",
                   delta_color="off", delta_arrow="off")
    if not lecture:
        st.caption(f"Model ÷ rule median factor: {doc['ratio_to_baseline']:.2f} (below 1: the fit is better). "
                   f"{doc['method'][0].upper() + doc['method'][1:]}. Reproduce: `{VALIDATE_COMMAND}`.")


def misses(doc: dict) -> None:
    rows = [r for r in doc["runs"] if r["factor"] > accuracy.MISS_FACTOR]
    if not rows:
        return
    st.subheader(f"Runs missed by more than {accuracy.MISS_FACTOR:g}×", anchor=False)
    for r in rows:
        st.markdown(c.md_escape(
            f"{r['run']} ({r['hardware']}): predicted {hz.sig(r['predicted_device_hours'])} device-hours, "
            f"published {hz.sig(r['published_device_hours'])} ({r['factor']:.1f}× off). Likely reason: "
            f"{r['likely_reason']}", limit=700))


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
    charts.render_chart(charts.accuracy_chart(df, font_px=LECTURE_CHART_FONT_PX if lecture else 12))
    if lecture:
        st.caption(f"Sources: Epoch AI, Notable AI Models (CC BY 4.0) and the papers in estimator/data/published_runs.csv. "
                   f"`{VALIDATE_COMMAND}`")
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
    misses(doc)
    with st.expander(f"Runs left out ({len(doc['excluded'])}) and why"):
        for e in doc["excluded"]:
            st.markdown(c.md_escape(f"{e['run']} ({e['source']}): {e['reason']}", limit=600))
    with st.expander("Every run"):
        runs = pd.DataFrame(doc["runs"])[["run", "family", "hardware", "published_device_hours",
                                          "predicted_device_hours", "factor", "inside_interval",
                                          "baseline_device_hours", "baseline_factor", "source"]]
        st.dataframe(runs, hide_index=True, width="stretch")
