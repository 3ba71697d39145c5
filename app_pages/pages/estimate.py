"""The Estimate page (the landing page): headline numbers, how they were computed, charts, exports."""

from __future__ import annotations

import pyarrow as pa
import streamlit as st

from app_pages.inputs import links
from app_pages.inputs.sidebar import ScenarioInputs, run_or_error, scenario_inputs
from app_pages.pages import estimate_exports as exports
from app_pages.pages import estimate_sweep as size_sweep
from app_pages.ui import charts, style
from app_pages.ui import common as c
from estimator.core.base.interval import EXACT, STATED, range_meaning
from estimator.core.base.number_text import gfmt
from estimator.core.footprint.equivalents import BRAIN_POWER_W
from estimator.core.training.fit_caveats import UnlikeHeldOut
from estimator.core.training.memory import capacity_gb_text
from estimator.core.training.memory import gb as memory_gb
from estimator.report import explain, export
from estimator.report import humanize as hz
from estimator.report.export import LABELS, RECOMPUTED_FLOPS, published_cells
from estimator.report.provenance import one_figure_words
from estimator.services import api
from estimator.services.accuracy.coverage import short_coverage
from estimator.services.companions import companion_sentence
from estimator.services.companions import quoted_power as companion_power
from estimator.services.training import step_setup
from estimator.services.training.size_sweep import model_size_sweep

# Headline metrics: (label, result key, formatter); the labels the CLI's and the exports' (report.export.LABELS, their
# one home: code review 2026-11-30).
HEADLINE = tuple((LABELS[key], key, fmt) for key, fmt in (
    ("wall_clock_s", hz.duration), ("energy_kwh", hz.energy), ("co2e_kg", hz.co2e_short), ("cost_usd", hz.money)))
# How a preset's source words a figure it assumes rather than reports (estimator/data/presets.toml's ``why``)
ASSUMPTION = "assumption"
# short enough that all five fit the 1,024-px page with the sidebar open (browser review 2026-11-27: "Export & share"
# sat behind the tab strip's arrow, 657 px of labels in 564); links made with the former names open the same tab
TABS = ("How it was computed", "Model size", "Energy", "Memory", "Export & share")
FORMER_TABS = {"How this was computed": TABS[0], "Growth with model size": TABS[1], "Where the energy goes": TABS[2],
               "Training memory": TABS[3]}


def headline_values(est) -> dict[str, str]:
    """Metric label → the text shown: ``headline`` writes these, so the tests check what the page shows."""
    return {label: fmt(getattr(est, key)) for label, key, fmt in HEADLINE}


def headline(est, lecture: bool = False, time_label: str = "Training time", time_assumed: bool = False) -> None:
    """The four headline numbers, each with its stated range as a bar beside it (low ▬●▬ high,
    the dot where the estimate lies in it); what the range means is said once below. ``time_assumed``: the known
    run's time is an assumption its source states (AlphaGo's 4-hour game), not a measurement."""
    cols = style.metric_cells(4, "headline", lecture)
    level = f"{est.level:.0%}"
    meaning = range_meaning(est.level, est.stepped, est.predicted)  # the step model's wording where it timed the run, as the CLI
    bars = unmarked = 0
    texts = headline_values(est)
    for col, (label, key, fmt) in zip(cols, HEADLINE):
        low, high = est.range[key]
        value = getattr(est, key)
        shown = time_label if key == "wall_clock_s" else label
        stated = est.basis(key) == STATED
        col.metric(shown, texts[label], border=not lecture, help=None if lecture else headline_help(est, key))
        if value is not None and low is not None and low != high:
            bars += 1
            unmarked += not stated
            lo_text, hi_text = hz.range_ends(fmt, low, high, value)  # a cost's ends read apart ($2.17, not $2.2)
            style.range_bar(col, lo_text, hi_text + (" (stated)" if stated else ""), meaning,
                            style.log_position(value, low, high))
        elif value is not None:
            # no range: a stated single figure (a calibration's one measurement), or exact; the words the
            # table, Markdown and the statement use (interval.ONE_FIGURE)
            col.caption(one_figure_words(est, key) if stated else exact_words(key, time_assumed))
        elif key == "cost_usd" and not lecture and not c.is_embedded():
            # why no cost, under the "n/a" (lecturer review 2026-12-03: AlphaGo's headline read "Cost n/a", unsaid); not
            # in a slide or a frame, whose four numbers keep to the room they have (the tooltip says it there)
            col.caption(NO_PRICE_WORDS)
    if bars:  # what the bars mean, only under bars (audit: it was shown under four exact figures)
        # a device unlike every family held out (a CPU, a consumer or another vendor's GPU): not measured there
        unlike = next((x for x in est.fit_caveats if isinstance(x, UnlikeHeldOut)), None)
        # where the range held clearly fewer than its level, said beside it, lecture mode too (lecturer review
        # 2026-11-29: the slide and the CLI said the V100 range held 64% of 11 runs; the lecture headline did not)
        short = short_coverage(est)
        measured = "coverage measured out of sample" + (
            ", but not on a device like this one: see the notes" if unlike else
            f", {short[0]:.0%} of {short[1]} runs on this hardware: too narrow" if short else "")
        if unlike:
            meaning += f" On {unlike.device} that coverage is not measured: no family held out is {unlike.what}."
        # only the kinds of bar shown (lecturer review 2026-12-03: the AlphaGo preset's bars, all "stated", read
        # "unmarked, 80% prediction intervals")
        kinds = ([f"unmarked, {level} prediction intervals ({measured})"] if unmarked else []) + (
            ['"stated", as the sources state'] if bars > unmarked else [])
        style.bars_caption(meaning, "; ".join(kinds) + ".", lecture)


# Under a cost the headline cannot give: the hardware has no price (AlphaGo's distributed system was never rented)
NO_PRICE_WORDS = "no price for this hardware: give one per device-hour or per kWh under the sidebar's \"Grid and price\""


def exact_words(key: str, time_assumed: bool = False) -> str:
    """Why a headline figure has no range: the known run's time (or the time its source assumes: lecturer review
    2026-11-29, AlphaGo's game "exact" where its preset says "assumption"), or inputs all taken as exact."""
    if key in ("wall_clock_s", "device_hours"):
        return "no range: the time assumed" if time_assumed else "exact: from the known run"
    return "exact"


def headline_help(est, key: str) -> str:
    """A headline figure's tooltip, by what its range is (``Estimate.basis``)."""
    basis = est.basis(key)
    if basis == STATED:
        return f"{LABELS[key]} within the range its sources state (no measured coverage)"
    if basis == EXACT:
        return (f"{LABELS[key]}: exact, from the known run's time" if key in ("wall_clock_s", "device_hours") else
                f"{LABELS[key]}: exact, from inputs all taken as exact (no range)")
    if basis is None and key == "cost_usd" and est.cost_usd is None:
        return f"{LABELS[key]}: {NO_PRICE_WORDS}"
    if basis is None:
        return f"{LABELS[key]}: no figure for this scenario (the notes under {TABS[0]} say why)"
    return f"{LABELS[key]}: the centre of a {est.level:.0%} prediction interval"


def companions(result) -> None:
    """The preset's companions side by side (AlphaGo and the brain, one game each)."""
    others = api.companions(result)
    if not others:
        return
    cols = st.columns(1 + len(others))
    for col, r in zip(cols, [result, *others]):
        e = r.estimate
        col.header(c.md_escape(r.profile.name), anchor=False)  # h2 under the h1 (a11y audit)
        # a reference point's power as quoted (≈1 MW, ≈20 W), its stated range in the help, as the lecture's
        # slide gives them (lecturer review 2026-11-30: "1.00 MW" with no range beside the slide's ≈1 MW, 66 kW – 1 MW)
        quoted = companion_power(r)
        value, _, place = quoted.partition(", ")
        col.metric("Power", value, help=f"{place[:1].upper()}{place[1:]}: its sources' stated range" if place else None)
        col.metric("Energy", hz.energy(e.energy_kwh))  # computed, as the headline's (diff review 2026-11-30)
        # a brain runs on food: its CO₂e is that of the same energy from the grid, said on the card (lecturer review
        # 2026-11-30: "Human brain CO₂e 38.0 g" read as the brain's own)
        col.metric("CO₂e, as if from the grid" if r.profile.kind == "brain" else "CO₂e", hz.co2e_short(e.co2e_kg))
    for other in others:  # the CLI's sentence, for each companion
        st.caption(c.md_escape(companion_sentence(result, other) + ".", limit=300))


def provenance(est) -> None:
    """Where the utilisation came from: the fit (with its runs and interval), the preset or the user."""
    if est.utilization is None:
        return
    st.markdown(c.md_escape(f"Utilisation {est.utilization.summary}", limit=400)
                + f" ([how far can I trust this?]({c.mode_link('/accuracy')}))")


def secondary(result) -> None:
    """The run's size in one row, and its energy in everyday terms in one line (one element each,
    not a grid of columns: every element is a message to each student's browser, issue 16)."""
    est = result.estimate
    row = st.container(horizontal=True)
    row.metric("Device-hours", hz.device_hours_number(est.device_hours))
    # the FLOPs executed, recomputation's included, said with the model's beside them, as the CLI's table says it
    # (planner review 2026-12-03: 8.47 × 10²⁴ beside full recomputation, 6.35 × 10²⁴ beside selective)
    recomputed = est.flops is not None and est.time_flops is not None and est.time_flops < est.flops
    row.metric("Training FLOPs", "n/a" if est.flops is None else hz.sci(est.flops),
               help=f"{RECOMPUTED_FLOPS} {hz.sci(est.time_flops)}" if recomputed else None)
    row.metric(f"Devices ({result.profile.id})", hz.whole(est.devices), help=result.profile.name)
    achieved = est.achieved_flops_per_s
    row.metric("Achieved per device", hz.flops_rate(achieved))
    st.markdown(c.md_escape(equivalents_line(est), limit=400),
                help="  \n".join(c.md_escape(f"{e.label} ({e.source})", limit=300) for e in est.equivalents))


# The everyday equivalents shown beside the estimate: (key, text after the number).
BRAIN_YEARS_LABEL = f"The same energy runs a {gfmt(BRAIN_POWER_W)} W brain for"  # the lecture's line under the headline
def brain_time(years: float) -> str:
    """How long the brain runs on the energy: in years from one up, else as a duration (lecturer review 2026-11-29:
    ResNet-50's "≈ 0.00783 years" for 2.86 days)."""
    return f"≈ {hz.years_or_duration(years)}"


# (a count of years said as its duration under one, as the CLI says it: second diff review 2026-11-29)
EQUIVALENTS = (("brain_years", f"of a {gfmt(BRAIN_POWER_W)} W brain"), ("car_km", "car-km"),
               ("household_years", "of a US household's electricity"))
# What an equivalent is computed from (``Equivalent.of``), as the line names it.
EQUIVALENT_OF = {"energy_kwh": "Energy", "co2e_kg": "CO₂e"}


def equivalents_line(est) -> str:
    """'Energy equal to ≈ 5,820 years of a 20 W brain · 95.3 years of a US household's electricity; CO₂e equal to ≈ 1.95
    million car-km': each equivalent under the figure it is computed from (sources in the line's tooltip)."""
    eq = {e.key: e for e in est.equivalents}

    def said(e, text: str) -> str:
        return f"{hz.years_or_duration(e.value)} {text}" if e.unit == "years" else f"{hz.count(e.value)} {text}"
    return "; ".join(f"{name} equal to ≈ " + " · ".join(said(eq[key], text) for key, text in EQUIVALENTS
                                                         if eq[key].of == of)
                     for of, name in EQUIVALENT_OF.items() if any(eq[key].of == of for key, _ in EQUIVALENTS))


def footprint(est, embodied_on: bool = True) -> None:
    """Beside the operational CO₂e: the devices' embodied CO₂e and the run's water, with their
    ranges in one caption; and whether the model fits in the devices' memory (the stacked bar
    is in the 'Training memory' tab, drawn only when open). A figure left out by the user reads
    "off"; one the hardware has no data for reads "n/a" (as on the Compare page)."""
    meaning = range_meaning(est.level, est.stepped, est.predicted)  # the step model's wording where it timed the run, as the CLI
    row = st.container(horizontal=True)
    ranges = []
    for key, label, fmt, help_ in (
            ("embodied_co2e_kg", "Embodied CO₂e", hz.co2e_short,
             "The devices' manufacturing footprint, shared over their service life (not in the CO₂e above)"),
            ("water_l", "Water", hz.water, "On site (cooling) and off site (electricity), Li et al. 2023")):
        value = getattr(est, key)
        missing = "off" if key == "embodied_co2e_kg" and not embodied_on else "n/a"
        row.metric(label, missing if value is None else fmt(value), border=True, help=help_)
        low, high = est.range.get(key, (None, None))
        if value is not None and low is not None and low != high:
            ranges.append(f"{label} {' – '.join(hz.range_ends(fmt, low, high))}")
    if ranges:  # embodied carbon and water: ranges their sources state (interval.STATED)
        st.caption(c.md_escape("Stated ranges: " + "; ".join(ranges), limit=300), help=meaning)
    m = est.memory
    if m is not None:
        st.markdown(f"**Training memory**: {c.md_escape(export.memory_line(est), limit=400)}")
        if not m.fits:
            # with it, a published run's word that "does not fit" is of the settings, not of the run
            # each note its own paragraph (browser review 2026-11-29: joined by a space, "…shrinks it memory: gpt3-175b
            # is a published run…" ran two notes together)
            st.info("\n\n".join(c.md_escape(n, limit=1000) for n in memory_notes(est)), icon=":material/memory:")


def memory_caveat(est) -> None:
    """Under the headline, where the run does not fit in memory as set: one line, keyed, so that a short frame keeps it
    with the numbers it qualifies (style.EMBED_SHORT_LECTURE_ESTIMATE_CSS, EMBED_SHORT_ESTIMATE_CSS). Said in lecture
    mode (browser review 2026-11-26, second: the normal and embed views said it, the lecture view did not) and in a
    frame (final review 2026-11-28: a plain frame under 600 px tall hid the page's memory box with the rest)."""
    m = est.memory
    if m is None or m.fits:
        return
    # what would hold it, as a strategy with the fewest devices it needs (browser review 2026-11-26, second:
    # "35 devices hold it" beside 64 set read as if fewer were needed)
    # (in a frame, one line: what would hold it is the page's, at full size; at 640×360 it ran the frame 21 px past)
    # the count first (lecturer review 2026-11-29: "tensor parallel 4, 104 or more devices" read as 4,104 devices)
    hold = (f"; {m.best_devices:,} or more devices would hold it with {m.best_strategy.describe()}"
            if m.best_devices is not None and m.best_strategy is not None and not c.is_embedded() else "")
    # plain words (lecturer review 2026-11-27: "the 8 devices set do not hold it as set")
    who = "one device does" if est.devices == 1 else f"{est.devices:,} devices do"
    # as set, and how (lecturer review 2026-11-29: "1,000 devices do not hold this run … 104 or more would" read as a
    # contradiction; without sharding more devices do not shrink what each holds), in the CLI's figures (3,076 GB
    # against 34.36 GB, not 3,080 against 34.4)
    # and where fewer devices would hold it than are set, why more do not (lecturer review 2026-12-01: "10,000 devices do
    # not hold this run … 88 or more would" still read as a contradiction), and for a published run that the split is
    # not its own (the preset records none)
    # without ZeRO more devices add data-parallel replicas only, whatever the tensor and pipeline degrees (diff review
    # 2026-12-01: the words had waited for tensor and pipeline degrees of 1)
    fewer = m.best_devices is not None and m.best_devices < est.devices and m.strategy.zero == 0
    why = ", where more devices do not shrink what each one holds" if fewer else ""
    as_set = (f" as the preset sets it ({m.strategy.describe()}; the run's own split is not recorded)"
              if m.published_split_unrecorded else f" as set ({m.strategy.describe()}{why})")
    as_set = as_set if hold else ""  # in a frame, one line: without it, as `hold`
    said = (f"Memory: {who} not hold this run{as_set}, {memory_gb(m.per_device.total_gb)} GB per device against "
            f"{capacity_gb_text(m.capacity_gb)}{hold}.")
    # whole (lecturer review 2026-12-01: cut at 300 characters, "…tensor parallel 8, pipelin…")
    st.container(key=style.LECTURE_CAVEAT_KEY).caption(c.md_escape(said, limit=c.NOTE_CHARS))


def step_figures(est) -> None:
    """With a layout or a shape, the step model's figures below the headline (``plan.StepRun``): tokens/s per
    device with its 80% range, MFU (model FLOPs) and HFU (hardware FLOPs), the layout and the step's parts."""
    st_run = est.step
    for note in raised_notes(est):  # why the step model did not time it, or a larger batch it would time faster
        st.info(c.md_escape(note[:1].upper() + note[1:] + ".", limit=1000), icon=":material/info:")
    if st_run is None:
        return
    row = st.container(horizontal=True)
    lo, hi = st_run.tokens_per_s_range
    # three figures, as the CLI's step line and the range's width warrant (the step model is off by ×1.10 or so)
    row.metric("Tokens/s per device", gfmt(st_run.step.tokens_per_s_per_device, 3), border=True,
               help=f"The step model's; {st_run.step_range.level:.0%} range {gfmt(lo, 3)}–{gfmt(hi, 3)} "
                    "(cross-validated by source)")
    row.metric("MFU (model FLOPs)", f"{st_run.step.mfu:.1%}", border=True,
               help="6·N + 12·L·s·a FLOPs per token (no recomputation) × tokens/s ÷ the precision's peak")
    row.metric("HFU (hardware FLOPs)", f"{st_run.step.hfu:.1%}", border=True,
               help="The model FLOPs plus what recomputation repeats, over the same peak")
    row.metric("Step", f"{st_run.step.seconds:.3g} s", border=True, help=f"× {st_run.steps:,.0f} steps ÷ goodput "
               f"{st_run.goodput:.0%} (restarts, failures, checkpoints, evaluation)")
    for line in export.step_lines(est):
        st.caption(c.md_escape(line, limit=1000))
    checked = export.step_checked_line(est)
    if checked:  # the step model's cross-validated figures beside the baseline's (issue 53)
        st.caption(c.md_escape(checked + ".", limit=600) + f" ([Accuracy page]({c.mode_link('/accuracy')}))")
    for note in bubble_notes(est):  # a layout given that idles in the pipeline bubble: said here, not only in a tab
        st.info(c.md_escape(note, limit=1000), icon=":material/hourglass_empty:")


def raised_notes(est) -> list[str]:
    """The notes said under the headline, not only in a tab: a device older than the step model's fit (its time is
    the utilisation's), a default global batch a larger one beats."""
    return [n for n in est.notes if n.startswith(step_setup.OLDER_DEVICE_START) or n.endswith(step_setup.LARGER_BATCH_END)]


def bubble_notes(est) -> list[str]:
    """The note on a layout's pipeline bubble (``services.training.step_notes.bubble_note``), where there is one."""
    return [n for n in est.notes if n.startswith("pipeline bubble:")]


def layout_warnings(est) -> list[str]:
    """The note that the layout given does not fit in memory (``services.training.step_setup.step_setup``): shown under the headline,
    whose time it qualifies (browser review 2026-11-26: it was the last thing on the page), however it opens (code
    review 2026-11-28: ZeRO given alone's note had stayed in the tab)."""
    return [n for n in est.notes if step_setup.layout_does_not_fit(n)]


def memory_notes(est) -> list[str]:
    """The notes on training memory (``memory: …``), the model's own first."""
    return [n for n in est.notes if n.startswith("memory:")]


def memory_tab(est) -> None:
    """The 'Training memory' tab: the memory line and the stacked bar (``charts.memory_layers``)."""
    m = est.memory
    if m is None:
        st.info("No training-memory figure for this scenario (it needs the model's parameters).")
        return
    # the rule has no legend entry of its own (browser audit): the caption names it, as its label does
    # what would hold a run that does not fit, as the note above the tabs says it (app review 2026-11-30: the tab said
    # "does not fit" alone)
    hold = (f" {m.best_devices:,} or more devices would hold it with {m.best_strategy.describe()}."
            if not m.fits and m.best_devices and m.best_strategy is not None else "")
    st.caption(c.md_escape(f"{export.memory_line(est)}. The dashed line is the device's memory, "
                           f"{capacity_gb_text(m.capacity_gb)}.{hold}", limit=600))
    charts.render_templated(charts.memory_layers, charts.memory_frame(m), grows=True)


def published(result) -> None:
    if not result.comparison:
        return
    columns = {"Quantity": [LABELS[cmp.key] for cmp in result.comparison],
               "Published": [published_cells(cmp)[0] for cmp in result.comparison],
               "Estimated": [hz.human(cmp.key, cmp.estimated) for cmp in result.comparison],
               "Difference": [published_cells(cmp)[1] for cmp in result.comparison]}
    st.header("Published and estimated", anchor=False)  # h2 under the h1 (a11y audit: h1 → h3)
    src = c.sources().get(result.preset.source, {}).get("cite", result.preset.source)
    st.caption(c.md_escape(f"Published figures: {src}", limit=400))
    # an Arrow table, not a pandas frame: Streamlit sends Arrow, so this skips a conversion per run
    st.dataframe(pa.table(columns), hide_index=True, width="content")


# A source line is shown whole up to this many characters (browser audit: the die-area embodied model's
# source, 1,259 characters with its citations, was cut at 600); past it, a profile file's text is cut
SOURCE_LINE_LIMIT = 2000


def source_lines(est) -> list[str]:
    """Each step's sources, one line each: "Embodied embodied_kg_co2e_per_device — profile:…: …"."""
    return [f"{step.title.split(' ', 1)[0]} {name} — {origin}: {source}"
            for step in explain.steps(est) for name, origin, source in step.sources]


def how_computed(est) -> None:
    """Every step's formula and numbers in one code block, every source in one caption (two
    elements, not three per step)."""
    steps = explain.steps(est)
    st.code("\n\n".join(f"── {step.title}\n{step.formula}\n{step.numbers}" for step in steps),
            language=None, wrap_lines=True)
    lines = source_lines(est)
    if lines:
        st.caption("  \n".join(c.md_escape(line, limit=SOURCE_LINE_LIMIT) for line in lines))
    shown = memory_notes(est) if est.memory is not None and not est.memory.fits else []  # above, by footprint()
    shown += bubble_notes(est) + layout_warnings(est) + raised_notes(est)  # above: step_figures(), the headline
    for note in est.notes:
        if note not in shown:
            st.info(c.md_escape(note, limit=1000))


def growth(result) -> None:
    sweep = model_size_sweep(result)
    if sweep is None:
        st.info("This scenario's time is taken from a known run (no FLOPs), so there is no model-size sweep.")
        return
    if sweep.empty:  # every size refused: say why, not an empty chart
        st.warning(c.md_escape(f"No model size could be estimated: {sweep.skipped[0]}", limit=600),
                   icon=":material/warning:")
        return
    est = result.estimate
    how = ("; with full activation recomputation, as this scenario (8·N·D executed)" if result.scenario.recompute else "")
    if sweep.run_utilization is not None:  # a known run: its time, not the fit, sets the utilisation
        how += (f"; timed at the known run's own utilisation, {hz.percent(sweep.run_utilization, 1)} of the "
                f"{est.precision} peak (implied by its time), not the fitted one")
    st.caption(c.md_escape(
        f"Same hardware, devices, power and prices{how}; tokens grow with the model at the scenario's D/N "
        f"(or 20 tokens per parameter, Hoffmann et al. 2022). The red point is this scenario "
        f"(N ≈ {hz.count(sweep.n)}); the band is the {est.level:.0%} range.", limit=800))
    if sweep.skipped:
        st.caption(c.md_escape(f"{len(sweep.skipped)} of the model sizes left out (the estimator refuses them); the "
                               f"first: {sweep.skipped[0]}", limit=600))
    size_sweep.render_scaling_chart(sweep.df)


def host_share_text(est, includes_host: bool) -> str:
    """The host's share of the energy, or why there is none to show (browser audit: "host share 0 Wh"
    beside a preset's 330 W that includes the host read as "no host energy"). ``includes_host``: the
    profile's power includes the host's share."""
    if est.breakdown.host_kwh > 0:
        return hz.energy(est.breakdown.host_kwh)
    power = est.assumption("power_w")
    if power is not None and not power.origin.startswith("profile:"):
        return "not split out (the power per device given is taken as it is, host or not)"
    if includes_host:
        return "in the devices' figure (the profile's power includes the host; no split is known)"
    return "not included (the profile's power is the device's alone)"


def energy_parts(est, includes_host: bool) -> None:
    b = est.breakdown
    st.caption(f"Devices {hz.energy(b.devices_kwh)}, host share {host_share_text(est, includes_host)}, "
               f"facility overhead {hz.energy(b.facility_kwh)} (PUE − 1).")
    charts.render_templated(charts.energy_chart, charts.energy_frame(est), grows=True)


def export_and_share(result, inputs: ScenarioInputs) -> None:
    files = exports.downloads(result, inputs.run_kwargs, c.sources())
    cols = st.columns(len(files))
    for col, d in zip(cols, files):
        col.download_button(d.label, d.text, file_name=d.file_name, mime=d.mime, on_click="ignore",
                            key=f"download_{d.label}", icon=":material/download:")
    by = {d.label: d for d in files}
    tex, bib = by["LaTeX paragraph"], by["BibTeX"]
    st.markdown(f"**For a paper**: `\\input{{{tex.file_name.removesuffix('.tex')}}}` in your text and "
                f"`\\bibliography{{{bib.file_name.removesuffix('.bib')}}}` with the BibTeX file beside it. Preview:")
    # plain text: the LaTeX highlighter reads the escaped "80\%" as the start of a comment and greys
    # out the rest of the line (seen in Chromium), though the file itself is right
    st.code(tex.text, language=None, wrap_lines=True)
    with st.expander("BibTeX"):
        st.code(bib.text, language="bibtex", wrap_lines=True)
    query = inputs.query_string()
    link = links.share_base() + (f"?{query}" if query else "")
    sep = "&" if query else "?"
    # the address bar leaves a bound widget's default out (with the default preset's run changed it reads
    # "?tokens=…", a custom workload: app_pages/inputs/links.py); this link holds every input (links.url_params)
    st.markdown("**Link to this scenario** (share this one: it holds every input, where the address bar leaves "
                "out those at today's defaults)")
    st.code(link, language=None, wrap_lines=True)  # whole at 1,024 px (browser review 2026-11-26)
    if (local := links.local_only(link)) is not None:
        st.caption(local)
    st.markdown("**For a lecture**: large headline numbers, few controls")
    st.code(f"{link}{sep}lecture=1", language=None, wrap_lines=True)
    # the lecture's large numbers in the frame (lecturer review 2026-11-30: embed mode alone drew the metric labels at
    # 14 px and the range ends at 12.8 px in an 800 × 450 frame)
    st.markdown("**For slides**: the lecture's large numbers in Streamlit's embed mode, e.g. in an iframe")
    st.code(f"{link}{sep}lecture=1&embed=true", language=None, wrap_lines=True)


TITLE_CHARS = 200  # a title's cap: three lines of the lecture's 44-px title at 1280 px (browser check 2026-11-30)


def changed_words(name: str) -> str:
    """An input the scenario changed, as the page names it: a one-word name as it is ("tokens"), a compound one
    by its widget's label, its first letter lower case ("grid intensity (gCO2e/kWh)")."""
    label = c.FIELD_LABELS.get(name)
    if name == "pue" or name == "utilization":  # an acronym, a British spelling: by the label's first word
        return label.split(" ")[0] if name == "pue" else "utilisation"  # (lecturer review 2026-11-29: "pue")
    if "_" not in name or not label:
        return name.replace("_", " ")
    return label[0].lower() + label[1:]


def changed_value(result, name: str) -> str | None:
    """A changed input as the lecture's line says it: its words and the value taken ("tokens 1.00 trillion"); None
    where the scenario holds none (a preset's figure dropped with its device, not set: diff review 2026-11-30)."""
    est = result.estimate
    if name == "hardware":
        return est.hardware_name
    if name == "devices":
        return f"{hz.whole(est.devices)} devices"
    value = getattr(result.scenario, name, None)
    if value is None:
        return None
    words = changed_words(name).removeprefix("or ")  # "or electricity price (USD/kWh)": the label of the second choice
    if isinstance(value, bool):  # a toggle, by its label ("embodied (manufacturing) CO₂e off")
        label = c.FIELD_LABELS.get(name)
        return f"{label[0].lower() + label[1:] if label else words} {'on' if value else 'off'}"
    if name == "flops":
        return hz.flops(value)
    if isinstance(value, (int, float)):
        shown = hz.count(value) if abs(value) >= 1e4 else gfmt(value, 3)
        return f"{words} {shown}"
    return f"{words} {value}"


def lecture_scenario_line(result) -> str | None:
    """What the lecture's numbers are of beyond its title, in one line (lecturer review 2026-11-30: a preset's tokens
    or utilisation changed read under "Based on GPT-3 on one V100" with no word of what changed, and a custom workload's
    FLOPs stood nowhere on the slide, its inputs in the collapsed sidebar): a preset's inputs changed, with their values;
    a custom workload's FLOPs."""
    if result.preset is not None:
        names = [k for k in sorted(result.changed) + sorted(result.footprint_changed) if k not in ("hardware", "devices")
                 or not result.changed & {"hardware", "devices"}]  # the title names the devices already
        said = [w for w in (changed_value(result, k) for k in names) if w]
        return ("Changed from the published run: " + ", ".join(said)) if said else None
    est = result.estimate
    return f"Workload: {hz.flops(est.flops)}" if est.flops else None


def render() -> None:
    lecture = c.is_lecture()
    c.check_option("tab", TABS, renamed=FORMER_TABS)  # st.tabs below is bound to ?tab=
    controls = st.container(horizontal=True) if lecture else None
    inputs = scenario_inputs(main=controls)
    c.show_url_warnings()
    result = run_or_error(inputs)
    if result is None:
        return
    est = result.estimate
    # a catalog model names the run (browser review 2026-11-26: "Custom workload" for Llama 3.1 70B)
    title = result.title or f"{result.model_short_name or 'Custom workload'} on {result.profile.name}"
    if not c.is_embedded() or lecture:
        if result.preset and result.changed & {"hardware", "devices"}:  # the devices the numbers are of, in the title
            # (lecturer review 2026-11-29: "Based on GPT-3 on one V100" stood above 1,024 H100s' numbers on the slide)
            # the count and its "×" kept with the hardware's name across a line break (lecturer's browser check
            # 2026-11-30: "1,024 ×" ended a line at 1280 px)
            title += f": {hz.whole(est.devices)}\u00a0×\u00a0{est.hardware_name}"
        # room for a long preset's title and a long hardware name (Megatron's GPT-3 on 10,000 GH200s was cut at 120)
        st.title(c.md_escape(title, limit=TITLE_CHARS), anchor=False)
    else:  # embedded: one compact line names the scenario (browser audit: its numbers stood unlabelled)
        on = "devices" if est.hardware_name in title else f"×\u00a0{est.hardware_name}"  # kept together, as the title's
        st.container(key=style.EMBED_SCENARIO_KEY).markdown(
            c.md_escape(f"{title} · {hz.whole(est.devices)}\u00a0{on}", limit=TITLE_CHARS).join(("**", "**"))
            + (f" · {c.md_escape(hz.flops(est.flops), 40)}" if est.flops else ""))
    if lecture and (line := lecture_scenario_line(result)):
        st.caption(c.md_escape(line, limit=300))
    if result.preset and not lecture:
        # the preset's own run; once changed, say which inputs differ (browser check: "2T tokens" stood above 4T)
        # a footprint input (cooling, lifetime) is named too: the run is the published one, its footprint is not
        # in words, not field names (browser review 2026-11-27: "differs in carbon_intensity_g_per_kwh")
        differs = [changed_words(k) for k in sorted(result.changed) + sorted(result.footprint_changed)]
        changed = ("; this scenario differs in " + ", ".join(differs)) if differs else ""
        desc = result.preset.description  # its full stop goes, an abbreviation's stays ("Patterson et al.;")
        desc = desc[:-1] if desc.endswith(".") and not desc.endswith(" al.") else desc
        st.caption(c.md_escape(f"The published run: {desc}{changed}." if changed
                               else result.preset.description, limit=500))
    for note in layout_warnings(est):  # the headline's time is of a layout that cannot run: said before it
        st.warning(c.md_escape(note, limit=1000), icon=":material/memory:")
    headline(est, lecture, result.preset.time_label if result.preset else "Training time",
             time_assumed=any(result.scenario.source(k).startswith(ASSUMPTION) for k in ("hours", "device_hours")))
    companions(result)
    if not lecture:
        provenance(est)
    if lecture:
        # a metric, not a "###" heading: read as a heading, it broke the page's outline (accessibility audit)
        years = next(e for e in est.equivalents if e.key == "brain_years")
        # a cell of a row as wide as the headline's (browser review 2026-11-26: across the page, its 67 px outsized
        # the headline's 51 px at 1280 × 720)
        style.metric_cells(4, "brain", lecture)[0].metric(BRAIN_YEARS_LABEL, brain_time(years.value), border=False)
        if result.comparison:  # the published figures beside, in one line (lecturer review 2026-11-26: lecture mode
            # dropped them, which the Lecture slide and the how-to keep)
            src = c.sources().get(result.preset.source, {}).get("cite", result.preset.source)
            # a figure whose unit names it stands alone (browser review 2026-11-29: "Device-hours 3.11 million
            # device-hours")
            cells = [(LABELS[cmp.key], published_cells(cmp)[0]) for cmp in result.comparison]
            said = "; ".join(cell if label.lower() in cell.lower() else f"{label} {cell}" for label, cell in cells)
            st.caption(c.md_escape(f"Published: {said} ({src.split(',')[0]})", limit=300))
        memory_caveat(est)
        return
    if c.is_embedded():  # a short frame hides what follows the numbers; the caveat stays with them (review 2026-11-28)
        memory_caveat(est)
    secondary(result)
    step_figures(est)
    footprint(est, result.scenario.embodied)
    published(result)
    tabs = st.tabs(TABS, key="tab", on_change="rerun", bind="query-params")
    for tab, draw in zip(tabs, (lambda: how_computed(est), lambda: growth(result), lambda: energy_parts(est, result.profile.power.includes_host),
                                lambda: memory_tab(est), lambda: export_and_share(result, inputs))):
        if tab.open is not False:
            with tab:
                draw()
