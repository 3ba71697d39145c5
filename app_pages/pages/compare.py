"""Compare hardware: the same workload on every profile (time, energy, cost, CO₂e)."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages.inputs.sidebar import scenario_inputs
from app_pages.ui import charts
from app_pages.ui import common as c
from estimator.core.base.errors import EstimatorError
from estimator.core.base.units import DAYS_PER_YEAR, KG_PER_T, KWH_PER_MWH, L_PER_M3, S_PER_DAY
from estimator.core.training.memory import TIGHT_MEMORY_SHARE
from estimator.report import export
from estimator.report import humanize as hz
from estimator.services import api
from estimator.services.rows import EVERY_ROW, compared_ids, grouped_notes, reference_words

# Table columns: (column, chart title, the Estimate's field, the factor that turns it into the column's unit,
# table title, shown as). The table shows each number as the Estimate page does (43.3 years, $2.4M, n/a without a
# price or an embodied figure) and sorts by the number itself; the chart draws it with the field's range, scaled
# alike (one factor for both: structure audit, they had been written twice).
COLUMNS = (
    ("time_days", "Training time (days)", "wall_clock_s", 1 / S_PER_DAY, "Training time",
     lambda days: hz.duration(days * S_PER_DAY)),
    ("device_hours", "Device-hours", "device_hours", 1.0, "Device-hours", hz.device_hours_number),
    ("energy_mwh", "Energy (MWh)", "energy_kwh", 1 / KWH_PER_MWH, "Energy", lambda mwh: hz.energy(mwh * KWH_PER_MWH)),
    ("co2e_t", "CO₂e (t)", "co2e_kg", 1 / KG_PER_T, "CO₂e", lambda t: hz.co2e_short(t * KG_PER_T)),
    ("cost_usd", "Cost (USD)", "cost_usd", 1.0, "Cost", hz.money),
    ("embodied_t", "Embodied CO₂e (t)", "embodied_co2e_kg", 1 / KG_PER_T, "Embodied CO₂e",
     lambda t: hz.co2e_short(t * KG_PER_T)),
    ("water_m3", "Water (m³)", "water_l", 1 / L_PER_M3, "Water", lambda m3: hz.water(m3 * L_PER_M3)),
)
# The table's columns after the hardware and its numbers; the name last, where a long one may run
# past a 1280-pixel window with the sidebar open. The kind is left out (the name says it: "Google TPU v4").
TEXT_COLUMNS = ("memory", "precision", "utilization", "price_basis", "host_in_power", "hardware_name")
HARDWARE_PX = 130  # the longest profile id, "a100-pcie-80gb", whole
text_px = c.text_px  # a text column's width that shows its cells whole (app_pages/ui/tables.py)
# In lecture mode the chart shows a landmark device of each generation a class has heard of, named in full (the table,
# folded, and the CSV keep every profile): sixty rows by id, 2,066 px tall, were no slide (lecturer review 2026-11-30).
# AlexNet's GTX 580 (2012), NVIDIA's data-centre K80 (2014), P100 (2016), V100 (2017), A100 (2020), H100 (2022) and
# B200 (2024), Google's TPU v4 and AMD's MI300X; the run's own hardware, and the reference points where asked, too.
LECTURE_DEVICES = ("gtx-580", "k80", "p100", "v100-sxm2", "a100-sxm-80gb", "h100-sxm", "b200", "tpu-v4", "mi300x")
# A time chart in years once its longest estimate passes two years: GPT-3 on a V100 as "130,000 days" on an axis to
# 100M days read worse than 355 years (lecturer review 2026-11-30)
YEARS_PAST_DAYS = 2 * DAYS_PER_YEAR
CHART_QUANTITIES = {"time": "time_days", "energy": "energy_mwh", "cost": "cost_usd", "co2e": "co2e_t",
                    "embodied": "embodied_t", "water": "water_m3"}


def _in_unit(value, scale: float) -> float | None:
    return None if value is None else float(value) * scale


def _range_in(e, field: str, scale: float) -> tuple[float | None, float | None]:
    low, high = e.range.get(field, (None, None))
    return (None, None) if low is None or high is None else (float(low) * scale, float(high) * scale)


def run_comparison(run_kwargs: dict, hardware_ids: list[str]) -> api.CompareReport:
    """``estimator.services.api.compare`` on the sidebar's inputs, as the CLI's ``compare``."""
    return api.compare(hardware_ids, **{k: v for k, v in run_kwargs.items() if k != "hardware"})


def comparison_table(run_kwargs: dict, hardware_ids: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """One row per profile (numbers from ``run_comparison``) and the errors of profiles that cannot
    run this scenario (e.g. a precision they lack)."""
    return table_of(run_comparison(run_kwargs, hardware_ids))


def table_of(rep: api.CompareReport) -> tuple[pd.DataFrame, list[str]]:
    rows = []
    for r in rep.results:
        e, shared = r.estimate, api.compare_row(r)  # the CLI's row: same price basis, same numbers
        row = {"hardware": shared["hardware"], "hardware_name": shared["hardware_name"], "kind": shared["kind"],
               "reference": reference_words(r),  # "reference point, × 8", as the CLI's row says
               "memory": api.memory_words(r),  # fits, tight, does not fit (compare review 2026-11-29)
               "precision": shared["precision"], "utilization": api.utilization_short(r),
               "price_basis": shared["price_basis"], "host_in_power": api.host_words(r)}
        for key, _, field, scale, _, _ in COLUMNS:
            row[key] = _in_unit(getattr(e, field), scale)
            # the range's ends in the column's unit, for the chart's bars (not shown in the table)
            row[f"{key}_low"], row[f"{key}_high"] = _range_in(e, field, scale)
        rows.append(row)
    names = {h: p.name for h, p in c.profiles().profiles.items()}
    return pd.DataFrame(rows), group_failures(rep.failures, rep.errors, names)


def group_failures(failures, errors, names: dict[str, str]) -> list[str]:
    """One warning per kind of refusal, naming its profiles: the same refusal for every profile was 33
    identical boxes (review), and a refusal that names each device ("before NVIDIA A100 … was released
    (2020)") was still one box per profile (audit: 32 for a one-row table). A kind: the error's class
    and the inputs it names, or without those its message with the device's name taken out."""
    groups: dict[tuple, list[tuple[str, str]]] = {}
    for i, (hw, msg) in enumerate(failures):
        exc = errors[i] if i < len(errors) else None
        fields = tuple(getattr(exc, "fields", ()) or ())
        groups.setdefault((type(exc).__name__, fields or _generic(msg, hw, names)), []).append((hw, msg))
    return [_group_text(members, names) for members in groups.values()]


def _generic(msg: str, hw: str, names: dict[str, str]) -> str:
    """The message with the device's name and id (whole words) taken out."""
    for text in filter(None, (names.get(hw), hw)):
        msg = re.sub(rf"(?<![\w-]){re.escape(text)}(?![\w-])", "the device", msg)
    return msg


def _few(ids: list[str], shown: int = 4) -> str:
    return ", ".join(ids[:shown]) + (", …" if len(ids) > shown else "")


def _group_text(members: list[tuple[str, str]], names: dict[str, str]) -> str:
    (hw, msg), ids = members[0], [h for h, _ in members]
    if len(members) == 1:
        return f"{hw}: {msg}"
    if len({m for _, m in members}) == 1:
        return f"{len(ids)} profiles ({_few(ids)}): {msg}"
    generic = {_generic(m, h, names) for h, m in members}
    if len(generic) == 1:  # the same but for each device's name
        return f"{len(ids)} profiles ({_few(ids)}): {generic.pop()}"
    # the words every message starts with (device name out), then the first profile's whole message
    words = [_generic(m, h, names).split() for h, m in members]
    shared = next((i for i, w in enumerate(zip(*words)) if len(set(w)) > 1), min(map(len, words)))
    lead = " ".join(words[0][:shared])
    lead = lead[:max(lead.rfind(";"), lead.rfind(": "))] if ";" in lead or ": " in lead else lead.rstrip(" ,:(")
    return (f"{len(ids)} profiles ({_few(ids)}): " + (f"{lead} … " if len(lead.split()) >= 3 else "")
            + f"(for example {hw}: {msg})")


def table_view(df: pd.DataFrame):
    """The table with its numbers written as on the Estimate page (``COLUMNS``) and "n/a" for a
    cost without a price (``common.number_table``: the cells keep the numbers for sorting)."""
    return c.number_table(df, {key: show for key, *_, show in COLUMNS})


def column_order(with_refs: bool) -> list[str]:
    """Hardware, its results, then what describes it; the reference-point column only when shown."""
    *describe, name = TEXT_COLUMNS
    return ["hardware", *(key for key, *_ in COLUMNS), *describe, *(["reference"] if with_refs else []), name]


def table_config(utilization_px: int | str = "medium", name_px: int | str = "medium") -> dict:
    """The table's columns; ``utilization_px``, ``name_px``: the utilisation's and the name's widths (``text_px``
    of their cells)."""
    text = st.column_config.TextColumn
    config = {"hardware": text("Hardware", width=HARDWARE_PX, pinned=True), "hardware_name": text("Name", width=name_px), "reference": "Reference",
              "precision": text("Precision", width="small", help="the number format the peak is taken at: "
                                                                 "each profile's default unless one is chosen"),
              "utilization": text("Utilisation", width=utilization_px, help="fraction of dense peak over the whole run, and where it came "
                                                      "from: a family's fit, the centre chosen on families held out "
                                                      "whole for hardware without runs, or a preset's or your figure"),
              "price_basis": text("Price basis", help="on-demand, reserved or spot cloud price, or none (no hourly price); "
                                                     "given: a price per device-hour given; electricity: per kWh"),
              "memory": text("Memory", help=f"does the run as set fit each device's memory? tight: above {TIGHT_MEMORY_SHARE:.0%} of it; "
                                            "not at the defaults: no layout given nor planned, the verdict is of the "
                                            "default settings (no sharding or parallelism), not of the run; empty: no "
                                            "model shape to count it"),
              "host_in_power": text("Host", width="small", help="does the power include the host's share "
                                                                         "(CPU, memory, network)? n/a for a power "
                                                                         "given, not the profile's")}
    config.update({key: st.column_config.NumberColumn(title) for key, _, _, _, title, _ in COLUMNS})
    return config


def row_notes(results) -> None:
    """Each row's notes (memory, the fit's caveats, a power's basis), as the CLI prints them under its table:
    the ones every row shares once, then each hardware's own, folded (a note per row ran the page long)."""
    groups = grouped_notes(results)
    if not groups:
        return
    with st.expander(f"Notes on the rows ({sum(len(notes) for _, notes in groups)})", icon=":material/info:"):
        for hw, notes in groups:
            st.markdown(f"**{c.md_escape(hw or EVERY_ROW.capitalize())}**\n\n"
                        + "\n".join(f"- {c.md_escape(n, limit=1000)}" for n in notes))


def render() -> None:
    inputs = scenario_inputs()
    # the page's own URL-bound widgets (cmp_ref, cmp) are drawn below: their warnings go in this box
    # at the top, once all are drawn
    warnings = st.container()
    try:
        draw(inputs)
    finally:
        c.show_url_warnings(warnings)


def draw(inputs) -> None:
    st.title("Compare hardware", anchor=False)
    # embedded, no sidebar is drawn: the link's workload (browser review 2026-11-27)
    whose = "The link's workload and settings" if c.is_embedded() else "The sidebar's workload and settings"
    st.caption(f"{whose} on every hardware profile. Inputs you left empty take each "
               "profile's own utilisation, power and price; a preset's workload, devices and site apply to every "
               "profile, its device figures (utilisation, power, precision, year, known hours) only to its own hardware.")
    with_refs = c.url_toggle("Include reference points (the brain, AlphaGo)", "cmp_ref", where=st,
                             help="They are not hardware to buy: a brain and a whole 2016 system, shown for contrast")
    ps = c.profiles()  # once: each call checks profiles/calibrated/ for changes
    if ps.errors:  # left out of the table: said (the Profiles page lists them), in one box
        files = ", ".join(f"{Path(e.source).name} ({e.field})" for e in ps.errors)
        st.warning(c.md_escape(f"{len(ps.errors)} profile file(s) failed to load and are not compared: {files}. "
                               "The Profiles & sources page shows each error and its fix.", limit=1000))
    ids = compared_ids(ps.profiles, with_references=with_refs)
    try:
        rep = run_comparison(inputs.run_kwargs, ids)
    except EstimatorError as exc:  # the scenario itself is wrong for every profile (a time-only preset)
        c.show_error(exc)
        return
    if rep.results:  # named in view: the sidebar is closed in a frame and on a phone (browser audits)
        first = rep.results[0]
        # a catalog model by its name, as the Estimate page's title has it (browser review 2026-11-29: "Custom workload")
        what = first.title if first.preset else first.model_short_name or "Custom workload"
        # in a lecture at the captions' projector size, which grow with the window (lecturer review 2026-11-30: this
        # line, what is compared, stayed 14 px at 1920 under a 24-px paragraph)
        (st.caption if c.is_lecture() else st.markdown)(
            c.md_escape(f"{what}: " + (f"{hz.flops(first.estimate.flops)} on " if first.estimate.flops else "")
                        + f"{hz.noun(hz.whole(first.estimate.devices), 'device')} of each profile", limit=200))
    df, errors = table_of(rep)
    lecture = c.is_lecture()
    if not lecture or df.empty:
        for err in errors:
            st.warning(c.md_escape(err, limit=1000))
    if df.empty:
        return
    ranges = [k for k in df.columns if k.endswith(("_low", "_high"))]  # the chart's, not the table's
    # in lecture mode the table (14 px, a screen's width of columns) folded, so that the chart comes first (lecturer
    # review 2026-11-27: the chart three screens down, under a 1,928-px table)
    with st.expander("The table", expanded=False) if lecture else contextlib.nullcontext():
        # a run the device cannot hold as set ranked after those it can (compare review 2026-11-29)
        ranked = df.assign(_over=df["memory"] == "does not fit").sort_values(["_over", "time_days"]).drop(columns="_over")
        c.dataframe(table_view(ranked.drop(columns=ranges)),
                     column_config=table_config(text_px([*df["utilization"], "Utilisation"]), text_px(df["hardware_name"])),
                     column_order=column_order(with_refs), width="stretch",
                     height=35 * (len(df) + 1) + 3)  # every profile visible; click a header to sort
    if not lecture:
        notes_and_csv(rep, ())
    quantity = c.url_radio("Chart", "cmp", list(CHART_QUANTITIES), default="time", where=st)
    column = CHART_QUANTITIES[quantity]
    title = next(t for k, t, *_ in COLUMNS if k == column)
    shown = lecture_rows(df, rep, with_refs) if lecture else df
    if lecture and with_refs:  # a reference point named as one on the chart's rows (lecturer review 2026-11-30)
        shown = shown.assign(hardware_name=[f"{n} (reference point)" if ref else n
                                            for n, ref in zip(shown["hardware_name"], shown["reference"])])
    if not (shown[column].astype(float) > 0).any():
        st.info(f"No profile has a figure for {quantity} here (embodied CO₂e switched off in the sidebar, or no "
                "profile's figure known), so there is nothing to chart.")
        if lecture:  # its notes and the CSV all the same (diff review 2026-11-30: lost with the chart)
            notes_and_csv(rep, errors)
        return
    if column == "time_days" and shown[column].max() > YEARS_PAST_DAYS:
        years = [k for k in shown.columns if k.startswith("time_days")]
        shown = shown.assign(**{k: shown[k] / DAYS_PER_YEAR for k in years})
        title = "Training time (years)"
    # on a projector its text grows with the window as the other pages' charts do, its rows with it (lecturer
    # review 2026-11-27: the Compare chart alone stayed 18 px at 1920)
    grows = c.projector_charts()
    row_px = charts.COMPARISON_GROWN_ROW_PX if grows else charts.COMPARISON_ROW_PX
    charts.render_chart(charts.comparison_chart(shown, column, f"{title}, log scale", row_px=row_px,
                                                label="hardware_name" if lecture else "hardware", grows=grows),
                        grows=grows)
    st.caption("Points: the estimates; lines: their ranges (80% prediction intervals, or as the sources state). "
               "On a log scale equal distances are equal ratios."
               + (" Diamonds: reference points (the brain, AlphaGo), not hardware." if with_refs else "")
               + (f" Lecture mode charts {len(shown)} landmark devices of the {len(df)} compared; the table lists "
                  "them all." if lecture and len(shown) < len(df) else ""))
    left_out = sorted(shown.loc[~(shown[column].astype(float) > 0), "hardware"])
    if left_out:
        st.caption(c.md_escape(f"Not in the chart (no figure for {quantity}: n/a in the table): {', '.join(left_out)}.",
                               limit=400))
    if lecture:
        notes_and_csv(rep, errors)


def lecture_rows(df: pd.DataFrame, rep: api.CompareReport, with_refs: bool) -> pd.DataFrame:
    """The rows a lecture's chart shows (``LECTURE_DEVICES``, the run's own hardware, the reference points where
    asked); all of them where none of those is compared."""
    own = {r.preset.hardware for r in rep.results if r.preset is not None}
    refs = {r.profile.id for r in rep.results if r.profile.reference_point} if with_refs else set()
    keep = df["hardware"].isin(set(LECTURE_DEVICES) | own | refs)
    return df[keep] if keep.any() else df


def notes_and_csv(rep: api.CompareReport, errors) -> None:
    """What the rows do not share, each row's notes and the CSV; in lecture mode under the chart, the refusals
    (``errors``) folded with them."""
    if errors:
        with st.expander(f"Profiles not compared ({len(errors)})", icon=":material/info:"):
            for err in errors:
                st.markdown(c.md_escape(err, limit=1000))
    for note in api.compare_caveats(rep.results):  # what the rows do not share, as the CLI says under its table
        st.caption(c.md_escape(f"Note: {note}.", limit=c.NOTE_CHARS))  # whole (browser review 2026-11-29: cut mid-word)
    row_notes(sorted(rep.results, key=lambda r: r.profile.id))  # by id, as the CLI lists them
    by_id = sorted(rep.results, key=lambda r: r.profile.id)  # the CLI's order: its default list is sorted by id
    st.download_button("CSV", export.compare_csv(r.estimate for r in by_id), file_name="compare.csv",
                       mime="text/csv", on_click="ignore", icon=":material/download:",
                       help="The numbers and their 80% ranges unformatted in SI units (seconds, kWh, kg, litres, "
                            "USD), a missing one left empty: the same file as `python -m estimator compare --format csv`.")
