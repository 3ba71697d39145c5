"""The Inference page's tables and charts: the compression techniques side by side, the parts of
one decode step, and cumulative serving against training (the break-even)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from app_pages.ui import charts, palette
from estimator.core.base.units import G_PER_KG, MS_PER_S, WH_PER_KWH
from estimator.core.serving.step_notes import own_prompt_noun

# the components of one decode step: TPOT = max(memory, compute) + the other requests' prefill + tensor parallel (or,
# for a mixture of experts served with --ep, expert parallel) + engine (+ the draft head's passes, with speculative
# decoding, the step then over the tokens a sequence emits in it); a request's own prompt's prefill, before its first
# token, is apart: in the time a token is served (throughput, energy), not in the TPOT
STEP_PARTS = (("memory", "memory_s_per_step", "weights + KV cache read"),
              ("compute", "compute_s_per_step", "decode FLOPs"),
              ("prefill", "others_prefill_s_per_step", "the other requests' prompts started, per step"),
              ("own prompt", "own_prefill_s_per_step",
               "the request's own prompt, before its first token: in the throughput, not in the TPOT"),
              ("tensor parallel", "tensor_parallel_s_per_step", "all-reduces between devices"),
              ("own prompt's all-reduces", "own_tensor_parallel_s_per_step",
               "the request's own prompt's all-reduces, before its first token: in the throughput, not in the TPOT"),
              ("expert parallel", "expert_parallel_s_per_step", "all-to-alls between devices"),
              ("engine", "engine_s_per_step", "fitted per layer and per sequence"),
              ("own prompt's engine", "own_engine_s_per_step",
               "the engine's cost of the request's own prefill step, before its first token: in the throughput, not "
               "in the TPOT"),
              ("draft head", "draft_s_per_step", "speculative decoding's draft passes"))


def step_parts(r) -> tuple[tuple[str, str, str], ...]:
    """The parts of ``r``'s step: tensor parallel's all-reduces, or expert parallel's all-to-alls where it has them;
    the draft head's passes where it drafts."""
    skip = ({"tensor parallel" if r.ep > 1 else "expert parallel"} | (set() if r.draft_tokens else {"draft head"})
            | (set() if r.own_prefill_s_per_step > 0 else {"own prompt"})
            | (set() if r.own_tensor_parallel_s_per_step > 0 else {"own prompt's all-reduces"})
            | (set() if r.own_engine_s_per_step > 0 else {"own prompt's engine"})
            | ({"prefill"} if r.static_batch else set()))  # a static batch's prompts are all before its first token
    return tuple(p for p in STEP_PARTS if p[0] not in skip)


def _pair(rng, scale: float = 1.0) -> tuple[float | None, float | None]:
    return (None, None) if rng is None else (rng[0] * scale, rng[1] * scale)


def technique_table(techniques) -> pd.DataFrame:
    """One row per technique, each figure with the low and high ends of its stated range."""
    rows = []
    for t in techniques:
        r = t.result
        tpot_lo, tpot_hi = _pair(r.range["seconds_per_output_token"], MS_PER_S)
        j_lo, j_hi = _pair(r.range["joules_per_output_token"])
        wh_lo, wh_hi = _pair(r.range["per_query"]["energy_kwh"], WH_PER_KWH)
        rows.append({"technique": t.name, "setting": t.label + ("" if t.chosen else " (illustrative)"),
                     # the chart's axis (the setting, whole, in its tooltip); * an illustrative setting
                     "short": t.short_label + ("" if t.chosen else " *"),
                     "tpot_ms": r.seconds_per_output_token * MS_PER_S, "tpot_ms_low": tpot_lo, "tpot_ms_high": tpot_hi,
                     "devices": r.devices, "device_ms_per_token": r.device_seconds_per_token * MS_PER_S,
                     "j_per_token": r.joules_per_output_token, "j_per_token_low": j_lo, "j_per_token_high": j_hi,
                     "weights_gb": r.weights_gb, "kv_cache_gb": r.kv_cache_gb, "bound": r.bound,
                     "wh_per_query": r.per_query("energy_kwh") * WH_PER_KWH, "wh_per_query_low": wh_lo,
                     "wh_per_query_high": wh_hi,
                     "g_co2e_per_query": r.per_query("co2e_kg") * G_PER_KG,
                     "usd_per_query": r.per_query("cost_usd"),
                     "saved_pct": None if t.saving("energy_kwh") is None else 100 * t.saving("energy_kwh"),
                     # the devices held fixed (issue 54): a row on fewer devices, its twin on the baseline's
                     "saved_same_devices_pct": (None if (same := t.same_devices or t).saving("energy_kwh") is None
                                                else 100 * same.saving("energy_kwh")),
                     # the chart's figures: the technique on the baseline's devices (lecturer review 2026-11-27: a
                     # row on 1 GPU had been drawn beside the baseline's 2, -63% where the same 2 GPUs save 48%)
                     **_same_devices_energy(same.result),
                     "cost_total_usd": r.cost_usd})
    return pd.DataFrame(rows)


def _same_devices_energy(r) -> dict:
    """Energy per query (Wh) and its range, of a technique held to the baseline's devices."""
    lo, hi = _pair(r.range["per_query"]["energy_kwh"], WH_PER_KWH)
    return {"wh_same_devices": r.per_query("energy_kwh") * WH_PER_KWH, "wh_same_devices_low": lo,
            "wh_same_devices_high": hi}


def savings_chart(df: pd.DataFrame, lecture: bool = False) -> alt.LayerChart:
    """Energy per query of each technique on the baseline's devices (issue 54: the devices held fixed), a bar, with its
    stated range as a line over it; in a lecture the line as thick as the Compare chart's (lecturer review 2026-11-30:
    1-px lines unseen from the back of a room)."""
    y = alt.Y("short:N", sort=None, title=None)  # short labels (the full setting cut to "student of 42 billion param…")
    bars = alt.Chart(df).mark_bar().encode(
        # short enough for a phone at lecture size (lecturer review 2026-11-27: "…with its rang" at 390 px; 2026-11-28:
        # "Energy per query (Wh), same devices" still ran 9 px past a 390-px lecture chart)
        # a few ticks (lecturer review 2026-11-29: 36 on a 1,280-px slide, unreadable from the back row)
        x=alt.X("wh_same_devices:Q", title="Wh per query, same devices", axis=alt.Axis(tickCount=charts.SAVINGS_TICKS)), y=y,
        color=alt.Color("technique:N", legend=None, scale=palette.category_scale()),
        tooltip=["short", "setting", alt.Tooltip("wh_same_devices:Q", format=".3g"),
                 alt.Tooltip("wh_same_devices_low:Q", format=".3g"), alt.Tooltip("wh_same_devices_high:Q", format=".3g"),
                 alt.Tooltip("saved_same_devices_pct:Q", format=".0f")])
    ranges = alt.Chart(df).mark_rule(color="black", strokeWidth=charts.LECTURE_RANGE_STROKE_PX if lecture else 1).encode(
        x="wh_same_devices_low:Q", x2="wh_same_devices_high:Q", y=y)
    return alt.layer(bars, ranges)


def counted_part(r, name: str) -> bool:
    """Whether a part of the step counts in its time (the TPOT): the bound of memory and compute; the other requests'
    prefill, except in a mixed step (its prompts ride in the decode step) that memory bounds, where it hides under the
    memory's time (review 2026-11-27: the bars had added up to more than the time); not the request's own prompt,
    prefilled before its first token, nor its all-reduces, nor its prefill step's engine cost."""
    if name in ("memory", "compute"):
        return name == r.bound
    if name == "prefill" and r.mixed_prefill:
        return r.bound == "compute"
    return not name.startswith("own prompt")


def _shown(r, name: str, what: str) -> tuple[str, str]:
    """A part's name and words as the chart shows them: a static batch's prompts, all prefilled before the first
    token, are the batch's, not one request's own (review 2026-11-29: the bar read "own prompt")."""
    if name.startswith("own prompt") and (batch := own_prompt_noun(r.static_batch, r.batch_size)) != (
            own := own_prompt_noun(False, r.batch_size)):
        return name.replace("own prompt", "batch's prompts").replace("prompts's", "prompts'"), what.replace(
            own + "'s", batch + "'").replace(own, batch).replace("its first token", "the first token")
    return name, what


def step_frame(r) -> pd.DataFrame:
    return pd.DataFrame([{"part": shown, "what": words, "ms": getattr(r, attr) * MS_PER_S,
                          "counted": counted_part(r, name)}
                         for name, attr, what in step_parts(r) for shown, words in [_shown(r, name, what)]])


def step_chart(df: pd.DataFrame) -> alt.Chart:
    """Milliseconds per decode step of each part; the GPU part that is not the bound is pale."""
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("ms:Q", title="ms per decode step"),
        y=alt.Y("part:N", sort=None, title=None),
        opacity=alt.condition("datum.counted", alt.value(1.0), alt.value(0.3)),
        tooltip=["part", "what", alt.Tooltip("ms:Q", format=".3g"), "counted"])


def break_even_chart(report) -> alt.LayerChart | None:
    """Cumulative serving cost vs queries (log-log) against the training cost, with the break-even
    point and its range."""
    be = report.break_even
    key = be.basis
    unit = "USD" if key == "cost_usd" else "kWh"
    q, train = be.queries[key], be.train[key]
    if not q:
        return None
    queries = np.logspace(np.log10(q) - 3, np.log10(q) + 2, 60)
    df = pd.DataFrame({"queries": queries, "value": queries * be.per_query[key], "what": "serving (cumulative)"})
    df = pd.concat([df, pd.DataFrame({"queries": queries, "value": train, "what": "training (once)"})])
    x_ticks = charts.log_ticks(float(queries[0]), float(queries[-1]))
    y_ticks = charts.log_ticks(float(df["value"].min()), float(df["value"].max()))
    x_axis = charts.log_axis(x_ticks, labelExpr=charts.human_labels())
    y_axis = charts.log_axis(y_ticks, labelExpr=charts.human_labels("$" if key == "cost_usd" else ""))
    legend = alt.Legend(title=None, **palette.STROKE_LEGEND)  # one legend for both cues, its entries dashed
    lines = alt.Chart(df).mark_line().encode(
        x=alt.X("queries:Q", scale=charts.log_scale(x_ticks), title="Queries served (log)", axis=x_axis),
        y=alt.Y("value:Q", scale=charts.log_scale(y_ticks), title=f"{unit} (log)", axis=y_axis),
        color=alt.Color("what:N", title=None, scale=palette.category_scale(), legend=legend),
        strokeDash=alt.StrokeDash("what:N", title=None, sort=["serving (cumulative)", "training (once)"], legend=legend,
                                  scale=alt.Scale(range=[palette.DASHES[0], palette.DASHES[1]])),  # a11y audit: not colour alone
        tooltip=["what", alt.Tooltip("queries:Q", format=".3~s"),
                                                         alt.Tooltip("value:Q", format=".3~s")])
    layers = [lines]
    rng = (be.queries_range or {}).get(key)
    if rng:
        band = pd.DataFrame({"low": [rng[0]], "high": [rng[1]]})
        layers.insert(0, alt.Chart(band).mark_rect(opacity=0.12, color="gray", clip=True).encode(x="low:Q", x2="high:Q"))
    layers.append(alt.Chart(pd.DataFrame({"queries": [q]})).mark_rule(strokeDash=[4, 4]).encode(x="queries:Q"))
    return alt.layer(*layers)

