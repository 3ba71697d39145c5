"""Calibrate: calibrated profiles with their measurement details; a CodeCarbon log import
(preview and download the calibrated profile); a short CPU calibration with a progress bar.

The page never writes into profiles/: results are offered as downloads; `python -m
estimator calibrate` writes them (atomically) where the estimator finds them.
"""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from estimator import calibration_run as cr
from estimator import humanize as hz
from estimator.calibration_io import (MAX_CSV_BYTES, decode_csv_bytes, parse_codecarbon_csv, profile_toml,
                                      select_run)
from estimator.errors import EstimatorError
from estimator.profile import PRECISIONS

from . import common as c

CPU_BASE = "cpu-server-2s-epyc"
MAX_APP_SECONDS = 10  # a page run blocks its session: keep the in-app calibration short


def calibrated_table(profiles) -> pd.DataFrame:
    """One row per calibrated profile: what was measured, where, when and how."""
    rows = []
    for p in sorted(profiles, key=lambda p: p.id):
        cal = p.calibration or {}
        if not cal:
            continue
        rows.append({
            "id": p.id, "device": cal.get("device_name", ""), "base": cal.get("base_profile", ""),
            "measured_at": cal.get("measured_at", ""), "host": cal.get("host", ""),
            "power_source": cal.get("power_source", ""), "power_is_estimate": cal.get("power_is_estimate"),
            "achieved_tflops": (cal["achieved_flops_per_s"] / 1e12  # missing stays missing, not 0
                                if cal.get("achieved_flops_per_s") else None),
            "precision": cal.get("precision", ""), "utilization": p.utilization.default,
            "mean_power_w": cal.get("mean_power_w"), "method": cal.get("method", ""), "file": p.source_file,
        })
    return pd.DataFrame(rows)


def import_codecarbon(data: bytes, name: str, flops: float, base_id: str, run_id: str | None,
                      precision: str | None) -> cr.CalibrationResult:
    """The upload → a calibrated profile (raises EstimatorError with a message for people)."""
    runs = parse_codecarbon_csv(decode_csv_bytes(data, name), name)
    base = c.profiles().get(base_id)
    return cr.calibrate_from_codecarbon(select_run(runs, run_id), base, flops, precision=precision)


def show_result(result: cr.CalibrationResult, key: str) -> None:
    s = result.summary()
    a, b, d = st.columns(3)
    a.metric("Achieved", f"{s['achieved_flops_per_s'] / 1e12:.4g} TFLOP/s",
             help=f"{s['precision']}, {s['utilization']:.1%} of the base profile's peak")
    if s["mean_power_w"] is not None:
        b.metric("Mean power", hz.power(s["mean_power_w"]) + (" (estimate)" if s["power_is_estimate"] else ""))
        d.metric("Energy", f"{s['energy_j']:.4g} J", help=f"over {s['duration_s']:.2f} s")
    st.caption(c.md_escape(f"{s['device_name']} — power source: {s['power_source']} — {s['method']}", 600))
    for note in result.notes:
        st.info(c.md_escape(note, 600), icon=":material/info:")
    checks = pd.DataFrame([{"workload": ch.label, "predicted_s": ch.predicted_s, "measured_s": ch.measured_s,
                            "error": f"{ch.error:+.0%}", "fitted on it": ch.fitted} for ch in result.checks])
    st.markdown("**How well the calibrated profile predicts**")
    st.dataframe(checks, hide_index=True)
    text = profile_toml(result.data)
    st.download_button("Download the calibrated profile (.toml)", text, file_name=f"{result.profile.id}.toml",
                       mime="application/toml", key=f"{key}_download", icon=":material/download:")
    with st.expander("Preview the profile"):
        st.code(text, language="toml")
    st.caption(c.md_escape(f"Save it as profiles/calibrated/{result.profile.id}.toml, or use it directly: "
                           f"python -m estimator estimate --hardware {result.profile.id}.toml …", 400))


def _listing() -> None:
    st.subheader("Calibrated profiles", anchor=False)
    table = calibrated_table(c.profiles().profiles.values())
    if table.empty:
        st.info("No calibrated profiles yet. Run `python -m estimator calibrate` (CPU or NVIDIA GPU) or "
                "import a CodeCarbon log below.", icon=":material/info:")
        return
    st.dataframe(table, hide_index=True, column_config={
        "achieved_tflops": st.column_config.NumberColumn("achieved TFLOP/s", format="%.4g"),
        "utilization": st.column_config.NumberColumn(format="%.3f"),
        "mean_power_w": st.column_config.NumberColumn("mean power (W)", format="%.1f")})
    for pid in table["id"]:
        with st.expander(f"Measurement details: {pid}"):
            st.json(dict(c.profiles().profiles[pid].calibration), expanded=False)


def _import_section() -> None:
    st.subheader("Import a CodeCarbon log", anchor=False)
    st.caption("CodeCarbon's emissions.csv (31-column files of CodeCarbon 2.x and 38-column files of 3.x, read by "
               f"column name; at most {MAX_CSV_BYTES / 1e6:.0f} MB) plus the FLOPs of the run.")
    upload = st.file_uploader("emissions.csv", type=["csv"], key="cal_upload",
                              max_upload_size=int(MAX_CSV_BYTES / 1e6))
    col1, col2, col3 = st.columns(3)
    with col1:
        flops = c.url_number("FLOPs of the run", "cal_flops", min_value=1.0, max_value=1e30, default=None,
                             fmt="%.4e", placeholder="e.g. 7.2e11", where=st)
    with col2:
        base_id = c.url_select("Base profile (the run's hardware)", "cal_base", c.hardware_ids(), default=CPU_BASE,
                               where=st)
    with col3:
        precision = st.selectbox("Precision", ["(the base's default)", *PRECISIONS], key="cal_precision")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        runs = parse_codecarbon_csv(decode_csv_bytes(data, upload.name), upload.name)
    except EstimatorError as exc:
        c.show_error(exc)
        return
    run_id = None
    if len(runs) > 1:
        labels = [f"{r.run_id[:8]} {r.project_name} {r.timestamp}" for r in runs]
        chosen = st.selectbox("Run", labels, index=len(labels) - 1, key="cal_run")
        run_id = runs[labels.index(chosen)].run_id
    if flops is None:
        st.info("Give the run's FLOPs to derive its achieved FLOP/s.", icon=":material/info:")
        return
    try:
        result = import_codecarbon(data, upload.name, float(flops), base_id or CPU_BASE, run_id,
                                   None if precision.startswith("(") else precision)
    except EstimatorError as exc:
        c.show_error(exc)
        return
    show_result(result, "cal_import")


def _cpu_section() -> None:
    st.subheader("Short CPU calibration on this server", anchor=False)
    st.caption("Matrix products (numpy, fp64 and fp32, sizes 256–1024) measured with CodeCarbon on the machine "
               "that runs this app, which may not be yours: for your own machine run `python -m estimator calibrate`.")
    seconds = c.url_number("Seconds", "cal_seconds", min_value=1, max_value=MAX_APP_SECONDS, default=3,
                           integer=True, where=st)
    if st.button("Run the CPU calibration", key="cal_run_cpu", icon=":material/play_arrow:"):
        bar = st.progress(0.0, text="starting CodeCarbon…")
        last = [0.0]

        def progress(frac: float) -> None:
            now = time.monotonic()
            if now - last[0] >= 0.2 or frac >= 1.0:
                last[0] = now
                bar.progress(min(max(frac, 0.0), 1.0), text=f"calibrating… {frac:.0%}")

        try:
            from estimator.measure import open_backend
            backend = open_backend("cpu")
            base = c.profiles().get(CPU_BASE)
            st.session_state["cal_cpu_result"] = cr.calibrate_builtin(backend, base, float(seconds or 3), progress,
                                                                      holdout_s=0.5)
            bar.progress(1.0, text="done")
        except EstimatorError as exc:
            bar.empty()
            c.show_error(exc)
    result = st.session_state.get("cal_cpu_result")
    if result is not None:
        show_result(result, "cal_cpu")


def render() -> None:
    st.title("Calibrate", anchor=False)
    st.caption("Estimates are only as good as their throughput and power figures. Calibration measures them and "
               "feeds them back into a profile (its [calibration] table says when, where and how).")
    _listing()
    _import_section()
    _cpu_section()
    c.show_url_warnings(st)
