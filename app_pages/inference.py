"""Inference & compression: cost per token, what quantisation, pruning and distillation save,
and when serving outgrows training.

Every number comes from ``estimator.limits.inference_report`` (the CLI's ``inference`` command
calls it too); every input is bound to the URL.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from estimator import compression, humanize as hz, inference as inference_core, limits
from estimator import bounds as B
from estimator.errors import EstimatorError
from estimator.estimate import DEFAULT_CARBON_INTENSITY_G_PER_KWH
from estimator.inference import DEFAULT_TOKENS_PER_QUERY

from . import common as c, inputs

# Defaults, each with its source:
DEFAULT_HARDWARE = "a100-sxm-80gb"  # the worked example: 7B at 16 bits on an A100 80GB
DEFAULT_PARAMS = 7e9                # Llama 2 7B (Touvron et al. 2023, arXiv:2307.09288, Table 1)
DEFAULT_TOKENS = 1e9                # illustrative: a billion generated tokens (2 million 500-token answers)
# bounds for typed values: the Estimate page's (app_pages/inputs.py) and the core's batch limit
MAX_PARAMS, MAX_TOKENS = B.PARAMS.high, B.TOKENS.high
MAX_BATCH = inference_core.MAX_BATCH
MAX_GRID_G_PER_KWH, MAX_PRICE = B.CARBON_INTENSITY_G_PER_KWH.high, B.PRICE_USD_PER_DEVICE_HOUR.high
BITS = ("16", "8", "4")
LOG = alt.Scale(type="log")


def _hardware_options() -> list[str]:
    """Profiles that can serve: they have memory capacity and bandwidth."""
    ps = c.profiles().profiles
    return [i for i in c.hardware_ids() if ps[i].memory_gb and ps[i].memory_bandwidth_gb_per_s]


def inputs() -> dict:
    side = st.sidebar
    side.header("Serving")
    kw = {}
    kw["hardware"] = c.url_select("Hardware", "inf_hw", _hardware_options(), default=DEFAULT_HARDWARE, where=side)
    kw["params"] = c.url_number("Parameters N", "inf_params", min_value=1e3, max_value=MAX_PARAMS,
                                default=DEFAULT_PARAMS, fmt="%.4g", where=side)
    kw["tokens"] = c.url_number("Tokens generated in total", "inf_tokens", min_value=1.0, max_value=MAX_TOKENS,
                                default=DEFAULT_TOKENS, fmt="%.4g", where=side)
    kw["tokens_per_query"] = c.url_number("Tokens per query", "inf_tpq", min_value=1.0, max_value=1e7,
                                          default=DEFAULT_TOKENS_PER_QUERY, fmt="%.4g", where=side,
                                          help="Length of one answer: an assumption, set your own")
    kw["batch_size"] = c.url_number("Batch size", "inf_batch", min_value=1, max_value=MAX_BATCH, default=1,
                                    integer=True, where=side, help="Sequences decoded together share each weight read")
    side.subheader("Compression")
    kw["bits"] = int(c.url_radio("Bits per weight", "inf_bits", BITS, default="16", where=side,
                                 help="Quantisation: 8-bit uses the FP8/INT8 peak where the hardware has one"))
    kw["sparsity"] = c.url_number("Pruned fraction of weights", "inf_sparsity", min_value=0.0, max_value=0.99,
                                  default=0.0, step=0.05, fmt="%.2f", where=side)
    kw["sparse_kernels"] = not c.url_toggle("Dense kernels (pruning saves nothing)", "inf_dense", where=side,
                                            help="Unstructured sparsity rarely speeds up dense hardware")
    kw["student_params"] = c.url_number("Distilled student (parameters)", "inf_student", min_value=1e3,
                                        max_value=MAX_PARAMS, fmt="%.4g", placeholder="none", where=side)
    side.subheader("Grid, price, training")
    kw["carbon_intensity_g_per_kwh"] = c.url_number("Grid intensity (gCO2e/kWh)", "inf_grid", min_value=0.0,
                                                    max_value=MAX_GRID_G_PER_KWH, fmt="%.4g",
                                                    placeholder=f"{DEFAULT_CARBON_INTENSITY_G_PER_KWH:g} (world average)", where=side)
    kw["price_usd_per_device_hour"] = c.url_number("Price (USD per device-hour)", "inf_price", min_value=0.0,
                                                   max_value=MAX_PRICE, fmt="%.4g", placeholder="profile's", where=side)
    kw["train_tokens"] = c.url_number("Training tokens (break-even)", "inf_train", min_value=1.0, max_value=MAX_TOKENS,
                                      fmt="%.4g", placeholder="20 × N (Chinchilla)", where=side)
    return {k: v for k, v in kw.items() if v is not None}


def technique_table(techniques) -> pd.DataFrame:
    rows = []
    for t in techniques:
        r = t.result
        rows.append({"technique": t.name, "setting": t.label + ("" if t.chosen else " (illustrative)"),
                     "ms_per_token": r.seconds_per_token * 1e3, "devices": r.devices,
                     "device_ms_per_token": r.seconds_per_token * r.devices * 1e3,
                     "memory_gb": r.memory_gb, "bound": r.bound,
                     "wh_per_query": r.per_query("energy_kwh") * 1e3,
                     "g_co2e_per_query": r.per_query("co2e_kg") * 1e3,
                     "usd_per_query": r.per_query("cost_usd"),
                     "saved_pct": None if t.saving("energy_kwh") is None else 100 * t.saving("energy_kwh"),
                     "cost_total_usd": r.cost_usd})
    return pd.DataFrame(rows)


def savings_chart(df: pd.DataFrame) -> alt.Chart:
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("wh_per_query:Q", title="Energy per query (Wh)"),
        y=alt.Y("setting:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("technique:N", legend=None),
        tooltip=["setting", alt.Tooltip("wh_per_query:Q", format=".3g"), alt.Tooltip("saved_pct:Q", format=".0f")])


def break_even_chart(report) -> alt.LayerChart | None:
    """Cumulative serving cost vs queries (log-log) against the training cost."""
    be = report.break_even
    key = "cost_usd" if be.per_query["cost_usd"] else "energy_kwh"
    unit = "USD" if key == "cost_usd" else "kWh"
    q, train = be.queries[key], be.train[key]
    if not q:
        return None
    queries = np.logspace(np.log10(q) - 3, np.log10(q) + 2, 60)
    df = pd.DataFrame({"queries": queries, "value": queries * be.per_query[key], "what": "serving (cumulative)"})
    df = pd.concat([df, pd.DataFrame({"queries": queries, "value": train, "what": "training (once)"})])
    lines = alt.Chart(df).mark_line().encode(
        x=alt.X("queries:Q", scale=LOG, title="Queries served (log)", axis=alt.Axis(format="~e")),
        y=alt.Y("value:Q", scale=LOG, title=f"{unit} (log)", axis=alt.Axis(format="~e")),
        color=alt.Color("what:N", title=None), tooltip=["what", alt.Tooltip("queries:Q", format=".3~e"),
                                                         alt.Tooltip("value:Q", format=".3~e")])
    rule = alt.Chart(pd.DataFrame({"queries": [q]})).mark_rule(strokeDash=[4, 4]).encode(x="queries:Q")
    return alt.layer(lines, rule)


def render() -> None:
    warn_box = st.container()
    st.title("Inference & compression", anchor=False)
    st.caption("Decoding reads every weight once per step: at small batch the time per token is bounded by weight "
               "bytes ÷ memory bandwidth, not by FLOP/s. Same numbers as `python -m estimator inference …`.")
    kw = inputs()
    try:
        report = limits.inference_report(**kw)
    except EstimatorError as exc:
        c.show_error(exc)
        c.show_url_warnings(warn_box)
        return
    r = report.result
    cols = st.columns(4)
    cols[0].metric("Time per token", f"{hz.sig(r.seconds_per_token * 1e3)} ms", border=True,
                   help=f"{r.bound}-bound; one step (batch {r.batch_size}) takes {hz.sig(r.latency_s_per_token * 1e3)} ms")
    cols[1].metric("Throughput", f"{hz.sig(1 / r.seconds_per_token)} tokens/s", border=True)
    cols[2].metric("Memory (weights)", f"{hz.sig(r.memory_gb)} GB", border=True,
                   help=f"{r.devices} × {r.hardware_id}; KV cache and activations not included")
    cols[3].metric("Bound by", "memory bandwidth" if r.bound == "memory" else "compute", border=True,
                   help=f"compute {hz.sig(r.compute_s_per_step * 1e3)} ms vs memory {hz.sig(r.memory_s_per_step * 1e3)} "
                        f"ms per step ({r.precision} peak)")
    cols = st.columns(4)
    cols[0].metric(f"Per query ({hz.count(r.tokens_per_query)} tokens)", hz.energy(r.per_query("energy_kwh")), border=True)
    cols[1].metric("CO₂e per query", hz.co2e(r.per_query("co2e_kg")), border=True)
    cols[2].metric("Cost per query", hz.money(r.per_query("cost_usd")), border=True)
    cols[3].metric(f"Total ({hz.count(r.tokens)} tokens)", hz.money(r.cost_usd), border=True,
                   help=f"{hz.energy(r.energy_kwh)}, {hz.co2e(r.co2e_kg)}, {hz.duration(r.estimate.wall_clock_s)}")
    for note in r.notes:
        st.caption(c.md_escape(note, 400))

    st.header("What each technique saves", anchor=False)
    df = technique_table(report.techniques)
    st.dataframe(df, hide_index=True, width="stretch", column_config={
        "technique": "Technique", "setting": "Setting", "bound": "Bound",
        "ms_per_token": st.column_config.NumberColumn("ms / token", format="%.4g",
                                                      help="wall time per token with all the devices serving"),
        "devices": st.column_config.NumberColumn("Devices", format="%d", help="as many as the weights need"),
        "device_ms_per_token": st.column_config.NumberColumn("Device-ms / token", format="%.4g",
                                                             help="ms / token × devices: what energy and cost scale with"),
        "memory_gb": st.column_config.NumberColumn("Memory (GB)", format="%.4g"),
        "wh_per_query": st.column_config.NumberColumn("Wh / query", format="%.4g"),
        "g_co2e_per_query": st.column_config.NumberColumn("g CO₂e / query", format="%.4g"),
        "usd_per_query": st.column_config.NumberColumn("USD / query", format="%.4g"),
        "saved_pct": st.column_config.NumberColumn("Saved (%)", format="%.0f"),
        "cost_total_usd": st.column_config.NumberColumn("Total cost (USD)", format="%.4g")})
    st.altair_chart(savings_chart(df), width="stretch")
    st.caption(f"Rows marked illustrative use settings from papers: {compression.ILLUSTRATIVE_SPARSITY:.0%} pruning "
               "(SparseGPT, Frantar & Alistarh 2023) and a student of "
               f"{compression.ILLUSTRATIVE_STUDENT_FRACTION:g} × N (DistilBERT, Sanh et al. 2019). Quality is not modelled.")

    st.header("Training vs serving: the break-even", anchor=False)
    be, t = report.break_even, report.training
    cols = st.columns(3)
    cols[0].metric("Training", hz.money(t.cost_usd), border=True,
                   help=f"{t.flops:.3g} FLOPs: {hz.energy(t.energy_kwh)}, {hz.co2e(t.co2e_kg)}; {report.training_source}")
    q = be.queries["cost_usd"] or be.queries["energy_kwh"]
    cols[1].metric("Serving costs more after", "n/a" if not q else f"{hz.count(q)} queries", border=True)
    tok = be.tokens["cost_usd"] or be.tokens["energy_kwh"]
    cols[2].metric("… i.e. tokens", "n/a" if not tok else hz.count(tok), border=True)
    chart = break_even_chart(report)
    if chart is not None:
        st.altair_chart(chart, width="stretch")
    c.show_url_warnings(warn_box)
