"""Profiles & sources: every hardware profile with its figures and sources, and a roofline of
the chosen device."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from estimator.core.units import BYTES_PER_GB, FLOPS_PER_TFLOP
from estimator.report import humanize as hz

from . import charts
from . import common as c
from .inputs import DEFAULT_HARDWARE, hardware_select


def profile_table(profiles) -> pd.DataFrame:
    rows = []
    for p in profiles:
        rows.append({
            "id": p.id, "name": p.name, "kind": p.kind, "year": p.release_year,
            "precision": p.default_precision, "peak_tflops": p.peak() / FLOPS_PER_TFLOP,
            "memory_gb": p.memory_gb, "bandwidth_gb_s": p.memory_bandwidth_gb_per_s,
            "power_w": p.power.average_w, "utilization": p.utilization.default,
            "price_usd_h": p.price.usd_per_device_hour, "pue": p.pue,
            "calibrated": bool(p.calibration), "file": p.source_file,
        })
    return pd.DataFrame(rows)


def details(p) -> None:
    """One profile's figures, each with its source (text from the profile file, escaped)."""
    e = c.md_escape
    price = "none" if p.price.usd_per_device_hour is None else f"${p.price.usd_per_device_hour:g} per device-hour ({p.price.date})"
    rows = [
        ("Peak", ", ".join(f"{k} {v / FLOPS_PER_TFLOP:g} TFLOP/s" for k, v in p.peak_flops_per_s.items()), p.peak_source),
        ("Memory", f"{p.memory_gb or 'n/a'} GB, {p.memory_bandwidth_gb_per_s or 'n/a'} GB/s", p.memory_source),
        ("Power", f"average {hz.power(p.power.average_w)} (range {hz.power(p.power.average_range_w[0])} – "
                  f"{hz.power(p.power.average_range_w[1])}), host included: {'yes' if p.power.includes_host else 'no'}"
                  + (f", TDP {hz.power(p.power.tdp_w)}" if p.power.tdp_w else ""), p.power.source),
        ("Utilisation", f"{p.utilization.default:g} (range {p.utilization.range[0]:g} – {p.utilization.range[1]:g})",
         f"{p.utilization.basis}; {p.utilization.source}"),
        ("Price", price, f"{p.price.basis}; {p.price.source}"),
        ("PUE", f"{p.pue:g}", p.pue_source),
    ]
    for name, value, source in rows:
        st.markdown(f"**{name}**: {e(value, 300)}")
        st.caption(e(source, 800))
    for key, text in p.extra_sources.items():
        st.caption(e(f"{key}: {text}", 600))
    if p.calibration:
        st.markdown("**Calibration**")
        st.json(dict(p.calibration), expanded=False)
    if p.notes:
        st.caption(e(p.notes, 800))


def render() -> None:
    ps = c.profiles()
    st.title("Profiles & sources", anchor=False)
    st.caption("Every hardware profile (profiles/*.toml, calibrated ones in profiles/calibrated/). "
               "Every figure carries its source; see profiles/README.md to add one.")
    for err in ps.errors:
        st.warning(c.md_escape(f"A profile failed to load: {err}", limit=500))
    ids = c.hardware_ids()
    df = profile_table(ps.profiles[i] for i in ids)
    config = {"peak_tflops": st.column_config.NumberColumn("Peak (TFLOP/s)", format="%.4g"),
              "bandwidth_gb_s": st.column_config.NumberColumn("Bandwidth (GB/s)", format="%.4g"),
              "power_w": st.column_config.NumberColumn("Power (W)", format="%.4g"),
              "price_usd_h": st.column_config.NumberColumn("Price (USD/h)", format="$%.3g"),
              "memory_gb": st.column_config.NumberColumn("Memory (GB)", format="%.4g")}
    st.dataframe(df, hide_index=True, column_config=config, width="stretch", height=35 * (len(df) + 1) + 3)
    chosen = hardware_select(None, where=st) or DEFAULT_HARDWARE
    c.show_url_warnings()
    p = ps.profiles[chosen]
    st.subheader(c.md_escape(p.name), anchor=False)
    left, right = st.columns([3, 2])
    with left:
        chart = charts.roofline_chart(p)
        if chart is None:
            st.info("No memory bandwidth in this profile, so no roofline.")
        else:
            ridge = p.peak() / (p.memory_bandwidth_gb_per_s * BYTES_PER_GB)
            st.caption(f"Roofline: attainable FLOP/s = min(peak, bandwidth × FLOP per byte). Below "
                       f"{ridge:.3g} FLOP/byte ({p.default_precision}) the device waits on memory.")
            charts.render_chart(chart)
    with right:
        details(p)
    with st.expander("Citations (estimator/data/sources.toml)"):
        for key, src in c.sources().items():
            st.markdown(f"**{c.md_escape(key)}**: {c.md_escape(src.get('cite', ''), 500)}")
