"""Render an Estimate as table, JSON, CSV, Markdown or LaTeX. Pure: text in, text out."""

from __future__ import annotations

import io
import json
import math
import re
import textwrap
from collections.abc import Iterable, Mapping

from estimator.core.base.interval import EXACT, ONE_ESTIMATED_FIGURE, ONE_FIGURE, PREDICTION, STATED, range_meaning
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import W_PER_KW
from estimator.core.training.estimate import ALL_KEYS, FOOTPRINT_KEYS, RESULT_KEYS, Estimate
from estimator.core.training.plan import layout_dict
from estimator.core.training.presets import PublishedComparison
from estimator.report import humanize as hz
from estimator.report.csv_cells import safe_writer
from estimator.report.provenance import (
    CONTEXT_COLUMNS,
    ONE_DEVICE_TIME,
    context,
    memory_given,
    one_device_time,
    one_figure,
    one_figure_words,
    tool_info,
    tool_line,
)
from estimator.report.statement import statement
from estimator.report.statement_parts import whole_run_attention_words

LABELS = {
    "flops": "FLOPs",
    "wall_clock_s": "Training time",
    "device_hours": "Device-hours",
    "energy_kwh": "Energy",
    "co2e_kg": "CO₂e",
    "cost_usd": "Cost",
    "embodied_co2e_kg": "Embodied CO₂e",
    "water_l": "Water",
}
FORMATS = ("table", "json", "csv", "markdown", "latex", "bibtex")


# Inputs that are counts: echoed as whole numbers (the CLI reads them as floats, so that a fraction
# is refused with the project's own message; the app's ZeRO stage is a choice of text).
WHOLE_INPUTS = ("devices", "micro_batch", "seq_len", "tp", "pp", "zero", "layers", "d_model", "heads", "kv_heads",
                "head_dim", "vocab", "year")



def equivalent_value(e) -> str:
    """An equivalent's figure: a count of years under one as the duration it is ("2.86 days", as the app's lecture line
    says it; diff review 2026-11-29: the table read "0.00783 years" where the app read 2.86 days)."""
    return hz.years_or_duration(e.value) if e.unit == "years" else hz.number(e.value)


def equivalent_words(e) -> str:
    """"5,820 years of a 20 W human brain's energy", "2.86 days of a 20 W human brain's energy"."""
    if e.unit == "years":
        return f"{hz.years_or_duration(e.value)} {e.label.removeprefix('years ')}"
    return f"{hz.number(e.value)} {e.label}"

def scenario_echo(scenario: Mapping) -> dict:
    """The inputs as given, the same from the CLI and the app: unset ones left out, counts as whole
    numbers (2, not 2.0 or "2")."""
    out = {}
    for key, value in scenario.items():
        if value is None:
            continue
        if key in WHOLE_INPUTS and isinstance(value, str) and value.isdigit():
            value = int(value)
        elif key in WHOLE_INPUTS and isinstance(value, float) and value.is_integer():
            value = int(value)
        out[key] = value
    return out


def to_json_dict(est: Estimate, comparison: Iterable[PublishedComparison] = (), scenario: Mapping | None = None) -> dict:
    """``estimate --format json``: the tool's name and version (``tool``), the inputs as given (``scenario``),
    then the estimate (``Estimate.to_dict``) and its published figures."""
    out = est.to_dict()
    if scenario is not None:
        out = {"scenario": scenario_echo(scenario), **out}
    out = {"tool": tool_info(), **out}
    comparison = list(comparison)
    if comparison:
        out["published"] = {c.key: {"published": c.published, "estimated": c.estimated,
                                    "relative_error": c.relative_error,
                                    # a figure published as a range: relative_error 0 means inside it, said plainly
                                    **({"published_range": list(c.published_range),
                                        "inside_published_range": c.relative_error == 0} if c.published_range else {})}
                            for c in comparison}
    return out


def dump_json(obj) -> str:
    """The one JSON writer of every ``--format json`` (and the app's downloads): indented, UTF-8
    text as is, no NaN or infinity (``ValueError``): a missing value is ``null``, and no -0.0."""
    return json.dumps(_zero_unsigned(obj), indent=2, ensure_ascii=False, allow_nan=False, default=str)


def _zero_unsigned(obj):
    """``obj`` with every -0.0 written as 0.0 (a zero input times anything negative stays -0.0)."""
    if isinstance(obj, float):
        return 0.0 if obj == 0 else obj
    if isinstance(obj, dict):
        return {k: _zero_unsigned(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_zero_unsigned(v) for v in obj]
    return obj


def to_json(est: Estimate, comparison=(), scenario=None) -> str:
    return dump_json(to_json_dict(est, comparison, scenario))


def rows(est: Estimate) -> list[tuple[str, float | None, float | None, float | None]]:
    """Every quantity with its range: the operational figures, then embodied CO₂e (when on) and water."""
    extra = [k for k in FOOTPRINT_KEYS if getattr(est, k, None) is not None]
    return [(k, getattr(est, k), *est.range[k]) for k in RESULT_KEYS + tuple(extra)]


def memory_line(est: Estimate) -> str | None:
    """One line on training memory per device (None when the model's shape is unknown)."""
    m = est.memory
    if m is None:
        return None
    from estimator.core.training.memory import capacity_gb_text, gb
    b = m.per_device
    return (f"{gb(b.total_gb)} GB per device of {capacity_gb_text(m.capacity_gb)} (weights {gb(b.weights_gb)}, gradients "
            f"{gb(b.gradients_gb)}, optimizer {gb(b.optimizer_gb)}, activations {gb(b.activations_gb)}"
            + (f", ZeRO-3's gathered layer {gb(b.gathered_gb)}" if b.gathered_gb else "") + "; "
            f"{m.strategy.describe()}): "
            + (f"fits, tight ({b.total_gb / m.capacity_gb:.0%} of it: see the notes)" if m.tight else
               "fits" if m.fits else
               # of settings nobody gave, said where the verdict stands (researcher review 2026-11-29: a finished run's
               # statement read "does not fit" at no ZeRO sharding, the caveat a note further down)
               "does not fit at these settings, not the run's own (no layout given: see the notes)"
               if m.of_defaults else "does not fit"))


def step_lines(est: Estimate) -> list[str]:
    """The step model's figures for people (None of them without a step model): tokens/s per device with its
    80% range, MFU (model FLOPs) and HFU (hardware FLOPs), and the step's parts."""
    st = est.step
    if st is None:
        return []
    lo, hi = st.tokens_per_s_range
    p = st.parts_dict()
    comm = p["communication_exposed_s"]
    names = {"tensor_parallel": "TP", "context_parallel": "CP", "pipeline": "PP", "expert": "EP", "data_parallel": "DP"}
    exposed = ", ".join(f"{names[k]} {gfmt(x, 3)} s" for k, x in comm.items() if x > 0) or "none"
    return [f"{gfmt(st.step.tokens_per_s_per_device, 3)} tokens/s per device ({st.step_range.level:.0%} range "
            f"{gfmt(lo, 3)}–{gfmt(hi, 3)}), MFU {st.step.mfu:.1%} (model FLOPs), HFU {st.step.hfu:.1%} (hardware FLOPs); "
            f"layout ({(f'{st.kept} given, the rest the tool’s defaults' if st.kept else 'given') if st.chosen_by == 'given' else f'{st.kept} given, the rest the planner’s best' if st.kept else 'the planner’s best'}): "
            f"{st.layout_words()}",
            f"step {gfmt(st.step.seconds, 3)} s: compute {gfmt(p['compute_s'], 3)} s, exposed communication "
            f"{exposed}, bubble {gfmt(p['bubble_s'], 3)} s, recomputation {gfmt(p['recomputation_s'], 3)} s, "
            f"optimizer {gfmt(p['optimizer_s'], 3)} s; × {gfmt(st.steps, 3)} steps ÷ goodput {st.goodput:.0%}",
            *([f"a tuned stack's time; {whole_run_words(st.whole_run_fit, est.level)}"]
              if st.whole_run_fit is not None else [])]


def whole_run_words(w, level: float) -> str:
    """The step model's companion (``plan.WholeRunFit``) in words: "the whole-run utilisation an estimate from the
    FLOPs alone uses (0.18 of the peak: H100 fit, 25 published runs; restarts, evaluation and other work included) gives 12.2 days
    (80% range 6.60 days – 22.6 days)"."""
    # a device without runs takes a rule or another device's fit (code review 2026-11-28)
    runs = f", {w.n_runs} published runs; restarts, evaluation and other work included" if w.n_runs and w.fitted else ""
    low, high = hz.duration_range(w.low_s, w.high_s, w.wall_clock_s)
    attention = whole_run_attention_words(w)
    peak = w.peak_words
    return (f"the whole-run utilisation an estimate from the FLOPs alone uses ({gfmt(w.utilization, 2)} of {peak}: "
            f"{w.fit}{runs}) gives {hz.duration(w.wall_clock_s)} ({level:.0%} range {low} – {high})"
            # the footprint is the time's before the attention's clause, which is another time (consistency review
            # 2026-12-01: "would take 58.0 days, 165 MWh": 165 MWh was the 35.0 days')
            f"{whole_run_footprint_words(w, hz.energy, hz.co2e)}{attention}")


def whole_run_footprint_words(w, energy, co2e) -> str:
    """", 107 MWh (56.1 MWh – 206 MWh) and 51.0 t CO₂e (26.6 t CO₂e – 97.8 t CO₂e) at the same power": the whole-run
    time's energy and CO₂e (``WholeRunFit``), each figure written by ``energy`` and ``co2e``; "" without them."""
    if w.energy_kwh is None or w.co2e_kg is None:
        return ""

    stated = ", stated" if w.energy_basis == STATED else ""  # as the estimate's own stated ranges are marked

    def ranged(x, rng, fmt):
        return fmt(x) + (f" ({' – '.join(hz.range_ends(fmt, *rng, x))}{stated})" if rng else "")

    return (f", {ranged(w.energy_kwh, w.energy_range_kwh, energy)} and {ranged(w.co2e_kg, w.co2e_range_kg, co2e)} at "
            "the same power")


# The step model's rows of the CSV, where its time was used (``step_rows``): its figures with their 80% range,
# then the layout it timed (given, or the planner's best: the notes say which), one row each.
STEP_LAYOUT_ROWS = ("tp", "pp", "vp", "cp", "ep", "dp", "zero", "micro_batch", "global_batch", "seq_len",
                    "global_batch_tokens")


def step_rows(est: Estimate) -> list[tuple[str, float, float | None, float | None]]:
    """(quantity, value, low, high) of the step model's figures and layout (none without a step model): tokens/s
    per device with its 80% range; MFU (model FLOPs) and HFU (hardware FLOPs), in proportion to it; the step's
    seconds, inversely; the FLOPs alone's time at the whole-run utilisation with its 80% range
    (``whole_run_fit_wall_clock_s``); the layout's degrees, exact (low = high, ``step_<name>``)."""
    st = est.step
    if st is None:
        return []
    t = st.step.tokens_per_s_per_device
    lo, hi = st.tokens_per_s_range
    figures = [("step_tokens_per_s_per_device", t, lo, hi), ("step_mfu", st.step.mfu, st.step.mfu * lo / t, st.step.mfu * hi / t),
               ("step_hfu", st.step.hfu, st.step.hfu * lo / t, st.step.hfu * hi / t),
               ("step_seconds", st.step.seconds, st.step.seconds * t / hi, st.step.seconds * t / lo)]
    lay = layout_dict(st.layout)
    # the FLOPs alone's time beside (code review 2026-11-28: every other format had it, the CSV not)
    w = st.whole_run_fit
    whole = ([("whole_run_fit_wall_clock_s", w.wall_clock_s, w.low_s, w.high_s)]
             + [(f"whole_run_fit_{name}", x, *(rng or (None, None))) for name, x, rng in
                (("energy_kwh", w.energy_kwh, w.energy_range_kwh), ("co2e_kg", w.co2e_kg, w.co2e_range_kg))
                if x is not None] if w is not None else [])
    # the experts' tensor-parallel degree where there is expert parallelism (layout_dict's "etp")
    return figures + whole + [(f"step_{k}", lay[k], lay[k], lay[k]) for k in STEP_LAYOUT_ROWS + ("etp",) if k in lay]


MEMORY_ROWS = ("memory_per_device_gb", "device_memory_gb", "memory_fits", "memory_of_defaults")


def memory_rows(est: Estimate) -> list[tuple[str, float | None]]:
    """(quantity, value) of the training memory per device, exact: its total, the device's memory, and whether it fits
    (1 or 0) and is a verdict of default settings nobody chose (1 or 0), as the table, Markdown, LaTeX and JSON say
    them (researcher review 2026-11-29: the CSV alone had no memory); empty where the model's shape is unknown, so
    that every file has the same rows."""
    m = est.memory
    if m is None:
        return [(k, None) for k in MEMORY_ROWS]
    return list(zip(MEMORY_ROWS, (m.per_device.total_gb, m.capacity_gb, int(m.fits), int(m.of_defaults))))


def step_checked_line(est: Estimate) -> str | None:
    """The step model's cross-validated figures beside the naive baseline's (a flat MFU fitted on the other
    sources), as ``step_fit.json`` holds them; None without a step model or those figures."""
    st = est.step
    r = st.step_range if st is not None else None
    if r is None or r.median_factor is None or r.coverage is None:
        return None
    line = (f"Cross-validated by source on {r.rows} published layouts (each paper's or vendor table's rows held out "
            f"together): the step model's tokens/s per device within a median factor ×{gfmt(r.median_factor, 3)} of "
            f"the measured, {r.coverage:.0%} inside its {r.level:.0%} range")
    if r.baseline_median_factor is not None and r.baseline_coverage is not None:
        line += (f"; the baseline, a flat MFU fitted on the other sources, ×{gfmt(r.baseline_median_factor, 3)} and "
                 f"{r.baseline_coverage:.0%}")
    return line


def to_csv(est: Estimate, comparison=()) -> str:
    """One row per quantity, the same rows in every file (a quantity not known has empty cells); ``low``–``high`` is what ``range_basis`` says (interval.PREDICTION, STATED or EXACT): a
    prediction interval at ``range_level`` (0.8: 80%), a range its sources state (no level), or
    exact (low = high, no level); a figure published as a range has its ends in the
    ``published_low``/``published_high`` columns. Where the step model timed the run, its rows follow
    (``step_rows``: tokens/s per device, MFU, HFU and the step's seconds with the step model's 80% range; the
    layout's degrees, exact); the others' files have none; then its memory per device (``memory_rows``, exact; empty
    cells where the model's shape is unknown). Then, the same on every row, what the numbers were computed
    from (``precision`` and ``provenance.CONTEXT_COLUMNS``: grid intensity, its source and place, PUE, power,
    utilisation, peak, price basis, water factors, the embodied figure per device and lifetime, the
    estimate's notes (joined by ``provenance.NOTES_SEPARATOR``), the tool and its version), so that the file
    alone traces them."""
    published = {c.key: c for c in comparison}
    buf = io.StringIO()
    w = safe_writer(buf)  # text cells that could start a formula neutralised (csv_cells.py)
    w.writerow(["quantity", "value", "low", "high", "published", "hardware", "devices", "published_low",
                "published_high", "range_level", "range_basis", "precision", *CONTEXT_COLUMNS])
    same = [est.precision, *context_cells(context(est))]
    # every quantity, one known or not (empty cells), so that every file has the same rows, as the JSON has the
    # same keys (CLI audit: a missing FLOPs or price kept its row and a missing embodied CO₂e lost its own)
    every = [(k, getattr(est, k), *est.range.get(k, (None, None))) for k in RESULT_KEYS + FOOTPRINT_KEYS]
    for key, value, low, high in every:
        c = published.get(key)
        ends = c.published_range if c and c.published_range else (None, None)
        basis = est.basis(key)
        w.writerow([key, _raw(value), _raw(low), _raw(high), _raw(c and c.published), est.hardware_id, est.devices,
                    *map(_raw, ends), _raw(est.level if basis == PREDICTION else None), basis, *same])
        if key == "flops":
            # the FLOPs the utilisation is a share of, as the JSON's ``time_flops``: with full recomputation the model's
            # 6·N·D, not the 8·N·D the devices execute that the row above gives (researcher review 2026-12-02: the
            # file's flops × its utilisation had given a time the estimate does not)
            counted = _raw(est.time_flops if est.time_flops is not None else value)
            w.writerow(["time_flops", counted, counted, counted, "", est.hardware_id, est.devices, "", "", "",
                        est.basis("flops"), *same])
    for key, value, low, high in step_rows(est):  # where the step model timed the run
        ranged = low != high
        w.writerow([key, _raw(value), _raw(low), _raw(high), "", est.hardware_id, est.devices, "", "",
                    _raw(est.step.step_range.level if ranged else None), PREDICTION if ranged else EXACT, *same])
    for key, value in memory_rows(est):  # empty where the model's shape is unknown
        w.writerow([key, _raw(value), _raw(value), _raw(value), "", est.hardware_id, est.devices, "", "", "",
                    "" if value is None else EXACT, *same])
    return buf.getvalue()


def published_cells(c: PublishedComparison) -> tuple[str, str]:
    """A published figure and the estimate's difference from it, for people: "$4.6M" and "+0%",
    or for a range "$3.8k – $13k" and "inside" (or "+20% above", "-30% below")."""
    if c.published_range:
        text = hz.human_range(c.key, *c.published_range)
        if c.relative_error is None:
            return text, ""
        if c.relative_error == 0:
            return text, "inside"
        return text, f"{difference_text(c.relative_error)} {'above' if c.relative_error > 0 else 'below'}"
    return hz.human(c.key, c.published), "" if c.relative_error is None else difference_text(c.relative_error)


# The most decimals a difference from a published figure is written with (0.0001%): below it, "0%".
MAX_DIFFERENCE_DECIMALS = 4


def difference_text(x: float) -> str:
    """An estimate's difference from a published figure: whole percent, or, below 0.5%, to its first
    significant digit, so that figures that differ never read "0%" (3.11 million against 3.12 million
    is +0.1%; 1.507 MWh against 1.5068 is -0.01%)."""
    pct = abs(x) * 100
    too_small = pct < 0.5 * 10.0 ** -MAX_DIFFERENCE_DECIMALS  # "0%" at every decimal shown
    decimals = 0 if too_small or pct >= 0.5 else min(MAX_DIFFERENCE_DECIMALS, -math.floor(math.log10(pct)))
    return hz.signed_percent(x, decimals)


# A comparison's quantities: the operational figures, then embodied CO₂e and water.
COMPARE_KEYS = ALL_KEYS


def compare_csv(estimates: Iterable[Estimate]) -> str:
    """One row per hardware of a comparison: the id, its devices (a reference point is one of it) and
    the precision it ran at (each profile's default unless one is given),
    then each quantity (``COMPARE_KEYS``) with its
    range's ends (``<key>_low``, ``<key>_high``) and what the range is (``<key>_basis``: a
    prediction interval at ``range_level``, 0.8: 80%; a range its sources state; or exact, low =
    high), unformatted in SI units; a missing figure (no price, embodied CO₂e switched off) left
    empty; after ``range_level``, what each row was computed from (``provenance.CONTEXT_COLUMNS``, as
    ``to_csv``'s). The CLI's ``compare --format csv`` and the Compare page's download."""
    buf = io.StringIO()
    w = safe_writer(buf)  # text cells that could start a formula neutralised (csv_cells.py)
    w.writerow(["hardware", "devices", "precision", *(f"{k}{end}" for k in COMPARE_KEYS for end in ("", "_low", "_high", "_basis")),
                "range_level", *CONTEXT_COLUMNS])
    for est in estimates:
        cells = []
        for k in COMPARE_KEYS:
            value = getattr(est, k)
            low, high = est.range.get(k, (None, None)) if value is not None else (None, None)
            cells += [_raw(value), _raw(low), _raw(high), "" if value is None else est.basis(k)]
        w.writerow([est.hardware_id, est.devices, est.precision, *cells, _raw(est.level), *context_cells(context(est))])
    return buf.getvalue()


def range_header(est: Estimate) -> str:
    """A table's range column: "80% range" when a prediction interval is in it, else "Range"."""
    return f"{est.level:.0%} range" if any(est.basis(k) == PREDICTION for k in ALL_KEYS) else "Range"


def range_tag(est: Estimate, key: str) -> str:
    """" (stated)" after a range its sources state (no level, no measured coverage; the meaning
    sentence says so); nothing after a prediction interval at the level the table names."""
    return " (stated)" if est.basis(key) == STATED else ""


def _raw(x):
    return "" if x is None else repr(float(x))


def context_cells(values: Mapping[str, object]) -> list[str]:
    """CSV cells of context values: numbers unformatted (``_raw``), yes/no as true/false, text as it is, None empty."""
    return ["" if v is None else str(v).lower() if isinstance(v, bool) else v if isinstance(v, str) else _raw(v)
            for v in values.values()]


# The FLOPs row's third cell where the FLOPs executed hold recomputation's: the model's beside them, not a range
RECOMPUTED_FLOPS = "recomputation included; without it:"


def range_cell(est: Estimate, key: str) -> str:
    """A quantity's range for people: "a – b" (and " (stated)"), "one measured figure: no range" for a figure
    that rests on one measurement (journeys R6: "30.1 s – 30.1 s (stated)", or nothing beside a legend that
    calls such a figure exact), or "" for an exact one."""
    if one_figure(est, key):
        return one_figure_words(est, key)
    if key == "flops" and getattr(est, "time_flops", None) is not None and est.time_flops < est.flops:
        # the FLOPs executed, recomputation's included, beside the model's the time is from (planner review 2026-12-03:
        # "FLOPs 8.47 × 10²⁴" beside full recomputation, 6.35 × 10²⁴ beside selective, read as the training compute)
        return f"{RECOMPUTED_FLOPS} {hz.human('flops', est.time_flops)}"
    if one_device_time(est, key):
        return ONE_DEVICE_TIME
    low, high = est.range.get(key, (None, None))
    if est.basis(key) in (None, EXACT) or low is None or low == high:
        return ""
    return f"{hz.human_range(key, low, high, getattr(est, key))}{range_tag(est, key)}"


def markdown_escape(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, special characters escaped."""
    one_line = " ".join(str(text).split())
    return re.sub(r"([|\\`*_<>\[\]])", r"\\\1", one_line)


def _label(key: str, time_label: str | None) -> str:
    return time_label if (key == "wall_clock_s" and time_label) else LABELS[key]


VALUE_WIDTH = 26  # characters of the table's value column ("355 years" and its padding)


def assumption_value(value, unit: str = "") -> str:
    """An assumption's value and unit for a table: text as it is, a count as a whole number (256
    devices, not 256.0), any other number to 4 significant digits; a missing one "n/a", unitless."""
    if value is None:
        return "n/a"
    if value == 1 and isinstance(value, int) and unit in SINGULAR:
        unit = SINGULAR[unit]
    if unit.split(" ")[0] == "W" and not isinstance(value, (str, bool)) and value >= W_PER_KW:
        return f"{hz.power(value)}{unit[1:]}"  # a whole system's draw: "1.00 MW per device", not "1,000,000 W"
    return f"{_assumption_number(value)} {unit}".rstrip()


SINGULAR = {"devices": "device"}  # a count of one reads "1 device", not "1 devices"


def _assumption_number(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return hz.number(value, 4)


def to_markdown(est: Estimate, comparison=(), title: str | None = None, time_label: str | None = None,
                sources: Mapping | None = None) -> str:
    """The estimate as Markdown tables, ending with the tool's name and version (``provenance.tool_line``; its
    BibTeX entry's key when ``sources`` is given)."""
    published = {c.key: c for c in comparison}
    lines = []
    if title:
        lines += [f"## {markdown_escape(title)}", ""]
    lines += [f"Hardware: {markdown_escape(est.hardware_name)} × {hz.whole(est.devices)}, precision {est.precision}", "",
              # the column names the level when a prediction interval is in it (review: "80% range" over
              # only stated ranges and exact figures)
              f"| Quantity | Estimate | {range_header(est)} | Published |", "|---|---|---|---|"]
    for key, value, _, _ in rows(est):
        pub = published.get(key)
        pub_text = " ".join(x for x in published_cells(pub) if x) if pub else ""
        shown = range_cell(est, key)
        lines.append(f"| {_label(key, time_label)} | {hz.human(key, value)} | {shown} | {pub_text} |")
    lines += ["", range_meaning(est.level, est.stepped, est.predicted)]  # the project's own text, its command a code span
    if est.memory is not None:
        lines += ["", f"Training memory: {markdown_escape(memory_line(est))}"]
    if est.step is not None:
        lines += ["", *(f"Step model: {markdown_escape(x)}" for x in step_lines(est))]
    lines += ["", "| Equivalent | Value | Source |", "|---|---|---|"]
    for e in est.equivalents:
        # a count of years may be said as days (equivalent_value): the label names a time, not years
        label = e.label.replace("years of", "time on", 1) if e.unit == "years" else e.label
        lines.append(f"| {label} | {equivalent_value(e)} | {markdown_escape(e.source)} |")
    lines += ["", "| Assumption | Value | From | Source |", "|---|---|---|---|"]
    for a in est.assumptions:
        lines.append(f"| {a.name} | {markdown_escape(assumption_value(a.value, a.unit))} | {a.origin} | {markdown_escape(a.source)} |")
    if est.notes:
        lines += [""] + [f"- {markdown_escape(n)}" for n in est.notes]
    lines += ["", markdown_escape(tool_line(sources))]
    return "\n".join(lines) + "\n"


# The width the table's prose is wrapped to (characters): a terminal's usual 100 columns or more.
TEXT_WIDTH = 100


def to_table(est: Estimate, comparison=(), title: str | None = None, time_label: str | None = None) -> str:
    published = {c.key: c for c in comparison}
    out = []
    if title:
        out += [title, "=" * len(title)]
    out.append(f"{est.hardware_name} × {hz.whole(est.devices)} ({est.precision})")
    if est.utilization is not None:
        out.append(f"Utilisation {est.utilization.summary}")
    width = max(len(v) for v in LABELS.values()) + 2
    table = list(rows(est))
    # the value column: at least VALUE_WIDTH, and wider when a value is long ("34.6 trillion
    # device-hours"), so that a value never runs into its range
    value_width = max([VALUE_WIDTH] + [len(hz.human(key, value)) + 2 for key, value, _, _ in table])
    for key, value, _, _ in table:
        line = f"{_label(key, time_label):<{width}}{hz.human(key, value):<{value_width}}"
        shown = range_cell(est, key)
        if shown:
            line += (shown if shown in (ONE_FIGURE, ONE_ESTIMATED_FIGURE, ONE_DEVICE_TIME)
                     or shown.startswith(RECOMPUTED_FLOPS) else f"range {shown}")
        pub = published.get(key)
        if pub:
            text, diff = published_cells(pub)
            line += f"   published {text}" + (f" ({diff})" if diff else "")
        out.append(line)
    if est.memory is not None:
        out.append(f"{'Memory':<{width}}{memory_line(est)}")
    for i, line in enumerate(step_lines(est)):
        out.append(f"{'Step' if i == 0 else '':<{width}}{line}")
    # what the ranges mean, below the figures and wrapped (newcomer's try: one 700-character line above them hid
    # the headline numbers in a terminal)
    out += ["", *textwrap.wrap(range_meaning(est.level, est.stepped, est.predicted), TEXT_WIDTH, break_on_hyphens=False)]
    out.append("")
    out.append("Equivalents")
    for e in est.equivalents:
        out.append(f"  {equivalent_words(e)}  [{e.source}]")
    out.append("")
    out.append("Assumptions")
    for a in est.assumptions:
        out.append(f"  {a.name} = {assumption_value(a.value, a.unit)}  ({a.origin}; {a.source})")
    for n in est.notes:
        out.append(f"note: {n}")
    return "\n".join(out) + "\n"


def render(fmt: str, est: Estimate, comparison=(), title=None, scenario=None, cite_keys=(), sources=None,
           time_label=None, changed=(), footprint_changed=(), tool_url=None, model_name=None, params=None,
           coverage=None, said_as=None, tokens=None) -> str:
    """One format of the estimate. ``latex`` is the paper statement's paragraph and ``bibtex``
    the .bib file it cites (estimator/report/statement.py); ``changed``: the inputs in which the
    scenario differs from the preset it cites (``api.Result.changed``); ``footprint_changed``: those that
    set only its embodied carbon and water (``api.Result.footprint_changed``); ``tool_url``: the tool's public
    address, its BibTeX entry's URL (the edges read it: ``estimator.io.paths.tool_public_url``), none when None;
    ``model_name``, ``params``, ``tokens``: a catalog model's name, parameters and training tokens (``api.Result.model_name``,
    its scenario's; ``scenario``'s own where given), which the paper statement names as what was trained; ``coverage``: the fitted time's measured coverage
    (``services.accuracy.coverage.coverage_words``), which it states; ``said_as``: a preset's words for its power, PUE or grid
    intensity (``Preset.said``), which it uses."""
    if fmt == "json":
        return to_json(est, comparison, scenario) + "\n"
    if fmt == "csv":
        return to_csv(est, comparison)
    if fmt == "markdown":
        return to_markdown(est, comparison, title, time_label, sources)
    if fmt in ("latex", "bibtex"):
        from estimator.core.base.tool import __version__
        st = statement(est, sources or {}, version=__version__, title=title, extra_keys=tuple(cite_keys),
                       time_label=time_label, changed=tuple(changed), footprint_changed=tuple(footprint_changed),
                       memory_given=memory_given(scenario), params=(scenario or {}).get("params") or params,
                       tokens=(scenario or {}).get("tokens") or tokens, model_name=model_name, coverage=coverage,
                       tool_url=tool_url, said_as=said_as)
        return st.tex if fmt == "latex" else st.bib
    return to_table(est, comparison, title, time_label)
