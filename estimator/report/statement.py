r"""A compute and carbon statement a researcher can paste into a paper: a ``.tex`` paragraph and
the ``.bib`` file it cites. Pure: an Estimate and the citations in, two texts out.

The paragraph is worded as an estimate ("We estimate that training … would take …") unless the
run's time was given (a measured run: "Training took …"). It says what the ranges mean in one
sentence, and cites the tool with its version, the utilisation fit and its data (Epoch AI) when
the fit was used (and says when a device without runs borrows a neighbouring family's fit), the
hardware's datasheet, the sources of the embodied-carbon figure, and where the grid intensity came
from (the data CodeCarbon ships, named: the world average, a country and its data year, a cloud
region; a preset's paper; or "given"). The utilisation names the precision and the peak it is a
fraction of; with full recomputation it says that it counts model FLOPs (6·N·D), so that FLOPs ÷
(peak × utilisation) gives the device-hours it states. A calibrated profile's throughput and power
are said to be the user's calibration (where, when, how, which meter; read from the profile's
[calibration] table, never its free text), and its entry is that measurement, not the vendor's
datasheet (statement_parts.py). A known run "took" its time unless an input that sets the time
differs (``TIME_INPUTS``); any change makes it "a variant of" the run. A calibrated profile's
utilisation leads with the throughput it measured, its peak named as the base profile's
(statement_utilisation.py). The electricity's water factor is said to be the U.S. average where it is
(and why, for a country Li et al. give no figure for); a power that includes the device's share of its
host says so, and one that leaves the host out says that (statement_parts.py); device-hours given without a
device count state no wall clock and no count; the fit's caveats on the estimate (a run beyond its runs' FLOPs or
devices, a share of another precision's peak) follow the utilisation (statement_utilisation.py); figures that
rest on one measurement say "one measured figure: no range"; a run of the user's own states its training
memory only when a memory input was given (provenance.py).

BibTeX: only entry types that standard BibTeX styles define (article, inproceedings, misc),
every title in double braces so that a style's lower-casing keeps "GPT-3" and "NVIDIA" as they
are, and web addresses as plain text (a \\url command would need a package the paper may not load).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from estimator.core.base.interval import EXACT, PREDICTION, STATED, WHOLE_RUN_LONGER, WHOLE_RUN_SOURCE
from estimator.core.base.number_text import gfmt
from estimator.core.hardware.profile import HOSTED_KINDS
from estimator.core.training.estimate import DEFAULT_CARBON_INTENSITY_SOURCE, Estimate
from estimator.core.training.fit_caveats import OtherPeak
from estimator.core.training.memory import capacity_gb_text
from estimator.core.training.memory import gb as memory_gb
from estimator.core.training.plan import EXPERT_NOTE_SHARE
from estimator.core.training.words import HIGHEST_PUBLISHED_MFU, LARGEST_PUBLISHED_DEVICES, unfitted_precision_note
from estimator.core.workload.flops import FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE
from estimator.core.workload.scenario import SCENARIO_BOUNDS
from estimator.report import humanize as hz
from estimator.report.latex_text import bib_key, latex_escape, normalize_bibtex
from estimator.report.provenance import TOOL_NAME, figures_from, one_figure, power_estimated, rests_on_power
from estimator.report.statement_parts import (
    ACT_MEM_KEY,
    EGRID_KEY,
    FLASH_KEY,
    GRID_KEY,
    MEM_EFFICIENT_KEY,
    POWER_FIT,
    TOOL_KEY,
    ZERO_KEY,
    alone_words,
    before_flash_attention,
    cited_keys,
    device_words,
    embodied_caveat,
    embodied_entry,
    hardware_entry,
    known_time,
    measured_power,
    measured_throughput,
    measured_where,
    memory_sentence,
    meter_words,
    named_keys,
    no_layout_fits,
    referenced,
    same_measurement,
    setting_words,
    unkeyed,
    whole_run_attention_words,
    written_address,
)
from estimator.report.statement_utilisation import fit_caveats, model_publications, utilisation_clause

EPOCH_KEY = "EPOCH"
# 6·N·D, the training FLOPs of a dense transformer (and its architecture's count): Kaplan et al. 2020, §2.1, Table 1
SCALING_KEY = "K20"
# embodied carbon and water (estimator/core/footprint/embodied.py, water.py)
LLMC_KEY, ACT_KEY, PCF_KEY, WATER_KEY = "LLMC24", "ACT22", "NVPCF", "WATER23"
# the step model's time (estimator/core/training/step.py): Megatron-LM's layouts and costs (Narayanan et al. 2021), the
# goodput from Llama 3's effective training time (arXiv:2407.21783 §3.3.4; plan.GOODPUT_SOURCE)
STEP_KEY, GOODPUT_KEY = "N21", "L31"
# the goodput's range, Gemini's largest job before and after its fixes (core/training/plan.GOODPUT_SOURCE)
GOODPUT_RANGE_KEY = "GEM23"
DUALPIPE_KEY = "DS24c"  # DeepSeek-V3's report: its DualPipe schedule overlaps the expert all-to-alls with compute
# the whole runs that took longer than the step model's time (WHOLE_RUN_LONGER): Phi-3's, Llama 2's, Llama 3's and 3.1's
WHOLE_RUN_KEYS = ("PHI3", "T23b", "L3", "L31")

@dataclass(frozen=True)
class Statement:
    tex: str
    bib: str
    keys: tuple[str, ...]


def _range(fmt, est: Estimate, key: str) -> str:
    """" (80% range a--b)" for a prediction interval, " (stated range a--b)" for a range its sources
    state (``Estimate.basis``); nothing for an exact figure."""
    low, high = est.range[key]
    basis = est.basis(key)
    if basis == EXACT or low == high:  # exact, or one stated figure: no range to print
        return ""
    what = f"{_pct(est.level)} range" if basis == PREDICTION else "stated range"
    ends = (paper_money_range(low, high) if fmt is paper_money  # a cost's ends with the figures they need to read apart
            else hz.range_ends(fmt, low, high, getattr(est, key, None)))  # a time's ends in its figure's unit
    return f" ({what} {latex_escape(ends[0])}--{latex_escape(ends[1])})".replace("m3", "m$^3$")


def paper_money(usd: float, digits: int = hz.MONEY_DIGITS) -> str:
    """Money as a paper writes it: "$850,000", "$1.6 million", "$0.12"; never "$850k" (issue 55)."""
    r = hz.rounded(usd, digits)
    if abs(r) >= hz.WORDS_UP_TO:
        return f"${hz.sci(usd, digits)}"
    for factor, word in hz.WORDS:  # a million and up: in words
        if abs(hz.rounded(usd / factor, digits)) >= 1:
            return f"${hz.sig(usd / factor, digits)} {word}"
    return f"${hz.sig(usd, digits)}"


def paper_money_range(low: float, high: float) -> tuple[str, str]:
    """A cost range's ends, with the figures they need to read apart (as humanize.money_range)."""
    for d in range(hz.MONEY_DIGITS, hz.MONEY_RANGE_MAX_DIGITS + 1):
        ends = paper_money(low, d), paper_money(high, d)
        if ends[0] != ends[1]:
            return ends
    return paper_money(low), paper_money(high)


def paper_water(litres: float) -> str:
    """Water as a paper writes it: litres below a cubic metre, then cubic metres with thousands separators
    ("4,370 m3"), then "1.20 million m3", past a thousand million m3 powers of ten (LaTeX: ``_water_tex``)."""
    m3 = litres / hz.L_PER_M3
    if abs(hz.rounded(m3)) < 1:
        return f"{hz.sig(litres)} L"
    if abs(hz.rounded(m3)) < hz.MILLION:
        return f"{hz.sig(m3)} m3"
    if abs(hz.rounded(m3 / hz.MILLION)) < hz.NEXT_PREFIX:
        return f"{hz.sig(m3 / hz.MILLION)} million m3"
    return f"{hz.sci(m3)} m3"


def amount(x: float) -> str:
    """A count the user gave, in words and without trailing zeros: "7 billion", "2 trillion", "6.59 billion"."""
    text = hz.count(x)
    number, _, word = text.partition(" ")
    if "." in number and "×" not in text:
        number = number.rstrip("0").rstrip(".")
    return f"{number} {word}".strip()


def _pct(x: float) -> str:
    return latex_escape(f"{x:.0%}")


def _water(litres: float) -> str:
    return paper_water(litres)


def _water_tex(litres: float) -> str:
    """Litres or cubic metres for LaTeX: m$^3$ (latex_escape drops a bare superscript digit)."""
    return latex_escape(_water(litres)).replace("m3", "m$^3$")


def _cite(bibkeys: Mapping[str, str], keys, where: str | None = None) -> str:
    """One \\cite of the entries of ``keys`` (source key → BibTeX key in ``bibkeys``): "~\\cite{a,b}";
    "" for none. ``where``: the place in a single entry ("§3.4.1"), as "~\\cite[§3.4.1]{a}"."""
    names = [bibkeys[k] for k in dict.fromkeys(keys) if k in bibkeys]
    at = f"[{latex_escape(where)}]" if where and len(names) == 1 else ""
    return r"~\cite" + at + "{" + ",".join(names) + "}" if names else ""


def _where_in(text: str) -> str | None:
    """The sections or tables a source text points into ("…, arXiv:2407.21783, §3.4.1 and Table 4" → "§3.4.1 and
    Table 4"), or None."""
    place = r"(?:§\s?\d+(?:\.\d+)*|\bTable \d+)"
    m = re.search(rf"{place}(?:(?:,? and |, ){place})*", text)  # "§3.4.1 and Table 4" whole
    return m.group(0) if m else None


# The ranges the paragraph prints (_range), when they are not exact: the ranges sentence goes with them.
SHOWN_RANGES = ("wall_clock_s", "energy_kwh", "co2e_kg", "cost_usd", "embodied_co2e_kg", "water_l")

# The paragraph's words for a figure that rests on one measurement (provenance.one_figure; the tables' cells
# write interval.ONE_FIGURE, a label, which the paragraph says as a sentence: review)
ONE_FIGURE_NAMES = {"wall_clock_s": "time", "energy_kwh": "energy", "co2e_kg": "CO$_2$e", "cost_usd": "cost",
                    "embodied_co2e_kg": "embodied CO$_2$e", "water_l": "water"}

# A profile's power that names no source of the tool's and says the device's draw is not published (TPU v5p's, scaled
# from TPU v4's by peak): said so in the paragraph. The words, not any "assumed" in the text (diff review 2026-12-02: a
# measured mean whose range alone was assumed had read "no published or measured draw")
NOT_PUBLISHED = re.compile(r"\bnot published\b", re.IGNORECASE)
PROFILE_POWER_ASSUMED = ", the device profile's assumption (its draw is not published)"
POWER_FIGURE_KEY = "POWERFIG"  # the entry made of such a profile's power source text

# More figures the paragraph states, by assumption: (the entry's name here, its key's prefix, what it is).
FIGURES = {"pue": ("PUE", "pue", "data-centre PUE"), "price_usd_per_device_hour": ("PRICE", "price", "price per device-hour"),
           "electricity_usd_per_kwh": ("ELEC", "elec", "electricity price")}


def with_address(bibtex: str, url: str | None) -> str:
    """``bibtex`` with ``url`` as its ``howpublished`` (as the entries built from a source text give theirs), or as it
    is when ``url`` is None or it already has one."""
    if not url or re.search(r"\bhowpublished\s*=", bibtex):
        return bibtex
    body = bibtex.rstrip()
    return f"{body[:-1].rstrip()}, howpublished={{{latex_escape(url)}}}}}"


def figure_citation(est: Estimate, a, sources: Mapping[str, Mapping[str, str]], extra_keys=()) -> tuple[list[str], str | None]:
    """(source keys, a misc entry or None) for a figure of ``FIGURES``: a profile's figure cites its source text
    (and the entries whose titles it names), a preset's the papers its source names (else the preset's). A profile's
    figure whose source text gives no reference (``referenced``: no address, none of the tool's sources) has neither:
    the paragraph states its setting instead (``figure_words``)."""
    if a.origin.startswith("profile:"):
        # the entries its text names (by title, arXiv id or source key); its own entry when it names none (with the
        # address it writes or the publisher's page it names), or when it writes an address (issue 55: a PUE's note
        # leaked the key "P21" and gave no address)
        skip = device_words(est)  # "1 L4 incl. host" names the device, not the Llama 4 card (key L4)
        if not referenced(a.source, sources, skip):
            return [], None
        keys = list(dict.fromkeys(cited_keys(a.source, sources) + named_keys(a.source, sources, skip)))
        own = not keys or written_address(a.source) is not None
        return keys, embodied_entry(est, unkeyed(a.source, sources, skip), *FIGURES[a.name][1:]) if own else None
    if a.origin.startswith("preset:"):
        return named_keys(a.source, sources) or [k for k in extra_keys if k in sources], None
    return [], None


def figure_words(est: Estimate, a, cite: str, sources: Mapping[str, Mapping[str, str]]) -> str:
    """What follows a figure of ``FIGURES`` in the paragraph, LaTeX: its citation (``cite``); for a profile's figure
    whose source gives no reference, that source's setting in words (issue 55: "a PUE of 1.00 (no data centre: no
    cooling or power-delivery overhead)", where its BibTeX entry had been the sentence with no address); "" else."""
    if cite or not a.origin.startswith("profile:"):
        return cite
    skip = device_words(est)
    if referenced(a.source, sources, skip):
        return ""
    words = setting_words(a.source, sources, skip)
    return f" ({latex_escape(words)})" if words else ""


def _beyond(est: Estimate, a, cite, emb, basis: str, emb_cite: str, measured: bool = False) -> str:
    """Sentences on embodied carbon and water, when the estimate has them. ``emb_cite``: the citation of a vendor's or
    a life-cycle assessment's embodied figure. ``measured``: the run's time was measured ("the run consumed"), else
    the paragraph is an estimate's ("would consume"; researcher review 2026-11-27: "would take … would use" then "the
    run consumes"; second review: "Manufacturing the devices adds")."""
    text = ""
    if emb:
        years = a["lifetime_years"].value
        kg = latex_escape(hz.sig(emb.value))
        how = {"vendor-pcf": "the vendor's product carbon footprint" + emb_cite,
               "lca": "a published life-cycle assessment" + emb_cite,
               "die-area-model": "a die-area and memory model" + cite.get(ACT_KEY, "") + " scaled to board level"
                                 + cite.get(PCF_KEY, ""),
               "fallback": "a fallback scaled from NVIDIA's HGX H100 footprint" + cite.get(PCF_KEY, "")}.get(
            basis, latex_escape(basis) + emb_cite)
        text += (f" Manufacturing the devices {'adds' if measured else 'would add'} "
                 f"{latex_escape(hz.co2e(est.embodied_co2e_kg))}"
                 f"{_range(hz.co2e, est, 'embodied_co2e_kg')} of embodied CO$_2$e, the run's share of "
                 f"{kg}~kg per device ({how}){embodied_caveat(emb.source, kg)} over a {years:g}-year "
                 f"life{cite.get(LLMC_KEY, '')}, not part of the CO$_2$e above.")
    elif est.hardware_kind != "brain":  # left out, said (researcher review 2026-11-28: `--no-embodied` said nothing)
        text += " The devices' embodied (manufacturing) emissions are not included."
    if est.water_l is not None:
        # the factors themselves given, not only a place whose factor the tool takes ("the grid's country (USA)")
        given = all(given_figure(a[k]) for k in ("wue_l_per_kwh", "ewif_l_per_kwh") if k in a)
        text += (f" The run {verb(measured, given, 'consumed', 'consume')} about {_water_tex(est.water_l)}{_range(_water, est, 'water_l')} of "
                 f"water, on site at {latex_escape(hz.sig(a['wue_l_per_kwh'].value))}~L/kWh and off site for the "
                 f"electricity at {latex_escape(hz.sig(a['ewif_l_per_kwh'].value))}~L/kWh{cite.get(WATER_KEY, '')}"
                 f"{_water_basis(est)}.")
    return text


def _water_basis(est: Estimate) -> str:
    """", the U.S. average" after the off-site water factor when it is (the default), with why for a country
    Li et al. give no figure for (journeys R3: the table said so, the statement did not): ", the U.S. average,
    since Li et al. give no figure for France (FRA)"; where no place is given, that none is; a country's own figure
    named (", the figure for Sweden (SWE)"); nothing where the factor was given."""
    if est.ewif_country is None:  # a factor given: said as given with the inputs
        return ""
    if est.ewif_country != "USA":  # a country's own figure, named (paper-statement review 2026-12-03: Sweden's 6.02
        # L/kWh read as no place's)
        grid = est.grid
        place = (grid.country_label if grid is not None and grid.country == est.ewif_country else est.ewif_country)
        return f", the figure for {latex_escape(place)}"
    code = est.ewif_fallback_country
    grid = est.grid
    if code is None:
        # no place given (a preset's own intensity, the world average): said, so that a run abroad reads why
        # (researcher review 2026-12-02: BLOOM's French run took the U.S. factor without a word)
        if grid is not None and grid.country:
            return ", the U.S. average"
        # a grid given by its intensity alone (a preset's published figure, BLOOM's French grid's; or the user's own)
        # names no place the water factor could follow (researcher review 2026-12-02, second: "as no country or region
        # is given" read false beside "57 gCO2e/kWh (French grid)")
        ci = next((x for x in est.assumptions if x.name == "carbon_intensity_g_per_kwh"), None)
        if ci is not None and ci.origin != "default":
            return ", the U.S. average, as the grid is given by its intensity alone, not by a country or region"
        return ", the U.S. average, as no country or region is given"
    place = grid.country_label if grid is not None and grid.country == code else code  # "France (FRA)", "Belgium (BEL)"
    return f", the U.S. average, since Li et al. give no figure for {latex_escape(place)}"


def grid_keys(source: str, sources: Mapping[str, object]) -> list[str]:
    """The source keys the grid intensity comes from, read from its assumption's source text: the
    data CodeCarbon ships (a country, a cloud region, the world average), a preset's paper ("S19:
    0.954 lb/kWh …", "implied by T23b: …"), or none (a figure the user gave)."""
    if "CodeCarbon" in source:
        # a U.S. state's figure is EPA eGRID's, cited as the primary source beside the data's carrier (researcher review
        # 2026-12-03: the statement named eGRID2023 and its .bib had only CodeCarbon's entry)
        return [EGRID_KEY, GRID_KEY] if EGRID_KEY.lower() in source.lower() else [GRID_KEY]
    return named_keys(source, sources)


# A grid intensity's source text as estimator/services/grid.py writes it for CodeCarbon's data, reworded for
# the paragraph by ``grid_basis`` (display only: where the grid is comes as data, ``Estimate.grid``).
_CODECARBON_GRID = re.compile(r"(?P<label>.+?): CodeCarbon (?P<version>\S+) (?P<file>\S+) \((?P<origin>[^()]*)\)"
                              r"(?:, (?P<year>\d{4}))?")


# a cloud region placed on its location's grid (core.footprint.carbon.cloud_intensity's source text)
_CLOUD_PLACE_GRID = re.compile(r"(?P<cloud>\S+) \((?P<where>[^()]*)\): (?P<provider>.+?) publishes no grid figure per "
                               r"region, so the grid of (?P<grid>.+?), as CodeCarbon takes it: CodeCarbon "
                               r"(?P<version>\S+) (?P<file>\S+) \((?P<origin>[^()]*)\)(?:, (?P<year>\d{4}))?; "
                               r"location: (?P<location>.*)")


def grid_basis(source: str) -> str:
    """What the grid intensity is, for the statement, from its assumption's source text: the world
    average (and its report's year), a country and its data year, or a cloud region, with the data
    behind it; the text as it is when it has another form."""
    if source == DEFAULT_CARBON_INTENSITY_SOURCE:
        label, rest = source.split(", ", 1)  # "world average", "IEA … 2019 (as shipped by CodeCarbon)"
        # not given, so assumed: said as the device not given is (researcher review 2026-11-29)
        return (f"not given: the {label}, assumed; " +
                re.sub(r" \((as shipped by CodeCarbon)\)$", r", \1", rest))
    placed = _CLOUD_PLACE_GRID.fullmatch(source)
    if placed:  # a provider's region by where it is (researcher review 2026-11-27: the source text printed whole)
        year = f"{placed['year']} " if placed["year"] else ""
        return (f"the {year}average for {with_article(placed['grid'])}, where {placed['cloud']} is "
                f"({placed['provider']} publishes no figure per region); {placed['origin']}, as shipped with CodeCarbon "
                f"{placed['version']}")
    m = _CODECARBON_GRID.fullmatch(source)
    if not m:
        return source
    # the data's year where the source text or the file's folder names it ("2023/canada_energy_mix.json"), else said
    # to be unstated (researcher review 2026-11-28: a paper could not give the year of a cloud region's figure)
    year = m["year"] or (folder[1] if (folder := re.match(r"(\d{4})/", m["file"])) else None)
    if m["file"].startswith("cloud/"):
        what = f"the cloud region {m['label']}"
        return f"{what}; {m['origin']}, no year stated, as shipped with CodeCarbon {m['version']}"
    label = with_article(m["label"])
    what = f"the {year} average for {label}" if year else f"the average for {label}"
    return f"{what}; {m['origin']}, as shipped with CodeCarbon {m['version']}"


POWER_FIT_WORDS = "; the power's from a fit to measured power draws"


def _power_fit_held(est: Estimate, a: Mapping) -> str:
    """" (12 runs on the A100, none on this device: its coverage here is not measured)": what the power fit was fitted
    on and what its range's coverage is known of, as the statement says it wherever the power's range comes from the
    fit (paper-statement review 2026-12-03: the step path had said only "from a fit to measured power draws")."""
    fit = system_power_fit(a["power_w"])
    if fit is None:
        return ""
    on = fit["on"]
    return (f" ({fit['runs']} runs{' on the ' + latex_escape(on) if on else ''}"
            + (", none on this device: its coverage here is not measured)" if on and not _measured_on(est, on) else
               "; the tool's validate command reports the fit's leave-one-out coverage)"))


def power_has_range(est: Estimate) -> bool:
    """Whether the power per device carries a range of its own: the energy's range wider than the device-hours'
    (a power given, or one measured figure, adds none; a range its sources state is one too, ``power_fitted``)."""
    (e_lo, e_hi), (d_lo, d_hi) = est.range["energy_kwh"], est.range["device_hours"]
    if None in (e_lo, e_hi, d_lo, d_hi) or min(e_lo, d_lo) <= 0:
        return False
    return not math.isclose(e_hi / e_lo, d_hi / d_lo, rel_tol=1e-9)


def power_fitted(est: Estimate) -> bool:
    """Whether the power's range is the power fit's prediction interval: it has one, and the energy's range is a
    prediction's, not one its sources state (code review 2026-11-28: a TPU v4's stated power range had been called
    "a fit to measured power draws")."""
    return power_has_range(est) and est.basis("energy_kwh") == PREDICTION


def whole_run_sentence(est: Estimate, epoch_cite: str = "") -> str:
    """Where the step model timed the run, the same FLOPs at the whole-run utilisation the tool fits to published
    runs, with its range (researcher review 2026-11-28: two 80% ranges for one run, 4.35 days (3.56–5.28) from the
    step model and 12.2 days (6.60–22.6) from the FLOPs alone, and the paper had only the first); nothing without
    it."""
    w = est.step.whole_run_fit if est.step is not None else None
    if w is None:
        return ""
    runs = f", {hz.whole(w.n_runs)} published runs" if w.n_runs and w.fitted else ""
    cite = epoch_cite if runs else ""
    low, high = hz.duration_range(w.low_s, w.high_s, w.wall_clock_s)
    # what that utilisation counts (code review 2026-11-28: with full recomputation "the same FLOPs" read as the 8·N·D
    # just named, where the fit times 6·N·D)
    flops = ("the same model FLOPs ($6ND$ = " + latex_escape(hz.sci(est.time_flops)) + ", without the recomputation)"
             if est.time_flops is not None else "the same FLOPs")
    # a device without published runs takes a rule or another device's fit, not one fitted to it (code review)
    which = ("the utilisation the tool fitted to published whole runs, whatever their hours hold beyond the steps"
             if w.fitted else "the whole-run utilisation the tool takes for a device without published runs")
    peak = latex_escape(w.peak_words)
    # the attention those FLOPs leave out, as the table says it (paper-statement review 2026-12-03: Mixtral at 32k tokens
    # gave 37.5 days beside the step's 24.5, not the 62.1 the same utilisation takes on the step's FLOPs)
    attention = latex_escape(whole_run_attention_words(w)).replace("$\\times$ them", "~$\\times$ them")
    return (f" At {which} ({latex_escape(gfmt(w.utilization, 2))} of {peak}: {latex_escape(w.fit)}{runs}{cite}), "
            f"{flops} would take {latex_escape(hz.duration(w.wall_clock_s))} ({_pct(est.level)} range "
            f"{latex_escape(low)}--{latex_escape(high)}){whole_run_footprint(w, est.level)}{attention}.")


def beyond_devices_sentence(est: Estimate) -> str:
    """Where the step model timed a run on more devices than any published layout (``LARGEST_PUBLISHED_DEVICES``), the
    sentence that says it is extrapolated, as the estimate's note does (final review 2026-11-30: the note was not in
    the statement, where the FLOPs path's own says its devices exceed its fitted runs'); "" else."""
    if not est.stepped or est.step is None or est.devices <= LARGEST_PUBLISHED_DEVICES:
        return ""
    return (f" Its {latex_escape(hz.whole(est.devices))} devices are more than any published layout the step model was "
            f"fitted or checked on (at most {latex_escape(hz.whole(LARGEST_PUBLISHED_DEVICES))}): its communication and "
            "the goodput at that scale are extrapolated.")


def whole_run_footprint(w, level: float) -> str:
    """", using 107 MWh (80\\% range 56.1 MWh--206 MWh) and emitting 51.0 t CO$_2$e (…) at the same power" for the
    whole-run time (``WholeRunFit.energy_kwh``, ``co2e_kg``); "" without them (researcher review 2026-11-29: the
    statement gave CO₂e for the step model's time only)."""
    if w.energy_kwh is None or w.co2e_kg is None:
        return ""

    def ranged(x, rng, fmt):
        if not rng:
            return latex_escape(fmt(x))
        low, high = hz.range_ends(fmt, *rng, x)
        what = "stated range" if w.energy_basis == STATED else f"{_pct(level)} range"
        return f"{latex_escape(fmt(x))} ({what} {latex_escape(low)}--{latex_escape(high)})"

    co2 = ranged(w.co2e_kg, w.co2e_range_kg, hz.co2e).replace("CO₂e", "CO$_2$e")
    return f", using {ranged(w.energy_kwh, w.energy_range_kwh, hz.energy)} and emitting {co2} at the same power"


def exposed_share(est: Estimate) -> float | None:
    """The share of the step a mixture of experts' all-to-alls take, not overlapped with compute, where it is at least
    ``EXPERT_NOTE_SHARE`` (the estimate says so); None else."""
    if not est.stepped or est.step is None:
        return None
    share = est.step.exposed_expert_share
    return share if share >= EXPERT_NOTE_SHARE else None


def unfit_sentence(est: Estimate) -> str:
    """Right after the time, where the run as set does not fit the devices' memory (researcher review 2026-11-27: a
    layout of 5,118 GB a device read "would take 7.48 hours", its misfit said last, if at all); "" else."""
    m = est.memory
    if m is None or m.fits:
        return ""
    figures = (f"{latex_escape(memory_gb(m.per_device.total_gb))}~GB a device against "
               f"{latex_escape(capacity_gb_text(m.capacity_gb)).replace(' GB', '~GB').replace(' GiB', '~GiB')}")
    if no_layout_fits(est):
        # no layout was set: the planner found none that fits (researcher review 2026-11-28: "As set" where the user set
        # nothing, and the fewest devices the table's note gives left out)
        need, how = ((m.min_devices, m.strategy) if m.min_devices is not None else (m.best_devices, m.best_strategy))
        fewest = (f"; the fewest devices that hold it are {latex_escape(hz.whole(need))} with "
                  f"{latex_escape(how.describe())}" if need is not None else "")
        return (f" No layout the tool plans fits the devices' memory (with {latex_escape(m.strategy.describe())}: "
                f"{figures}{fewest}): this is the time of a run that cannot be made on them.")
    if m.of_defaults:  # settings nobody chose: not "as set" (diff review 2026-11-29); memory_sentence says whose
        return ""
    return (f" As set, the run does not fit the devices' memory ({figures}): this is the time of a run that cannot be "
            "made as set.")


def hidden_share(est: Estimate) -> float | None:
    """The share of a mixture of experts' all-to-all the run's layout hides (``--expert-overlap``), where one is given
    and the layout has an all-to-all; None else."""
    if not est.stepped or est.step is None or est.step.layout.ep <= 1:
        return None
    return est.step.layout.expert_overlap_applied or None


# "×" as the statement writes it in LaTeX, a tie before it (latex_escape writes it without)
TIMES_TEX = "~$\\times$"


def fitted_layout_sentence(est: Estimate) -> str:
    """A sentence, LaTeX, where the run's layout is one of the published layouts the step model was fitted on
    (``StepRun.in_sample``, ``services.training.fitted_layouts``): its agreement with that source is no test, and how far the
    step model was with the source held out; "" else (researcher review: DeepSeek-V3's published layout read as a
    check)."""
    inside = est.step.in_sample if est.stepped and est.step is not None else None
    if inside is None:
        return ""
    words = inside.ratio_words()
    which = "that source" if len(inside.rows) == 1 else "those sources"
    times = latex_escape(words).replace("$\\times$", TIMES_TEX)
    held = f"; with {which} held out of the fit, its throughput came out {times}" if words else ""
    return (" The run's layout is one of the published configurations the step model was fitted on, so its agreement "
            f"with {which} is no test of the model{held}.")


def _floor_share(est: Estimate) -> str:
    """The share of the step the expert all-to-alls take past the compute beside them (``expert_comm_floor_s``)."""
    parts = est.step.step.parts
    return f"{parts.expert_comm_floor_s / parts.total_s:.0%}"


def step_caveats(est: Estimate, cite: str = "") -> str:
    """A sentence, LaTeX, where the step model's time leaves out a saving a tuned run may have: a mixture of experts'
    all-to-alls not overlapped with compute (researcher review 2026-11-27: DeepSeek-V3's statement gave 88.8 days
    without the estimate's note that overlapping them, as DualPipe does, would run the step up to 2.36 times as fast);
    "" else. ``cite``: DeepSeek-V3's report's citation."""
    fitted = fitted_layout_sentence(est)
    lay = est.step.layout if est.stepped and est.step is not None else None
    if lay is not None and lay.ep > 1 and lay.expert_overlap_share and lay.expert_overlap_blocked:
        # a share given that no schedule applies to this layout: said, not a speed-up it cannot have (researcher
        # review 2026-11-29: the statement had promised 1.21× where the table said the share does not apply)
        return fitted + (f" The {latex_escape(f'{lay.expert_overlap_share:.0%}')} of the model's expert all-to-alls "
                         "given as hidden under compute does not apply to this layout ("
                         f"{latex_escape(lay.expert_overlap_blocked)}): the step model counts them exposed.")
    hidden = hidden_share(est)
    if hidden:  # the share hidden is the user's assumption: said as one, with what it is worth (researcher review
        # 2026-11-27: DeepSeek-V3's 2.40 million device-hours with all of it hidden read as the model's finding)
        return fitted + (f" The share of the model's expert all-to-alls hidden under compute, {latex_escape(f'{hidden:.0%}')}, is "
                         f"given, as DeepSeek-V3's DualPipe schedule hides them{cite}; the step model counts them exposed "
                         "otherwise" + (f", and where they outlast the compute beside them, as here "
                                        f"({latex_escape(_floor_share(est))} of each step)"
                                        if est.step.step.parts.expert_comm_floor_s > 0.0 else "") + ".")
    share = exposed_share(est)
    if share is None:
        return fitted
    said = (f" The model's expert all-to-alls are counted as not overlapped with compute, {latex_escape(f'{share:.0%}')} "
            "of each step")
    if lay is not None and lay.expert_overlap_blocked:  # no schedule hides them on this layout: no gain promised
        return fitted + said + f" (no schedule hides them on this layout: {latex_escape(lay.expert_overlap_blocked)})."
    return fitted + said + (f": a schedule that overlaps them, as DeepSeek-V3's DualPipe does{cite}, would run the step "
                            f"up to {latex_escape(f'{est.step.expert_hiding_gain:.2f}')}~$\\times$ as fast.")


def given_figure(a) -> bool:
    """Whether the user gave the figure itself (not a place or setting the tool's figure follows from)."""
    return a.origin == "user" and a.source == "given"


def verb(measured: bool, given: bool, past: str, base: str) -> str:
    """A figure's verb: what a measured run did at settings the user gave ("cost"), what it would have done at the
    tool's assumed settings ("would have cost": a 2026 price or a default water factor is no fact of a past run; code
    review 2026-11-27), and what an estimated run would do ("would cost")."""
    if not measured:
        return f"would {base}"
    return past if given else f"would have {past}"


def no_price_reason(price) -> str | None:
    """Why a profile has no price, as its source says ("no public on-demand price found (China-market SKU)"); None
    where it has one, or is not for sale."""
    if price is None or price.value is not None:
        return None
    m = re.match(r"no price in the profile \((.*)\): ", price.source)
    why = m[1] if m else "none published"
    return None if why == "not for sale" else why


def pue_assumed(pue) -> bool:
    """Whether a PUE is the tool's setting (a profile's or the default) rather than the user's or a run's own."""
    return pue.origin == "default" or pue.origin.startswith("profile:")


# Countries whose English name takes "the" ("the 2023 average for the United States"; researcher review 2026-11-27)
THE_COUNTRIES = ("United States", "United Kingdom", "Netherlands", "Philippines", "United Arab Emirates",
                 "Czech Republic", "Czechia", "Dominican Republic", "Bahamas", "Gambia", "Maldives", "Seychelles",
                 "Democratic Republic of Congo", "Central African Republic", "Solomon Islands", "Marshall Islands",
                 "Comoros", "Cayman Islands", "Faroe Islands", "Falkland Islands", "Cook Islands",
                 "British Virgin Islands", "United States Virgin Islands", "Turks and Caicos Islands",
                 "Northern Mariana Islands")


def with_article(label: str) -> str:
    """A grid's place as a sentence names it: "the United States (USA)", "Germany (DEU)", "the Netherlands"."""
    return f"the {label}" if label.startswith(THE_COUNTRIES) else label


KAPLAN_MARK = "\0"  # a stand-in for Kaplan et al.'s citation: whether ``workload_words`` cites it


def workload_words(est: Estimate, a, params: float | None, tokens: float | None, cite: str,
                   name: str | None = None) -> tuple[str, str]:
    """(what is trained, how its FLOPs were counted), LaTeX: for 6·N·D, "a model of 7 billion parameters on 2
    trillion tokens" and " ($C = 6ND$ = 8.4 × 10²² FLOPs~\\cite{kaplan…})"; for an architecture's or a generic
    network's count, the FLOPs and the rule; for FLOPs given, the FLOPs "as given". ``cite``: Kaplan et al.'s;
    ``name``: a catalog model's ("Llama 3.1 8B, a model of 8.03 billion parameters on 1 trillion tokens")."""
    flops = a.get("flops")
    if not est.flops or flops is None:
        return "", ""
    n = latex_escape(hz.sci(est.flops))
    source = flops.source
    if flops.origin == "derived" and est.flops_per_param_token and params and tokens:
        model = f"a model of {latex_escape(amount(params))} parameters on {latex_escape(amount(tokens))} tokens"
        active = ""
        if est.active_params is not None:  # a mixture of experts: N is the parameters each token computes with
            model = (f"a mixture-of-experts model of {latex_escape(amount(params))} parameters, "
                     f"{latex_escape(amount(est.active_params))} active per token, on {latex_escape(amount(tokens))} tokens")
            active = ", $N$ the active parameters"
        if name:
            model = f"{latex_escape(name)}, {model}"
        if est.time_flops is not None:  # full recomputation: 8·N·D executed, the utilisation counts 6·N·D
            return model, (f" ($8ND$ = {n} FLOPs executed with full activation recomputation{active}; "
                           f"$C = 6ND$ = {latex_escape(hz.sci(est.time_flops))} model FLOPs{cite})")
        if est.flops_per_param_token == FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE:
            # full recomputation with a utilisation given, which counts the FLOPs executed (researcher review
            # 2026-11-28: "$C = 6ND$ = 5.6 × 10²²" for 8·N·D)
            return model, f" ($8ND$ = {n} FLOPs executed with full activation recomputation{active}{cite})"
        return model, f" ($C = 6ND$ = {n} FLOPs{active}{cite})"
    if source.startswith("architecture:"):
        return "", f" ({n} FLOPs, counted from the model's architecture as Kaplan et al.{cite} count a transformer's)"
    if source.startswith("generic network:"):
        return "", f" ({n} FLOPs, counted as three times the forward pass's FLOPs per example, times the examples and epochs)"
    if flops.origin == "user":
        return "", f" ({n} FLOPs, as given)"
    return "", f" ({n} FLOPs)"


# api.run's note where a run took the illustrative training tokens (services.training.step_setup.illustrative_tokens_note)
ILLUSTRATIVE_TOKENS_START, ILLUSTRATIVE_TOKENS_MARK = "tokens: ", ", illustrative ("
# api.run's note on a preset whose run the utilisation fit holds (estimator/services/api.py)
IN_SAMPLE_START = "in sample: this run ("
# the estimate's note on a utilisation given outside the fit's interval (core/training)
OUTSIDE_FIT_START, OUTSIDE_FIT = "the utilisation ", " is outside the fitted "
VALIDATE_CMD = " (`python -m estimator validate`)"  # the command the note names, left out of a paper's text
BASED_ON = "Based on "  # how api.Result.title names a scenario changed from its preset's run


def _assumed(a) -> str:
    return "the given" if a.origin == "user" else "the assumed"  # a figure the user gave, or a profile's or preset's


def input_label(name: str) -> str:
    """A scenario input as people call it ("grid carbon intensity (g/kWh)", "hardware")."""
    return SCENARIO_BOUNDS[name][0] if name in SCENARIO_BOUNDS else name.replace("_", " ")


# The system groups' measurements (gpu-system, tpu-system in estimator/data/measured_power.csv) are all Patterson et
# al. 2021's (P21; a test holds the file to it); POWER_FIT (statement_parts) reads the fit's words.
MEASURED_DRAWS_KEY = "P21"
NODE_DRAW_KEY = "NK25"   # Newkirk et al. 2025: a whole H100 node's training draw (core.hardware.power_ratio)
# the system groups' words in the fit's source (core/hardware/schema.py's groups): a board-only fit (gpu-chip: Dodge et
# al. 2022's runs) is not whole systems' draws, nor Patterson's (second code review 2026-11-27)
SYSTEM_FIT_WORDS = ("share of the whole server", "share of its system")


def system_power_fit(power):
    """The fit's ratio and runs where a profile's power is the fit to whole systems' measured draws; None else."""
    if not power.origin.startswith("profile:") or not any(w in power.source for w in SYSTEM_FIT_WORDS):
        return None
    return POWER_FIT.match(power.source)


def _measured_on(est: Estimate, devices: str) -> bool:
    """Whether the fit's measured devices ("P100 SXM2 and V100 SXM2") hold this one: its name's model word
    ("P100" of "NVIDIA Tesla P100 SXM2") among theirs."""
    models = {d.split()[0] for d in re.split(r",\s*|\s+and\s+", devices.strip()) if d.split()}
    return any(w in models for w in est.hardware_name.split())  # "P100", not the form factor "SXM2" both share


def _power(est: Estimate, power, *, same: bool, cite: str, measured_cite: str = "", said_as: str | None = None,
           node_cite: str = "") -> str:
    """"an average of 750~W per device", and where it comes from when it is not the profile's figure: the
    preset's paper, the user ("given"), or the profile's calibration and its meter (CodeCarbon, NVML)."""
    watts = hz.power(power.value).split(" ")  # "734 W", "1.00 MW": the number, then its unit
    # above the TDP where it includes the host (journeys R7: 750 W per 700 W H100): said
    # a whole system as one device (AlphaGo's 1 MW) has no server whose host it shares (review)
    host = ("" if not est.power_includes_host else " (the whole system's draw)" if est.hardware_kind == "system"
            else " (its share of the server's host included)")
    if est.power_includes_host is False and est.hardware_kind != "brain" and not measured_power(est):
        # researcher audit: the table noted "power excludes the host's share", the paragraph did not (a calibration's
        # meter says it in its own clause; a brain has no host)
        host = f" ({alone_words(est.hardware_kind)}: the real draw is higher)"
    text = f"an average of {latex_escape(watts[0])}~{watts[1]} per device{host}"
    if said_as is not None:  # a preset's figure that is no average draw: said as what its source states
        return f"{latex_escape(watts[0])}~{watts[1]} per device ({latex_escape(said_as)})" + cite
    if power.origin == "user":
        # what the figure is taken to be, as --power-w defines it, for a device in a host server (paper-statement review
        # 2026-12-03: "667~W per device (given)" left a reader to guess whether the host was in it)
        return text + (" (given, taken to include its share of the server's host)"
                       if est.hardware_kind in HOSTED_KINDS else " (given)")
    if not measured_power(est):
        fit = system_power_fit(power)
        if fit:  # the profile's fit, said with its measurements (researcher review 2026-11-27: no source for 695 W)
            on = f" ({latex_escape(fit['on'])} servers)" if fit["on"] else ""
            text += (f", {latex_escape(fit['ratio'])}~$\\times$ its TDP as the tool's fit to {fit['runs']} whole systems' "
                     f"measured draws{on} gives it{measured_cite}")
            if (chip := est.chip_draw) is not None:
                # the table's note in the paper too (researcher review 2026-11-29: the LaTeX left it out)
                # a whole H100 node's measured draw beside the H100's, cited (diff review 2026-11-30: written inline)
                # the energy at that draw, as the table's note gives it (researcher review 2026-12-01)
                # and where it stands against the range the paragraph gives (paper-statement review 2026-12-03: 70.0 MWh
                # beside a range of 37.1–66.4, unsaid; the table's note says it)
                beyond = f", above the top of its {_pct(est.level)} range" if chip.above_range else ""
                at_draw = ("" if chip.energy_kwh is None else
                           f", {latex_escape(hz.energy(chip.energy_kwh))} at that draw{beyond}")
                node = ("" if chip.node_w is None else
                        f", as a whole 8-GPU H100 node ran compute-intensive training at up to about "
                        f"{chip.node_w:,.0f}~W a GPU with its host{node_cite}")
                if chip.tdp_share is None:
                    text += (f" (this project measured {chip.measured_w:,.0f}~W at the chip alone on "
                             f"{latex_escape(chip.device)} in training steps, NVML, where the fit leaves the chip "
                             f"{chip.chip_w:,.0f}~W: with its host's share {chip.implied_w:,.0f}~W a device{node}: the "
                             f"energy may be too low{at_draw})")
                else:  # never measured on this device: the measured chips' share of their TDP (the table's note)
                    text += (f" (no training step was measured on it, but busy chips on the "
                             f"{latex_escape(chip.device)} drew a median {latex_escape(f'{chip.tdp_share:.0%}')} of their TDP in this "
                             f"project's training steps, NVML, {chip.measured_w:,.0f}~W here, where the fit leaves the "
                             f"chip {chip.chip_w:,.0f}~W: with its host's share {chip.implied_w:,.0f}~W a device: the "
                             f"energy may be too low{at_draw})")
        return text + cite
    meter = latex_escape(meter_words(est.calibration))
    if same:  # the utilisation's clause has named the calibration
        return text + f", the mean power measured in {same_measurement(est.calibration)} ({meter})"
    return text + f", measured {measured_where(est.calibration, meter)}"


# The inputs that change a known run's time: a scenario that differs from the run in one of them has
# another time (it "would take"); one that differs in others (the grid, the PUE, a price, the power) ran
# as long as the run (it "took" its time) and says what differs.
TIME_INPUTS = frozenset({"hardware", "devices", "flops", "params", "tokens", "recompute", "hours", "device_hours",
                         "utilization", "precision"})


def statement(est: Estimate, sources: Mapping[str, Mapping[str, str]], *, version: str, title: str | None = None,
              extra_keys: tuple[str, ...] = (), time_label: str | None = None,
              changed: tuple[str, ...] = (), footprint_changed: tuple[str, ...] = (),
              memory_given: bool = False, params: float | None = None, tokens: float | None = None,
              tool_url: str | None = None, model_name: str | None = None, coverage: str | None = None,
              said_as: Mapping[str, str] | None = None) -> Statement:
    """The .tex paragraph and its .bib for ``est``.

    ``sources``: key → {cite, bibtex} (estimator/data/sources.toml); ``extra_keys``: more source
    keys to cite (a preset's); ``changed``: the inputs in which the scenario differs from that
    preset's run (then it is "based on" the run, not "follows" it, and a variant of it; a known
    run's time is what the scenario "would take", not what it "took", once one of ``TIME_INPUTS``
    differs). The hardware's entry is built from the profile's peak source (a calibrated profile's
    from its [calibration] table); the PUE's and the price's from where they come from (``figure_citation``).
    ``title``: the preset's (``api.Result.title``: "Based on …" once changed), named as what is trained.
    ``time_label``: what the time is when it is not training (a preset's, "One game").
    ``footprint_changed``: the inputs that set only the embodied carbon and the water (cooling, the
    devices' lifetime, …) in which the scenario differs from the preset's run: the run is still the
    published one, but its footprint is the scenario's (``api.Result.footprint_changed``).
    ``memory_given``: whether the user set the run's split (``provenance.memory_given``); the memory is stated only
    then, where the step model timed the run on a layout (given or the planner's), or for a preset whose split is
    recorded (journeys R4: a run's statement had said it "does not fit" under a ZeRO stage, a parallelism and a model
    shape the user never chose).
    ``params``, ``tokens``: the model's size and its training tokens when the FLOPs are 6·N·D of them (the paragraph
    names both and cites Kaplan et al. 2020 for the rule); ``model_name``: the catalog model they are (named first);
    ``coverage``: how often the fitted time's range held runs it did not see (``services.accuracy.coverage.coverage_words``).
    ``tool_url``: where the tool is published (``provenance.public_url``), the tool's entry's address; none when None.
    ``said_as``: a preset's words for its power, PUE or grid intensity (``Preset.said``) where the sentence's own would
    misstate them, used while the preset's figure is the one in use."""
    hardware_bibtex = hardware_entry(est, sources)
    a = {x.name: x for x in est.assumptions}
    # a preset's words for its figure, while the preset's figure is in use
    qualified = {n: w for n, w in (said_as or {}).items() if n in a and a[n].origin.startswith("preset:")}
    time_given = "hours" in a or "device_hours" in a
    # the known run's own time: a change to what sets it (``TIME_INPUTS``) is a scenario's, not a measurement
    measured = time_given and not TIME_INPUTS.intersection(changed)
    fitted = est.utilization is not None and est.utilization.origin.startswith("fit:")
    grid = grid_keys(a["carbon_intensity_g_per_kwh"].source, sources)
    stepped = est.stepped  # the step model timed the run (a layout or a shape was given)
    whole_run = stepped and est.step.whole_run_fit is not None and est.step.whole_run_fit.fitted
    keys = ([TOOL_KEY] + ([EPOCH_KEY] if fitted or whole_run else [])
            + ([STEP_KEY, GOODPUT_KEY, GOODPUT_RANGE_KEY, *WHOLE_RUN_KEYS] if stepped else []) + grid
            + [k for k in extra_keys if k in sources]
            + ([DUALPIPE_KEY] if exposed_share(est) is not None or hidden_share(est) else []))
    # a catalog model's publication of its pretraining sequence and batch, cited where it is among the sources
    publications = {w: cited_keys(w, sources) for w in model_publications(est)} if stepped else {}
    keys += [k for ks in publications.values() for k in ks]
    if KAPLAN_MARK in "".join(workload_words(est, a, params, tokens, KAPLAN_MARK)):  # 6·N·D, or an architecture's count
        keys.append(SCALING_KEY)
    figures = {n: figure_citation(est, a[n], sources, extra_keys) for n in FIGURES if n in a and (n == "pue" or est.cost_usd is not None)}
    keys += [k for name_keys, _ in figures.values() for k in name_keys]
    emb = a.get("embodied_kg_co2e_per_device") if est.embodied_co2e_kg is not None else None
    basis = emb.source.split(",", 1)[0] if emb else ""
    # a preset: its own shape, stated where its run's split is recorded (researcher review 2026-11-27: a sentence on a
    # split the run never used, saying it says nothing of the run, is no sentence for a paper)
    # the split stated where someone chose it: given, the planner's that the step model timed, or a preset's recorded
    # never of settings nobody chose (of_defaults: a published run's unrecorded split, or a preset's run moved to other
    # devices with no layout given; paper-statement review 2026-12-03: `--preset llama-65b --devices 1024` had said
    # "would not fit with no ZeRO sharding" of the defaults, where the preset alone says nothing)
    memory = est.memory is not None and (memory_given or stepped or ((bool(title) or bool(extra_keys))
                                                                      and not est.memory.of_defaults))
    if memory:
        keys += [ZERO_KEY, ACT_MEM_KEY] + (([MEM_EFFICIENT_KEY] if before_flash_attention(est) else [FLASH_KEY])
                                           if est.memory.strategy.attention == "flash" else [])
    # a preset's utilisation or power cites the paper its source names (else the preset's)
    own = {n: (named_keys(a[n].source, sources) or [k for k in extra_keys if k in sources])
           for n in ("utilization", "power_w") if n in a and a[n].origin.startswith("preset:")}
    keys += [k for name_keys in own.values() for k in name_keys]
    pw = a.get("power_w")
    # a profile's own figure, neither the power fit's nor measured: the tool's sources its text names (TPU v4's PaLM
    # draw), else said as the profile's, or as its assumption (lecturer review 2026-12-02: TPU v5p's 465 W, scaled
    # from TPU v4's by peak, had read as a fact with no source)
    profile_power = (pw is not None and pw.origin.startswith("profile:") and not system_power_fit(pw)
                     and not measured_power(est))
    if profile_power:
        own["power_w"] = list(dict.fromkeys(cited_keys(pw.source, sources)
                                            + named_keys(pw.source, sources, device_words(est))))
        keys += own["power_w"]
    if pw is not None and system_power_fit(pw) and not measured_power(est):
        keys.append(MEASURED_DRAWS_KEY)  # the measured draws the profile's power is fitted to
        if est.chip_draw is not None and est.chip_draw.node_w is not None:
            keys.append(NODE_DRAW_KEY)  # a whole node's measured draw, said beside the chip's
    # a vendor's footprint or a life-cycle assessment: cited as its profile's source text names it
    stated = bool(emb) and basis not in ("die-area-model", "fallback")
    emb_keys = cited_keys(emb.source, sources) if stated else []
    if emb:
        keys += [LLMC_KEY] + ([ACT_KEY] if basis == "die-area-model" else []) + (
            [PCF_KEY] if basis in ("die-area-model", "fallback") else []) + emb_keys
    if est.water_l is not None:
        keys.append(WATER_KEY)
    entries = {}
    for k in dict.fromkeys(keys):
        if k in sources:
            entries[k] = normalize_bibtex(with_address(sources[k]["bibtex"].replace("{version}", version),
                                                       tool_url if k == TOOL_KEY else None))
    if hardware_bibtex:
        entries["HW"] = normalize_bibtex(hardware_bibtex)
    for name, (_, entry) in figures.items():
        if entry:
            entries[FIGURES[name][0]] = normalize_bibtex(entry)
    # (a known run's statement, no peak used, has the power's text as its hardware entry already: that one is cited)
    if (profile_power and not own["power_w"] and "peak_flops_per_s" in a
            and referenced(pw.source, sources, device_words(est))):
        # its profile's source text as an entry of its own where it gives an address, as a PUE's or a price's is
        # (``figure_citation``); a text with none is said in words alone (issue 55: every entry has an address)
        entries[POWER_FIGURE_KEY] = normalize_bibtex(embodied_entry(
            est, unkeyed(pw.source, sources, device_words(est)), "power", "average power per device"))
    if stated and not emb_keys:
        # a figure every statement cites: its profile's source text when no sources.toml entry names it
        entries["EMB"] = normalize_bibtex(embodied_entry(est, emb.source))
        emb_keys = ["EMB"]
    bibkeys = {k: bib_key(v) for k, v in entries.items()}
    cite = {k: _cite(bibkeys, [k]) for k in bibkeys}
    said = {name: figure_words(est, a[name], _cite(bibkeys, [*keys_, FIGURES[name][0]]), sources)
            for name, (keys_, _) in figures.items()}
    run_name = latex_escape((title or "").removeprefix(BASED_ON))
    model, counted_how = workload_words(est, a, params, tokens, cite.get(SCALING_KEY, ""), name=model_name)
    what = ((r"a variant of \emph{" if changed else r"\emph{") + run_name + "}" if run_name else model or "the model")
    hardware = f"{latex_escape(est.hardware_name)}{cite.get('HW', '')}"
    if a["hardware"].origin == "default":  # never given: said as the tool's assumption (researcher review 2026-11-28)
        hardware += " (not given: the tool's default device, assumed)"
    devices = f"{latex_escape(hz.whole(est.devices))}~$\\times$~{hardware}"
    flops = counted_how
    energy = (f"{latex_escape(hz.energy(est.energy_kwh))}{_range(hz.energy, est, 'energy_kwh')} of electricity "
              # a profile's or the default PUE is an assumption, not a finding (researcher review 2026-11-27)
              f"at {'an assumed' if pue_assumed(a['pue']) else 'a'} PUE of {latex_escape(hz.sig(a['pue'].value))}"
              f"{(' (' + latex_escape(qualified['pue']) + ')') if 'pue' in qualified else ''}{said['pue'] or ' (given)'}")
    ci = a["carbon_intensity_g_per_kwh"]
    # named: the world average, a country and its year, a cloud region (CodeCarbon's data), with its citation
    where = (f" ({latex_escape(grid_basis(ci.source))}{_cite(bibkeys, grid)})" if GRID_KEY in grid
             else "".join(cite.get(k, "") for k in grid) if grid else " (given)")
    if "carbon_intensity_g_per_kwh" in qualified:
        where = f" ({latex_escape(qualified['carbon_intensity_g_per_kwh'])}){where}"
    # CodeCarbon's figures are the grid's annual average where the power is drawn: a location-based figure, said so,
    # as a reviewer asks (researcher review 2026-11-27); a figure given may be market-based: not said
    # the world average (no location given) is no location's: not labelled so (code review 2026-11-27)
    kind = ("a location-based, annual-average" if GRID_KEY in grid and ci.source != DEFAULT_CARBON_INTENSITY_SOURCE
            else "a")
    co2 = (f"{latex_escape(hz.co2e(est.co2e_kg))}{_range(hz.co2e, est, 'co2e_kg')} at {kind} grid carbon intensity of "
           f"{latex_escape(hz.sig(ci.value))}~g\\,CO$_2$e/kWh{where}")
    power_cite = _cite(bibkeys, own.get("power_w", ()))
    if profile_power and not own["power_w"]:
        power_cite = (PROFILE_POWER_ASSUMED if NOT_PUBLISHED.search(pw.source) else
                      ", the device profile's figure") + (cite.get(POWER_FIGURE_KEY, "") if "peak_flops_per_s" in a
                                                          else cite.get("HW", ""))
    power = _power(est, a["power_w"], same=not time_given and measured_throughput(est) is not None,
                   cite=power_cite, measured_cite=cite.get(MEASURED_DRAWS_KEY, ""),
                   said_as=qualified.get("power_w"), node_cite=cite.get(NODE_DRAW_KEY, ""))
    doing = (f"training {what}" if not time_label or time_label.lower() == "training time"
             else latex_escape(time_label[:1].lower() + time_label[1:]))
    on, took, dev_h = known_time(est, devices, hardware)  # no wall clock nor count the user did not give
    share = est.implied_peak_share
    # a time that implies more of the peak than any published layout reached, said where it is stated (researcher
    # review 2026-11-29: 96.8% of the bf16 peak went into "took 75.0 days" without a word)
    implied = ("" if share is None else
               f" The time and FLOPs given imply {latex_escape(f'{share:.1%}')} of the {latex_escape(est.precision)} peak in "
               "model FLOPs, "
               f"above the highest model-FLOPs utilisation of any published layout "
               f"({latex_escape(f'{HIGHEST_PUBLISHED_MFU:.1%}')}): check them.")
    if not measured and not time_given and est.time_flops is not None and "executed" not in flops:
        # with full recomputation: the FLOPs executed, and the model FLOPs the utilisation counts
        flops = f" ({latex_escape(hz.sci(est.flops))} FLOPs executed, with full activation recomputation)"
    illustrative = next((n[len(ILLUSTRATIVE_TOKENS_START):n.index(ILLUSTRATIVE_TOKENS_MARK)] for n in est.notes
                         if n.startswith(ILLUSTRATIVE_TOKENS_START) and ILLUSTRATIVE_TOKENS_MARK in n), None)
    if illustrative is not None and flops.endswith(")"):
        # tokens none gave, the tool's illustrative count: said where the FLOPs are (diff review 2026-11-30; with
        # full recomputation too: second diff review)
        flops = f"{flops[:-1]}; for an illustrative {latex_escape(illustrative)} training tokens, none given)"
    if measured:
        text = (f"{doing[:1].upper() + doing[1:]}{flops} took {took} on {on}{', ' + dev_h if dev_h else ''}.{implied} "
                f"At {power}, this corresponds to {energy}, and to {co2}.")
    elif time_given:  # a known run's time, in a scenario that differs from the run: what it would take
        text = (f"Taking the time from the known run, {doing}{flops} on {on} would take {took}"
                f"{', or ' + dev_h if dev_h else ''}.{implied} At {power}, this would use {energy}, and emit {co2}.")
    else:
        util = utilisation_clause(est, a, fitted=fitted, epoch_cite=cite.get(EPOCH_KEY, ""),
                                  own_cite=_cite(bibkeys, own.get("utilization", ())),
                                  step_cites=(cite.get(STEP_KEY, ""), cite.get(GOODPUT_KEY, "")),
                                  publication_cites={w: _cite(bibkeys, ks, _where_in(w)) for w, ks in publications.items()})
        text = (f"We estimate that {doing}{flops} on {devices} would take "
                f"{latex_escape(hz.duration(est.wall_clock_s))}{_range(hz.duration, est, 'wall_clock_s')}, "
                f"or {latex_escape(hz.device_hours(est.device_hours))}, assuming {util}."
                f"{unfit_sentence(est) if memory or no_layout_fits(est) else ''}{fit_caveats(est)}{step_caveats(est, cite.get(DUALPIPE_KEY, ''))} At "
                f"{power}, this "
                f"would use {energy}, and emit {co2}.")
    shown = {est.basis(k) for k in SHOWN_RANGES if k in est.range and est.range[k][0] != est.range[k][1]}
    if PREDICTION in shown:
        power_ranged, power_fit = power_has_range(est), power_fitted(est)
        # the device-hours given are said as such (paper-statement review 2026-12-03: "the time given" of a run given
        # by its device-hours, whose statement states no time)
        exact = ", ".join(([("the time given" if "hours" in a else "the device-hours given")] if time_given else [])
                          + ([] if power_ranged else ["the power given" if a["power_w"].origin == "user" else "the power"])
                          + ["the PUE"] + (["the price"] if est.cost_usd is not None else []))
        if stepped:  # the time's range is the step model's and the goodput's, not the utilisation fit's
            r = est.step.step_range
            held = (f", where its {_pct(r.level)} range held {_pct(r.coverage)} of them" if r.coverage is not None
                    else "")
            if held and unfitted_precision_note(est.step.layout.precision) is not None:  # none ran this precision
                held += f" (none at {latex_escape(est.step.layout.precision)}: not measured there)"
            # of the step as a tuned stack runs it, said before the whole runs that fell outside it (researcher review
            # 2026-12-03: "prediction intervals ... held 80%" read as the run's, two sentences before Phi-3's runs
            # outside it)
            text += (f" The {_pct(est.level)} ranges are prediction intervals of the step as a tuned software stack runs "
                     "it, not of a whole run: the time's from the step model's errors on "
                     f"published training layouts held out by source{held}, and the goodput's range "
                     f"({_pct(est.step.goodput_range[0])}--{_pct(est.step.goodput_range[1])}"
                     f"{cite.get(GOODPUT_RANGE_KEY, '')})"
                     f"{POWER_FIT_WORDS + _power_fit_held(est, a) if power_fit else ''}; {exact} and grid "
                     "intensity are taken as exact. "
                     # the model cards cited, not named inline (researcher review 2026-11-28)
                     + latex_escape(f"The time is a tuned software stack's, and {WHOLE_RUN_LONGER}.").replace(
                         latex_escape(f" ({WHOLE_RUN_SOURCE})"), _cite(bibkeys, WHOLE_RUN_KEYS))
                     + whole_run_sentence(est, cite.get(EPOCH_KEY, "")) + beyond_devices_sentence(est))
        else:
            held = (f"; the time's held {latex_escape(coverage)}" if coverage else
                    ", whose out-of-sample coverage the tool reports")
            # fp8 or fp4 from FLOPs alone: that coverage is the 16-bit runs' (diff review 2026-12-01)
            lowered = next((c for c in est.fit_caveats if isinstance(c, OtherPeak) and c.lowered is not None), None)
            if coverage and lowered is not None:
                held += (f" (at {latex_escape(lowered.fit_precision)}; not measured at "
                         f"{latex_escape(lowered.used_precision)})")
            # only the fits that set a range (researcher review 2026-11-28: a power given, or a known run's time, had
            # still been named as a fit's)
            fits = (["published training runs"] if not time_given else []) + (["measured power draws"] if power_fit
                                                                              else [])
            which = f"fit{'s' if len(fits) > 1 else ''} to {' and '.join(fits)}"
            if power_fit and not time_given:  # what the power fit holds, as on the other paths (diff review 2026-12-03)
                which += _power_fit_held(est, a)
            if time_given:
                # the power fit's range alone: what it was fitted on, and no coverage claimed on a device it holds no
                # run of (researcher review 2026-11-29: it promised a coverage figure it never gave)
                held = _power_fit_held(est, a) if power_fit else ""
            given_u = est.utilization is not None and est.utilization.origin == "user" and not time_given
            if given_u:
                # a utilisation given takes the fit's spread around it: the coverage measured is the fit's around its
                # own centre (researcher review 2026-11-28: "prediction intervals … whose coverage the tool reports")
                held = (", the time's the fit's relative spread around the utilisation given (its coverage measured "
                        "around the fit's own centre, not a utilisation given)")
            text += (f" The {_pct(est.level)} ranges are prediction intervals from the tool's {which}{held}; {exact} and "
                     "grid intensity are taken as exact.")
            outside = next((n for n in est.notes if n.startswith(OUTSIDE_FIT_START) and OUTSIDE_FIT in n), None)
            if given_u and outside is not None:  # said in the paper as in the table's note
                text += f" {latex_escape(outside[:1].upper() + outside[1:]).replace(' (user) ', ' given ')}."
    text += _beyond(est, a, cite, emb, basis, _cite(bibkeys, emb_keys), measured=measured)
    if STATED in shown:  # right after the last of them (embodied carbon, water), before the memory (researcher review)
        # as their sources give them or as the tool assumes them, never measured (researcher review 2026-11-27: no
        # source states a range for the H100's footprint; ÷2 to ×2, the lifetime's 4-6 years and the water factor's
        # states are the tool's choices, and the time's range runs through them)
        scaled = " (with the time's range where they scale with it)" if est.range["wall_clock_s"][0] != est.range[
            "wall_clock_s"][1] else ""  # a known run's time has none (researcher review 2026-11-29)
        text += (f" The stated ranges are as their sources give them or as the tool assumes them{scaled}, with no "
                 "measured coverage.")
    if memory:
        text += memory_sentence(est, cite, measured=measured)
    single = [ONE_FIGURE_NAMES[k] for k in SHOWN_RANGES if one_figure(est, k)]
    if single:  # journeys R6: no range and no reason had read as exact
        names = single[0] if len(single) == 1 else ", ".join(single[:-1]) + " and " + single[-1]
        rest, have = ("rests", "has") if len(single) == 1 else ("rest", "have")
        # a power modelled, not metered, said (measuring engineer's review 2026-11-29)
        modelled = (", its power estimated rather than metered," if power_estimated(est)
                    and any(rests_on_power(est, k) for k in SHOWN_RANGES if one_figure(est, k)) else "")
        text += f" The {names} {rest} on one measurement{modelled} and {have} no range."
    if doing.startswith("training") and est.hardware_kind != "brain":
        # what the figures leave out, as a carbon statement's checklist asks (researcher review 2026-11-28: only the
        # embodied carbon had been said to be outside them)
        # a power of the devices alone leaves their servers' hosts out too (code review 2026-11-28: BLOOM's TDP)
        beyond = ("the network and storage outside its servers" if est.power_includes_host and "power_w" not in qualified
                  else "the servers' hosts, network and storage beside its devices"
                  if est.power_includes_host is False or "power_w" in qualified
                  else "the network and storage outside what the power covers")
        text += f" The figures count this run alone: not the development, tuning or failed runs around it, nor {beyond}."
    presets = [cite[k] for k in extra_keys if k in cite]
    # a preset that is a paper's projection, not a run made (researcher review 2026-11-28: Megatron-LM's 34 days "the
    # published run")
    what = "projection" if title and "projection" in title.lower() else "run"
    runs = f"the published {what}{'s' if len(presets) > 1 else ''}{''.join(presets)}"
    differs = ", ".join(latex_escape(input_label(k)) for k in sorted(changed) + sorted(footprint_changed))
    if presets and changed:
        text += f" The scenario is based on {runs}, and differs from it in: {differs}."
    elif presets and footprint_changed:  # the run as published; only its embodied carbon or water is the scenario's
        text += (f" The scenario follows {runs} in its training, and differs from it in what sets only the embodied "
                 f"carbon and the water: {differs}.")
    elif presets:
        text += f" The scenario follows {runs}."
    if presets:
        # what the table's notes say of the preset, said in the paper too (researcher review 2026-11-28): a run the
        # utilisation was fitted on is no test of it, and a device count the paper does not give is assumed
        devices = a.get("devices")
        if devices is not None and "not published" in devices.source:
            text += f" Its device count is not published: {latex_escape(devices.source.split('not published; ', 1)[-1])}."
        in_sample = next((n for n in est.notes if n.startswith(IN_SAMPLE_START)), None)
        if in_sample is not None and "not a test; " in in_sample:
            text += (" The run is one of those the utilisation was fitted on, so its agreement with the published "
                     f"figures is not a test; {latex_escape(in_sample.split('not a test; ', 1)[1].replace(VALIDATE_CMD, ''))}.")
    if est.cost_usd is not None:
        elec = a.get("electricity_usd_per_kwh")
        cost = f"{latex_escape(paper_money(est.cost_usd))}{_range(paper_money, est, 'cost_usd')}"
        if elec is not None:  # the cost is the electricity alone: nothing for renting or buying the devices
            text += (f" At {_assumed(elec)} electricity price of {latex_escape(paper_money(elec.value))}/kWh"
                     f"{said[elec.name]}, the electricity alone {verb(measured, given_figure(elec), 'cost', 'cost')} about {cost}, with no "
                     "device rental or purchase.")
        else:
            price = a["price_usd_per_device_hour"]
            other = est.price_of_another_cloud()
            basis = (f" ({latex_escape(price.source.split(';')[0])}, not {latex_escape(other)}'s)"
                     if other is not None else "")
            text += (f" At {_assumed(price)} price of {latex_escape('$' + hz.sig(price.value))} per device-hour"
                     f"{basis}{said[price.name]}, this {verb(measured, given_figure(price), 'cost', 'cost')} about {cost}.")
    elif (why := no_price_reason(a.get("price_usd_per_device_hour"))) is not None:
        # said, not dropped in silence (researcher review 2026-11-27: an H800 run's statement had no word of cost); not
        # for what is not for sale (the brain, AlphaGo)
        text += (f" No cost is stated: the tool has no price for the {latex_escape(est.hardware_name)}, and none was "
                 f"given ({latex_escape(why)}).")
    text += " " + figures_from(version, cite.get(TOOL_KEY, ""), latex_escape)
    tex = (f"% Compute and carbon statement generated by {TOOL_NAME} {version}.\n"
           "% \\input this file; cite with the .bib file beside it (\\bibliography{<its name>}).\n" + text + "\n")
    bib = "\n\n".join(entries.values()) + "\n"
    return Statement(tex, bib, tuple(bib_key(v) for v in entries.values()))
