"""Profiles & sources: every hardware profile with its figures and sources, and a roofline of
the chosen device."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.inputs.profile_choice import default_hardware
from app_pages.inputs.sidebar import DEFAULT_HARDWARE, hardware_select
from app_pages.ui import charts
from app_pages.ui import common as c
from estimator.core.base.interval import LEVEL
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import FLOPS_PER_TFLOP
from estimator.core.footprint import embodied
from estimator.core.hardware.matmul import matmul_words
from estimator.core.hardware.profile import DISPLAY_FLOPS, peak_unit
from estimator.core.serving.pruning import sparsity_words
from estimator.core.serving.step import FALLBACK_LINK_GB_PER_S, FALLBACK_LINK_SOURCE
from estimator.core.training.utilization_choice import depends_on, fit_used, same_for_every_run
from estimator.io import datafiles
from estimator.io.paths import CALIBRATED_DIR
from estimator.report import humanize as hz
from estimator.services.training.plan import unlinked_words


def utilization_text(u) -> str:
    """A profile's utilisation for people: a fitted one is a curve in the run's figures (those the fit
    chose: ``depends_on``), so its figure is named as the fit's value for a reference run."""
    lo, hi = u.range
    figure = f"{hz.sig(u.default)} ({LEVEL:.0%} interval {hz.sig(lo)} – {hz.sig(hi)})"
    if not u.fitted:
        return figure
    if same_for_every_run(u):
        return f"{figure} for every run, {fit_used(u)}"
    year = " of unknown year" if "year" in depends_on(u.model) else ""
    return (f"{figure} for a {hz.sci(DISPLAY_FLOPS)} FLOP run{year}, {fit_used(u)}; the estimate uses the fit "
            f"at the run's own {depends_on(u.model) or 'figures'}")


def profile_table(profiles) -> pd.DataFrame:
    rows = []
    for p in profiles:
        rows.append({
            # the long name after the figures, as on the Compare page (audit: second, it pushed memory,
            # power, utilisation, price and PUE off a 1280-pixel screen)
            "id": p.id, "kind": p.kind, "year": p.release_year,
            "precision": p.default_precision, "peak_tflops": p.peak() / FLOPS_PER_TFLOP,
            "memory_gb": p.memory_gb, "bandwidth_gb_s": p.memory_bandwidth_gb_per_s,
            "power_w": p.power.average_w, "utilization": p.utilization.default,
            "price_usd_h": p.price.usd_per_device_hour, "pue": p.pue, "name": p.name,
            "calibrated": bool(p.calibration), "file": p.source_file,
        })
    df = pd.DataFrame(rows)
    df["year"] = df["year"].astype("Int64")  # whole years, a missing one (the brain's) empty: not 2022.0 (audit)
    return df


def _figure(x: float) -> str:
    """4 significant figures with thousands separators, no trailing zeros: 7,700; 1.581; 1,000,000."""
    text = hz.sig(x, 4)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _price(usd_per_hour: float) -> str:
    return f"${gfmt(usd_per_hour, 3)}"


# Number columns: title and how a value is written. A missing figure (the brain has no release
# year, memory or bandwidth; many devices have no hourly price) reads "n/a", never "None".
NUMBER_COLUMNS = {
    "year": ("year", "{:.0f}".format), "peak_tflops": ("Peak (TFLOP/s)", _figure),
    "memory_gb": ("Memory (GB)", _figure), "bandwidth_gb_s": ("Bandwidth (GB/s)", _figure),
    "power_w": ("Power (W)", _figure), "utilization": (f"Utilisation (at {gfmt(DISPLAY_FLOPS)} FLOPs)", "{:.3g}".format),
    "price_usd_h": ("Price (USD/h)", _price), "pue": ("pue", "{:.3g}".format),
}


def table_view(df: pd.DataFrame):
    """The profile table with its numbers written for people (``NUMBER_COLUMNS``) and "n/a" for a
    missing one (``common.number_table``: the cells keep the numbers for sorting)."""
    return c.number_table(df, {key: show for key, (_, show) in NUMBER_COLUMNS.items()})


def peak_text(p) -> str:
    """Every precision's peak, and the range where the peak itself is uncertain (the brain's)."""
    text = ", ".join(f"{k} {gfmt(v / FLOPS_PER_TFLOP)} {peak_unit(k, 'T')}" for k, v in p.peak_flops_per_s.items())
    if p.peak_range_flops_per_s is None:
        return text
    low, high = (x / FLOPS_PER_TFLOP for x in p.peak_range_flops_per_s)
    return f"{text}; {p.default_precision} range {gfmt(low)} – {gfmt(high)} {peak_unit(p.default_precision, 'T')}"


def interconnect_text(p) -> tuple[str, str]:
    """([interconnect] link, its source): where the profile states none, the fallback inference uses."""
    if p.link_gb_per_s:
        return f"{gfmt(p.link_gb_per_s)} GB/s per direction, device to device", p.link_source
    if p.reference_point:
        return "none (a reference point, not hardware to link)", "not applicable"
    return (f"not stated; inference with tensor parallelism assumes {gfmt(FALLBACK_LINK_GB_PER_S)} GB/s",
            FALLBACK_LINK_SOURCE)


def embodied_text(p) -> tuple[str, str]:
    """The embodied figure in words and its source (``embodied.figure_text``, as ``profiles show`` has it)."""
    return embodied.figure_text(p.embodied, p.kind, p.memory_gb, reference_point=bool(p.reference_point))


def details(p) -> None:
    """One profile's figures, each with its source (text from the profile file, escaped)."""
    e = c.md_escape
    price = "none" if p.price.usd_per_device_hour is None else f"${gfmt(p.price.usd_per_device_hour)} per device-hour ({p.price.date})"
    rows = [
        ("Peak", peak_text(p), p.peak_source),
        ("Memory", f"{f'{gfmt(p.memory_gb)} GB' if p.memory_gb else 'n/a'}, "
                   f"{f'{gfmt(p.memory_bandwidth_gb_per_s)} GB/s' if p.memory_bandwidth_gb_per_s else 'n/a'}", p.memory_source),
        ("Power", f"average {hz.power(p.power.average_w)} (range {hz.power(p.power.average_range_w[0])} – "
                  f"{hz.power(p.power.average_range_w[1])}), host included: {'yes' if p.power.includes_host else 'no'}"
                  + (f", TDP {hz.power(p.power.tdp_w)}" if p.power.tdp_w else ""), p.power.source),
        ("Utilisation", utilization_text(p.utilization), f"{p.utilization.basis}; {p.utilization.source}"),
        ("Price", price, f"{p.price.basis}; {p.price.source}"),
        ("PUE", f"{gfmt(p.pue)}" + (f", cooling: {p.cooling}" if p.cooling else ""), p.pue_source),
        ("Interconnect", *interconnect_text(p)),
        *([("Training layouts", unlinked, "the [interconnect] fields: docs/reference/hardware-profiles.md")]
          if (unlinked := unlinked_words(p)) else []),
        ("Sparsity", *sparsity_words(p)),
        ("Best matmul", *matmul_words(p)),
        ("Embodied", *embodied_text(p)),
    ]
    for name, value, source in rows:
        st.markdown(f"**{name}**: {e(value, 300)}")
        st.caption(e(source, SOURCE_CHARS))
    for key, text in p.extra_sources.items():
        st.caption(e(f"{key}: {text}", SOURCE_CHARS))
    if p.calibration:
        st.markdown("**Calibration**")
        st.json(dict(p.calibration), expanded=False)
    if p.notes:
        st.caption(e(p.notes, SOURCE_CHARS))


# A source or a note shown whole up to this many characters (compare review 2026-11-29: 800 cut 35 sources of 25
# bundled profiles mid-word, the RTX 5090's peak source at 1,688 and the GB10's notes at 1,906, where `profiles show`
# prints them whole); the cut keeps a pasted profile's runaway text off the page (a design choice)
SOURCE_CHARS = 4000


def render() -> None:
    ps = c.profiles()
    st.title("Profiles & sources", anchor=False)
    st.caption(f"Every hardware profile (profiles/*.toml, calibrated ones in `{datafiles.display_path(CALIBRATED_DIR)}/`). "
               "Every figure carries its source; see profiles/README.md to add one.")
    for err in ps.errors:
        st.warning(c.md_escape(f"A profile failed to load: {err}", limit=500))
    ids = c.hardware_ids()
    df = profile_table(ps.profiles[i] for i in ids)
    config = {"id": st.column_config.TextColumn("id", pinned=True),  # stays in view while the table scrolls
              **{key: st.column_config.NumberColumn(title) for key, (title, _) in NUMBER_COLUMNS.items()}}
    c.dataframe(table_view(df), column_config=config, width="stretch",
                 height=35 * (len(df) + 1) + 3)
    st.download_button("CSV", c.table_csv(df), file_name="profiles.csv", mime="text/csv", on_click="ignore",
                       icon=":material/download:", help="The table's numbers unformatted, a missing one left empty; "
                                                        "each figure's source is in the profile's file.")
    chosen = hardware_select(None, where=st)
    c.show_url_warnings()
    chosen = chosen or default_hardware(DEFAULT_HARDWARE, ids, st)  # another where its file failed to load
    if chosen is None:
        return  # no profile loaded: the warnings above say why
    p = ps.profiles[chosen]
    st.header(c.md_escape(p.name), anchor=False)
    left, right = st.columns([3, 2])
    with left:
        chart = charts.roofline_chart(p)
        if chart is None:
            st.info("No memory bandwidth in this profile, so no roofline.")
        else:
            ridge = p.ridge_flop_per_byte()
            st.caption(f"Roofline: attainable FLOP/s = min(peak, bandwidth × FLOP per byte). Below "
                       f"{gfmt(ridge, 3)} FLOP/byte ({p.default_precision}) the device waits on memory.")
            charts.render_chart(chart)
    with right:
        details(p)
    with st.expander("Citations (estimator/data/sources.toml)"):
        for key, src in c.sources().items():
            st.markdown(f"**{c.md_escape(key)}**: {c.md_escape(src.get('cite', ''), 500)}")
