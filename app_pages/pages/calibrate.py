"""Calibrate: calibrated profiles with their measurement details; a CodeCarbon log import
(preview, download or save the calibrated profile); a short CPU calibration with a progress
bar; a saved ``estimator.monitor.track`` report (the whole run predicted from its first steps, against
the time elapsed).

The page writes only when asked (the Save button names the file: profiles/calibrated/<id>.toml in
a checkout, the folder ESTIMATOR_CALIBRATED_DIR names where it is set, the user's data folder when
installed), atomically and with the CLI's rules (never the bundled profiles/, never over another
profile), then forgets the cached profiles so the new one is listed at once. Profiles that
`python -m estimator calibrate` writes while the server runs are picked up too: the listing
reloads when that folder changes.
"""

from __future__ import annotations

import math
import time

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.inputs import declared as w
from app_pages.ui import common as c
from app_pages.ui import style
from app_pages.ui.charts import render_chart
from app_pages.ui.palette import category_scale
from estimator.core.base import bounds as B
from estimator.core.base.errors import EstimatorError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import BYTES_PER_MB, FLOPS_PER_TFLOP, MS_PER_S
from estimator.core.hardware.base_profile import CPU_BASE_PROFILE
from estimator.device import matmul_bench as mb
from estimator.device.codecarbon_backend import MEASURE_POWER_SECS
from estimator.io import datafiles
from estimator.io.calibration_io import (
    MAX_CSV_BYTES,
    decode_csv_bytes,
    parse_codecarbon_csv,
    profile_toml,
    select_run,
    write_profile,
)
from estimator.monitor import calibration_run as cr
from estimator.report import humanize as hz
from estimator.report.track_report import MAX_REPORT_BYTES, LoadedReport, parse_report
from estimator.services.inputs import CALIBRATE, labels

CPU_BASE = CPU_BASE_PROFILE  # estimator/core/calibration/calibrate.py
# A page run blocks its session: the in-app calibration is kept short, at most the CLI's default length, 3 s by
# default (a design choice: a page that answers within seconds), at least the CPU meter's power sampling (CodeCarbon's,
# as `calibrate` refuses less: ``calibration_run.check_builtin_seconds``); its hold-out product the CLI's.
MAX_APP_SECONDS = B.DEFAULT_CALIBRATION_SECONDS
MIN_APP_SECONDS = math.ceil(MEASURE_POWER_SECS)  # whole seconds, as the field takes them
APP_SECONDS = 3
# This page's widgets for the inputs an error may name (``common.error_text``), from their declarations; a base
# profile that does not load is refused as the hardware (field "hardware")
FIELD_LABELS = {**labels(CALIBRATE), "hardware": CALIBRATE["base"].label}
# the widest the check table's workload column grows: its names whole beside the first figures at 1,280 px
WORKLOAD_MAX_PX = 560


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
            "achieved_tflops": (cal["achieved_flops_per_s"] / FLOPS_PER_TFLOP  # missing stays missing, not 0
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


def saved_path(profile_id: str):
    """Where Save writes a calibrated profile: the calibrated folder the profiles load from
    (profiles/calibrated/ in a checkout, ESTIMATOR_CALIBRATED_DIR where set, the user's data
    folder when installed), as the page shows it."""
    return datafiles.CALIBRATED_DIR / f"{profile_id}.toml"


def save_profile(result: cr.CalibrationResult):
    """Write the calibrated profile to ``saved_path`` (the CLI's rules for where), then forget the cached
    profiles so that it is listed and usable at once. A calibration that warns may replace a profile
    here without the CLI's --force: its warnings stand above the Save button, so the click is that choice."""
    out = cr.checked_out_path(None, result.profile.id)
    write_profile(result.data, out)
    c.clear_profile_cache()
    return out


def show_result(result: cr.CalibrationResult, key: str) -> None:
    s = result.summary()
    # first, before its numbers: the profile is likely unreliable (a busy machine, checks far off)
    for warning in result.warnings:
        st.warning(c.md_escape(warning[:1].upper() + warning[1:], 600), icon=":material/warning:")
    a, b, d = style.metric_cells(3, f"{key}_numbers")
    a.metric("Achieved", f"{gfmt(s['achieved_flops_per_s'] / FLOPS_PER_TFLOP, 4)} TFLOP/s",
             help=f"{s['precision']}, {hz.sig(100 * s['utilization'])}% of the base profile's peak")  # 0.0068%, not 0.0%
    if s["mean_power_w"] is not None:
        b.metric("Mean power", hz.power(s["mean_power_w"]) + (" (estimate)" if s["power_is_estimate"] else ""))
        d.metric("Energy", f"{gfmt(s['energy_j'], 4)} J", help=f"over {s['duration_s']:.2f} s")
    st.caption(c.md_escape(f"{s['device_name']} — power source: {s['power_source']} — {s['method']}", 600))
    for note in result.notes:
        st.info(c.md_escape(note, 600), icon=":material/info:")
    # predicted_s: what an estimate with this profile gives; at_size: the throughput measured nearest
    # the workload's problem size (how much of the error the size explains)
    checks = pd.DataFrame([{"workload": ch.label, "predicted_s": ch.predicted_s, "measured_s": ch.measured_s,
                            "error": ch.error, "predicted_at_size_s": ch.at_size_s, "error_at_size": ch.error_at_size,
                            "fitted on it": ch.fitted} for ch in result.checks],
                          columns=["workload", "predicted_s", "measured_s", "error", "predicted_at_size_s",
                                   "error_at_size", "fitted on it"])
    st.markdown("**How well the calibrated profile predicts**")
    if checks.empty:
        st.caption("No check: one measured run, and the profile is fitted on it.")
    else:
        # headers in words, with units (browser review 2026-11-27: "predicted_s", "error_a…"); the CSV keeps the names
        secs = st.column_config.NumberColumn
        c.dataframe(checks.assign(error=[hz.signed_percent(x) for x in checks["error"]],
                                  error_at_size=[None if pd.isna(x) else hz.signed_percent(x)
                                                 for x in checks["error_at_size"]]),
                    # the workloads' long names whole and not pinned (browser review 2026-11-27: pinned, they were
                    # cut at 260 px even at 1,920 px, where the part that tells two apart was lost)
                    column_config={"workload": st.column_config.TextColumn(
                                       "Workload", pinned=False, width=min(WORKLOAD_MAX_PX, c.text_px(
                                           [*checks["workload"], "Workload"]))),
                                   "predicted_s": secs("Predicted (s)", format="%.4g"),
                                   "measured_s": secs("Measured (s)", format="%.4g"), "error": "Error",
                                   "predicted_at_size_s": secs("Predicted at its size (s)", format="%.4g", help=(
                                       "from the throughput measured nearest the workload's problem size")),
                                   "error_at_size": "Error at its size", "fitted on it": "Fitted on it"})
        # the checks' numbers unformatted: the error as a fraction (predicted ÷ measured − 1)
        st.download_button("The checks (CSV)", c.table_csv(checks.rename(
            columns={"error": "error_fraction", "error_at_size": "error_at_size_fraction"})),
                           file_name=f"{result.profile.id}-checks.csv", mime="text/csv", on_click="ignore",
                           key=f"{key}_checks_csv", icon=":material/download:")
    text = profile_toml(result.data)
    left, right = st.columns(2)
    left.download_button("Download the calibrated profile (.toml)", text, file_name=f"{result.profile.id}.toml",
                         mime="application/toml", key=f"{key}_download", icon=":material/download:")
    dest = saved_path(result.profile.id)
    where = datafiles.display_path(dest)  # the real destination (audit: the label said profiles/calibrated/ always)
    # a profile with this id is there already (an earlier calibration, the CLI's or this page's): say so
    exists = dest.exists()
    # a short label (browser check: the path cut it off on a phone); the caption below names the file
    if right.button("Replace the earlier calibration" if exists else "Save on this server", key=f"{key}_save",
                    icon=":material/save:", help=f"Writes {where}"):
        try:
            out = save_profile(result)
        except EstimatorError as exc:
            c.show_error(exc, labels=FIELD_LABELS)
        else:
            st.session_state["cal_saved"] = (str(out), result.profile.id)
            st.rerun()  # the listing above shows the new profile
    with st.expander("Preview the profile"):
        st.code(text, language="toml")
    pid = result.profile.id
    saves = f"Saving replaces {where}, an earlier calibration." if exists else f"Saving writes {where}."
    st.caption(c.md_escape(f"{saves} Saved, it is used by its id on this server's machine: python -m estimator estimate "
                           f"--hardware {pid} …; downloaded, by the file's path: --hardware path/to/{pid}.toml", 600))


def _meters() -> None:
    """Which meters the server running this app has (`calibrate --backends` says the same)."""
    from estimator.device.backends import backend_status
    for s in backend_status():
        text = c.md_escape(s.line, 600)
        if s.available:
            st.caption(text)
        else:
            st.info(text, icon=":material/block:")


def _listing() -> None:
    st.header("Calibrated profiles", anchor=False)
    saved = st.session_state.pop("cal_saved", None)
    if saved:
        path, pid = saved
        st.success(c.md_escape(f"Saved {path}: use it with --hardware {pid}", 400), icon=":material/check:")
    ps = c.profiles()
    for err in ps.errors:  # a broken calibrated file is named here too, not only on the Profiles page
        st.warning(c.md_escape(f"A profile failed to load: {err}", limit=500))
    table = calibrated_table(ps.profiles.values())
    if table.empty:
        st.info("No calibrated profiles yet. Run `python -m estimator calibrate` (CPU or NVIDIA GPU) or "
                "import a CodeCarbon log below.", icon=":material/info:")
        return
    c.dataframe(table, column_config={
        "achieved_tflops": st.column_config.NumberColumn("achieved TFLOP/s", format="%.4g"),
        "utilization": st.column_config.NumberColumn(format="%.3g"),  # a CPU's 0.0047, not 0.005
        "mean_power_w": st.column_config.NumberColumn("mean power (W)", format="%.1f")})
    st.download_button("CSV", c.table_csv(table), file_name="calibrated-profiles.csv", mime="text/csv",
                       on_click="ignore", key="cal_listing_csv", icon=":material/download:")
    for pid in table["id"]:
        with st.expander(f"Measurement details: {pid}"):
            st.json(dict(c.profiles().profiles[pid].calibration), expanded=False)


def _import_section() -> None:
    st.header("Import a CodeCarbon log", anchor=False)
    st.caption("CodeCarbon's emissions.csv (31-column files of CodeCarbon 2.x and 38-column files of 3.x, read by "
               f"column name; at most {MAX_CSV_BYTES / BYTES_PER_MB:.0f} MB) plus the FLOPs of the run.")
    upload = st.file_uploader("emissions.csv", type=["csv"], key="cal_upload",
                              max_upload_size=int(MAX_CSV_BYTES / BYTES_PER_MB))
    col1, col2, col3 = st.columns(3)
    with col1:
        flops = w.number(CALIBRATE["flops"], default=None, fmt=c.LARGE_NUMBER_FORMAT, placeholder="e.g. 7.2e11",
                         where=st)
    with col2:
        base_id = w.select(CALIBRATE["base"], c.hardware_ids(), default=CPU_BASE, where=st)
    with col3:
        precision = st.selectbox(CALIBRATE["precision"].label, ["(the base's default)", *CALIBRATE["precision"].choices],
                                 key="cal_precision")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        runs = parse_codecarbon_csv(decode_csv_bytes(data, upload.name), upload.name)
    except EstimatorError as exc:
        c.show_error(exc, labels=FIELD_LABELS)
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
        c.show_error(exc, labels=FIELD_LABELS)
        return
    show_result(result, "cal_import")


def _cpu_section() -> None:
    st.header("Short CPU calibration on this server", anchor=False)
    st.caption(f"Matrix products (numpy, {' and '.join(mb.CPU_PRECISIONS)}, sizes {mb.CPU_SIZES[0]}–{mb.CPU_SIZES[-1]}) measured with CodeCarbon on the machine "
               "that runs this app, which may not be yours: for your own machine run `python -m estimator calibrate`.")
    cli = B.CALIBRATION_SECONDS
    seconds = w.number(CALIBRATE["seconds"], min_value=MIN_APP_SECONDS, max_value=MAX_APP_SECONDS, integer=True,
                       default=APP_SECONDS, where=st,
                       help=f"{MIN_APP_SECONDS:g} to {MAX_APP_SECONDS:g} s here: a run on this page holds up the page until it ends. "
                            f"`python -m estimator calibrate --seconds` takes {cli.low:g} s to {cli.high:g} s "
                            "(an hour).")
    if st.button("Run the CPU calibration", key="cal_run_cpu", icon=":material/play_arrow:"):
        bar = st.progress(0.0, text="starting CodeCarbon…")
        last = [0.0]

        def progress(frac: float) -> None:
            now = time.monotonic()
            if now - last[0] >= 0.2 or frac >= 1.0:
                last[0] = now
                bar.progress(min(max(frac, 0.0), 1.0), text=f"calibrating… {frac:.0%}")

        try:
            from estimator.device.backends import open_backend
            backend = open_backend("cpu")
            base = cr.base_profile(c.profiles(), None, backend.kind, backend.device_name)  # the CLI's rule
            st.session_state["cal_cpu_result"] = cr.calibrate_builtin(backend, base, float(seconds or APP_SECONDS),
                                                                      progress)
            bar.progress(1.0, text="done")
        except EstimatorError as exc:
            bar.empty()
            c.show_error(exc, labels=FIELD_LABELS)
    result = st.session_state.get("cal_cpu_result")
    if result is not None:
        show_result(result, "cal_cpu")


def track_frame(rep: LoadedReport) -> pd.DataFrame:
    """One row per snapshot: elapsed, predicted whole run and its range, in seconds, by step."""
    rows = [r for r in rep.history if r.get("step") is not None and r.get("elapsed_s") is not None]
    return pd.DataFrame(rows, columns=["step", "elapsed_s", "wall_clock_s", "low_s", "high_s", "energy_kwh",
                                       "drift_fraction"])


def track_chart(rep: LoadedReport) -> alt.LayerChart:
    """Predicted whole-run time (with its 80% range) against the time elapsed, by step."""
    df = track_frame(rep)
    # whole steps on the axis (measuring engineer's review 2026-11-29: ticks read 98.1, 98.2 … and "81.000000")
    x = alt.X("step:Q", title="step", axis=alt.Axis(format=",d", tickMinStep=1))
    band = alt.Chart(df.dropna(subset=["low_s", "high_s"])).mark_area(opacity=0.25).encode(
        x=x, y=alt.Y("low_s:Q", title="seconds"), y2="high_s:Q",
        tooltip=[alt.Tooltip("step:Q", format=","), alt.Tooltip("low_s:Q", format=".4g", title="low (s)"),
                 alt.Tooltip("high_s:Q", format=".4g", title="high (s)"),
                 alt.Tooltip("drift_fraction:Q", format="+.0%", title="widened for a drift of")])
    long = df.melt(id_vars=["step"], value_vars=["wall_clock_s", "elapsed_s"], var_name="series",
                   value_name="seconds").dropna()
    long["series"] = long["series"].map({"wall_clock_s": "predicted whole run", "elapsed_s": "elapsed"})
    # one colour scale for the lines and the finished run's dashed rule, so the legend names all three (browser review
    # 2026-11-29: the dashed line had no entry)
    series = ["predicted whole run", "elapsed"] + (["measured whole run"] if rep.finished else [])
    colour = category_scale(domain=series)
    lines = alt.Chart(long).mark_line(point=True).encode(
        x=x, y=alt.Y("seconds:Q", title="seconds"), color=alt.Color("series:N", title=None, scale=colour),
        tooltip=[alt.Tooltip("step:Q", format=","), "series:N", alt.Tooltip("seconds:Q", format=".4g")])
    layers = [band, lines]
    if rep.finished:
        final = pd.DataFrame({"seconds": [rep.elapsed_s], "series": ["measured whole run"]})
        layers.append(alt.Chart(final).mark_rule(strokeDash=[4, 3]).encode(
            y="seconds:Q", color=alt.Color("series:N", title=None, scale=colour),
            tooltip=[alt.Tooltip("series:N", title="label"), alt.Tooltip("seconds:Q", format=".4g")]))
    # a run with nothing predicted (no total_steps) is its elapsed time alone, and titled so (review 2026-11-29)
    title = "Predicted whole run vs elapsed" if df["wall_clock_s"].notna().any() else "Elapsed by step"
    return alt.layer(*layers).properties(title=title, height=280)


def _range_text(pred, key: str, fmt) -> str:
    low, high = (pred.get("range") or {}).get(key, [None, None])
    centre = pred.get(key) if isinstance(pred.get(key), (int, float)) else None  # a time's ends in its figure's unit
    return (f"{pred.get('range_level', 0.8):.0%} range {' – '.join(hz.range_ends(fmt, low, high, centre))}"
            if low is not None else "")


def track_status(rep: LoadedReport) -> str | None:
    """A run that did not finish, in words (None: it finished, or ran with no total to finish)."""
    if rep.finished:
        return None
    total = f" of {rep.total_steps:,}" if rep.total_steps else ""
    if rep.steps_done == 0:
        return "No steps ran."
    if rep.status.startswith("interrupted"):
        what = "was interrupted"
    elif rep.status.startswith("failed"):
        what = f"{rep.status}: the training raised an exception"
    elif rep.status == "running":
        what = "was still running when the report was written"
    elif rep.total_steps is None:
        return None  # stopped, with no total_steps: nothing left to predict
    else:
        what = "stopped early"
    return (f"The run {what}, at step {rep.steps_done:,}{total}: the whole run's time, energy, CO₂e and cost are "
            "predicted from its steps, not measured.")


def show_track_report(rep: LoadedReport) -> None:
    p, s = rep.prediction, rep.settings
    status = track_status(rep)
    if status is not None:  # visible, not only in a tooltip (track audit)
        (st.warning if rep.status.startswith(("interrupted", "failed")) else st.info)(
            c.md_escape(status, 400), icon=":material/warning:")
    # rows that wrap rather than cut a value (journeys C1: "0.00311 g C…" in one of four columns at 1400 px)
    a, b, d = style.metric_cells(3, "cal_track_run")
    total = f" of {rep.total_steps:,}" if rep.total_steps else ""
    a.metric("Steps", f"{rep.steps_done:,}{total}", help="finished" if rep.finished else f"status: {rep.status}")
    b.metric("Elapsed", hz.duration(rep.elapsed_s))
    if p.get("wall_clock_s") is not None:
        d.metric("Predicted whole run", hz.duration(p["wall_clock_s"]), help=_range_text(p, "wall_clock_s", hz.duration))
    pre = "" if rep.finished else "Predicted "  # a finished run's figures are what it took
    m, e, f, g = style.metric_cells(4, "cal_track_energy")
    estimated = bool(s.get("power_is_estimate"))  # CodeCarbon's cpu_load estimate, no meter (browser review 2026-11-29)
    # which energy is which in the labels, not only in the tooltips: the device's own before PUE, and the whole run's
    # with it (measuring engineer's review 2026-11-30: "Energy (estimate) 0.0396 Wh" beside "Energy 0.0495 Wh")
    if p.get("energy_measured_kwh") is not None:
        m.metric("Device energy, before PUE" + (" (estimate)" if estimated else ", measured"),
                 hz.energy(p["energy_measured_kwh"]),
                 help=(f"estimated ({s.get('power_source')}), not metered" if estimated else "read from the meter")
                 + " over the run's windows until the report was written: one device, before PUE")
    if p.get("energy_kwh") is not None:
        label = f"{pre}energy with PUE" + (" (estimate)" if estimated else "")  # "PUE" kept whole: no capitalize()
        e.metric(label[0].upper() + label[1:], hz.energy(p["energy_kwh"]),
                 help=_range_text(p, "energy_kwh", hz.energy))
    if p.get("co2e_kg") is not None:
        f.metric(f"{pre}CO₂e", hz.co2e(p["co2e_kg"]), help=_range_text(p, "co2e_kg", hz.co2e))
    if p.get("cost_usd") is not None:
        g.metric(f"{pre}cost".capitalize(), hz.money(p["cost_usd"]), help=_range_text(p, "cost_usd", hz.money))
    # the measured power and energy a step, as the terminal report prints them (measuring engineer's review
    # 2026-11-29: a run without total_steps showed its steps and time alone, its "time and energy per step" note aside)
    # an estimate marked as the calibration's figures are (browser review 2026-11-29: CodeCarbon's cpu_load estimate
    # read "measured")
    mark, read = (" (estimate)", f"estimated ({s.get('power_source')}), not metered") if estimated else ("", "measured")
    per = [(label, fmt(p[key]) + mark, why) for key, label, fmt, why in (
        ("mean_power_w", "Mean power", hz.power, f"{read} over the run's windows: one device, before PUE"),
        ("energy_per_step_j", "Energy per step", hz.joules, "the mean power × the steady step time: one device, "
                                                            "before PUE"))
        if p.get(key) is not None]
    if per:
        for cell, (label, value, why) in zip(style.metric_cells(len(per), "cal_track_per_step"), per):
            cell.metric(label, value, help=why)
    if rep.history:
        render_chart(track_chart(rep))
    step_s = p.get("step_s")
    source = f"{s.get('device_name', '?')} ({s.get('backend', '?')} backend), power: {s.get('power_source') or 'not measured'}"
    if step_s is not None:
        steady = hz.noun(f"{p.get('steady_steps', 0):,}", "steady step")  # "1 warm-up step", not "1 … steps"
        warm = hz.noun(f"{p.get('warmup_steps', 0):,}", "warm-up step")
        source = f"{steady} of {gfmt(step_s * MS_PER_S, 4)} ms after {warm} ({p.get('warmup_how', '')}); " + source
    st.caption(c.md_escape(f"{rep.source}, written {rep.written_at}: {source}", 600))
    for note in p.get("notes") or []:
        st.info(c.md_escape(note, 600), icon=":material/info:")
    for failure in rep.failures:
        st.warning(c.md_escape(f"failed: {failure}", 600), icon=":material/warning:")  # a meter's or a file's


def _track_section() -> None:
    st.header("Load a track report", anchor=False)
    st.caption("The JSON report that estimator.monitor.track writes from inside a training loop "
               "(track(..., report_path=\"track.json\"), or run.save_report(path); examples/train_numpy.py "
               "--report track.json): the whole run predicted from its first steps, against the time elapsed.")
    upload = st.file_uploader("track report (.json)", type=["json"], key="cal_track_upload",
                              max_upload_size=max(int(MAX_REPORT_BYTES / BYTES_PER_MB), 1))
    if upload is None:
        return
    try:
        rep = parse_report(upload.getvalue(), upload.name)
    except EstimatorError as exc:
        c.show_error(exc, labels=FIELD_LABELS)
        return
    show_track_report(rep)


def render() -> None:
    st.title("Calibrate", anchor=False)
    st.caption("Estimates are only as good as their throughput and power figures. Calibration measures them and "
               "feeds them back into a profile (its [calibration] table says when, where and how).")
    _meters()
    _listing()
    _import_section()
    _cpu_section()
    _track_section()
    c.show_url_warnings(st)
