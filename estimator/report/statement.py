r"""A compute and carbon statement a researcher can paste into a paper: a ``.tex`` paragraph and
the ``.bib`` file it cites. Pure: an Estimate and the citations in, two texts out.

The paragraph is worded as an estimate ("We estimate that training … would take …") unless the
run's time was given (a measured run: "Training took …"). It says what the ranges mean in one
sentence, and cites the tool with its version, the utilisation fit and its data (Epoch AI) when
the fit was used (and says when a device without runs borrows a neighbouring family's fit), the
hardware's datasheet, the sources of the embodied-carbon figure, and where the grid intensity came
from (the data CodeCarbon ships, named: the world average, a country and its data year, a cloud
region; a preset's paper; or "given"). With full recomputation it says that the utilisation counts
model FLOPs (6·N·D), so that FLOPs ÷ (peak × utilisation) gives the device-hours it states.

BibTeX: only entry types that standard BibTeX styles define (article, inproceedings, misc),
every title in double braces so that a style's lower-casing keeps "GPT-3" and "NVIDIA" as they
are, and web addresses as plain text (a \\url command would need a package the paper may not load).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from estimator.core.estimate import DEFAULT_CARBON_INTENSITY_SOURCE, Estimate
from estimator.core.interval import EXACT, PREDICTION, STATED
from estimator.core.memory import gb
from estimator.core.scenario import SCENARIO_BOUNDS
from estimator.core.utilization_model import POOLED, RULE, RULE_GOODPUT, family_label
from estimator.report import humanize as hz
from estimator.report.latex_text import bib_key, latex_escape, normalize_bibtex

TOOL_KEY, EPOCH_KEY, GRID_KEY = "TOOL", "EPOCH", "CC"
# training memory, embodied carbon and water (estimator/core/memory.py, embodied.py, water.py)
ZERO_KEY, ACT_MEM_KEY, LLMC_KEY, ACT_KEY, PCF_KEY, WATER_KEY = "ZERO20", "KOR22", "LLMC24", "ACT22", "NVPCF", "WATER23"

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
    return f" ({what} {latex_escape(fmt(low))}--{latex_escape(fmt(high))})".replace("m3", "m$^3$")


def _pct(x: float) -> str:
    return latex_escape(f"{x:.0%}")


DATASHEET_VENDORS = ("NVIDIA", "Google", "AMD", "Intel")  # the first word of the shipped profiles' names


def hardware_entry(est: Estimate) -> str | None:
    """A misc entry for the hardware's figures, from the profile's own source text: its peak's, or,
    for a known run (no peak used), its power's when the power is the profile's (export audit: a
    measured run's "735 W" had no source at all)."""
    peak = next((x for x in est.assumptions if x.name == "peak_flops_per_s"), None)
    if peak is None:
        power = next((x for x in est.assumptions if x.name == "power_w"), None)
        peak = power if power is not None and power.origin.startswith("profile:") else None
    if peak is None:
        return None
    key = "hw-" + re.sub(r"[^a-z0-9]+", "-", est.hardware_id.lower()).strip("-")
    first = est.hardware_name.split()[0] if est.hardware_name.strip() else ""
    # the vendor is the datasheet's author; a reference point (the brain, AlphaGo) or a user's
    # profile has none to name, and ``key`` is what BibTeX styles sort it by
    who = (f"author={{{{{latex_escape(first)}}}}}" if first in DATASHEET_VENDORS
           else f"key={{{latex_escape(est.hardware_name)}}}")
    # the year the device was released: its datasheet's first edition (a later revision may differ)
    year = "" if est.hardware_release_year is None else f", year={{{est.hardware_release_year}}}"
    return (f"@misc{{{key}, {who}, "
            f"title={{{{{latex_escape(est.hardware_name)}: specifications}}}}, note={{{latex_escape(peak.source)}}}{year}}}")


def _water(litres: float) -> str:
    return hz.water(litres).replace("m³", "m3")


def _water_tex(litres: float) -> str:
    """Litres or cubic metres for LaTeX: m$^3$ (latex_escape drops a bare superscript digit)."""
    return latex_escape(_water(litres)).replace("m3", "m$^3$")


def _cite(bibkeys: Mapping[str, str], keys) -> str:
    """One \\cite of the entries of ``keys`` (source key → BibTeX key in ``bibkeys``): "~\\cite{a,b}";
    "" for none."""
    names = [bibkeys[k] for k in dict.fromkeys(keys) if k in bibkeys]
    return r"~\cite{" + ",".join(names) + "}" if names else ""


# The ranges the paragraph prints (_range), when they are not exact: the ranges sentence goes with them.
SHOWN_RANGES = ("wall_clock_s", "energy_kwh", "co2e_kg", "cost_usd", "embodied_co2e_kg", "water_l")

# Identifiers a profile's source text shares with a sources.toml entry's ``cite``: a title it quotes
# ("…") of at least this many characters (shorter ones, "AI and Compute", could match by chance), or
# an arXiv number.
MIN_TITLE_CHARS = 15


def cited_keys(source: str, sources: Mapping[str, Mapping[str, str]]) -> list[str]:
    """The source keys a profile's source text cites: those whose ``cite`` quotes a title, or gives
    an arXiv number, that the text names too (case-insensitive). The embodied figures' sources
    ("NVIDIA 'HGX B200 PCF Summary'", "Falk et al., '…', arXiv:2509.00093")."""
    text = source.lower()
    found = []
    for key, entry in sources.items():
        cite = str(entry.get("cite", ""))
        ids = [t for t in re.findall(r'"([^"]+)"', cite) if len(t) >= MIN_TITLE_CHARS]
        ids += re.findall(r"arXiv:\d{4}\.\d{4,5}", cite)
        if any(i.lower() in text for i in ids):
            found.append(key)
    return found


def embodied_entry(est: Estimate, source: str, prefix: str = "emb", what: str = "embodied carbon") -> str:
    """A misc entry for an embodied figure whose source is in no sources.toml entry (a user's profile): the
    profile's own source text, as ``hardware_entry`` does for the datasheet (or another figure's: its PUE)."""
    key = f"{prefix}-" + re.sub(r"[^a-z0-9]+", "-", est.hardware_id.lower()).strip("-")
    # no author to name: ``key`` is what BibTeX styles sort such an entry by
    return (f"@misc{{{key}, key={{{latex_escape(est.hardware_name)}}}, "
            f"title={{{{{latex_escape(est.hardware_name)}: {what}}}}}, note={{{latex_escape(source)}}}}}")


# More figures the paragraph states, by assumption: (the entry's name here, its key's prefix, what it is).
FIGURES = {"pue": ("PUE", "pue", "data-centre PUE"), "price_usd_per_device_hour": ("PRICE", "price", "price per device-hour"),
           "electricity_usd_per_kwh": ("ELEC", "elec", "electricity price")}


def figure_citation(est: Estimate, a, sources: Mapping[str, Mapping[str, str]], extra_keys=()) -> tuple[list[str], str | None]:
    """(source keys, a misc entry or None) for a figure of ``FIGURES``: a profile's figure cites its source text
    (and the entries whose titles it names), a preset's the papers its source names (else the preset's)."""
    if a.origin.startswith("profile:"):
        return cited_keys(a.source, sources), embodied_entry(est, a.source, *FIGURES[a.name][1:])
    if a.origin.startswith("preset:"):
        return named_keys(a.source, sources) or [k for k in extra_keys if k in sources], None
    return [], None


# A caveat a profile's source puts on its figure ("(secondary; the paper's table itself was not read,
# check before citing)"), with the phrase before it ("as transcribed in two public repositories"):
# the statement keeps it visible, as a footnote.
_CAVEAT = re.compile(r"(as (?:transcribed|quoted) in [^(),;]*?)?\s*\(([^()]*check before citing[^()]*)\)")


def embodied_caveat(source: str, kg_text: str) -> str:
    """A \\footnote carrying the source's caveat on the figure, or "" when it has none."""
    m = _CAVEAT.search(source)
    if not m:
        return ""
    said = f"is {m.group(1).strip()} ({m.group(2).strip()})" if m.group(1) else f"carries its source's caveat: {m.group(2).strip()}"
    return r"\footnote{" + f"The {kg_text}~kg per device {latex_escape(said)}." + "}"


def _beyond(est: Estimate, a, cite, emb, basis: str, emb_cite: str) -> str:
    """Sentences on embodied carbon, water and training memory, when the estimate has them.
    ``emb_cite``: the citation of a vendor's or a life-cycle assessment's embodied figure."""
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
        text += (f" Manufacturing the devices adds {latex_escape(hz.co2e(est.embodied_co2e_kg))}"
                 f"{_range(hz.co2e, est, 'embodied_co2e_kg')} of embodied CO$_2$e, the run's share of "
                 f"{kg}~kg per device ({how}){embodied_caveat(emb.source, kg)} over a {years:g}-year "
                 f"life{cite.get(LLMC_KEY, '')}, not part of the CO$_2$e above.")
    if est.water_l is not None:
        text += (f" The run consumes about {_water_tex(est.water_l)}{_range(_water, est, 'water_l')} of "
                 f"water, on site at {latex_escape(hz.sig(a['wue_l_per_kwh'].value))}~L/kWh and off site for the "
                 f"electricity at {latex_escape(hz.sig(a['ewif_l_per_kwh'].value))}~L/kWh{cite.get(WATER_KEY, '')}.")
    m = est.memory
    if m is not None:
        need, how = ((m.min_devices, m.strategy) if m.min_devices is not None else (m.best_devices, m.best_strategy))
        fit = ("which fits" if m.fits else
               f"which does not fit with {latex_escape(m.strategy.describe())}; the fewest devices that hold it are "
               f"{latex_escape(hz.whole(need))} with {latex_escape(how.describe())}" if need is not None else
               "which does not fit on any number of them")
        # rounded as the table's memory line (export.memory_line: memory.gb)
        text += (f" Training needs {latex_escape(gb(m.per_device.total_gb))}~GB per device for weights, "
                 f"gradients, Adam states{cite.get(ZERO_KEY, '')} and activations{cite.get(ACT_MEM_KEY, '')} against "
                 f"{latex_escape(gb(m.capacity_gb))}~GB of device memory, {fit}.")
    return text


def grid_keys(source: str, sources: Mapping[str, object]) -> list[str]:
    """The source keys the grid intensity comes from, read from its assumption's source text: the
    data CodeCarbon ships (a country, a cloud region, the world average), a preset's paper ("S19:
    0.954 lb/kWh …", "implied by T23b: …"), or none (a figure the user gave)."""
    if "CodeCarbon" in source:
        return [GRID_KEY]
    return named_keys(source, sources)


def named_keys(source: str, sources: Mapping[str, object]) -> list[str]:
    """The source keys a preset's figure names in its source text ("S19: 1.58 …")."""
    return [k for k in sources if k not in (GRID_KEY, TOOL_KEY) and re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", source)]


# A grid intensity from CodeCarbon's data, as estimator/services/api.py labels it: "France (FRA):
# CodeCarbon 3.3.2 global_energy_mix.json (Our World in Data / Ember), 2023" or "gcp:europe-west1
# (St. Ghislain, Belgium): CodeCarbon 3.3.2 cloud/impact.csv (provider's published region figures)".
_CODECARBON_GRID = re.compile(r"(?P<label>.+?): CodeCarbon (?P<version>\S+) (?P<file>\S+) \((?P<origin>[^()]*)\)"
                              r"(?:, (?P<year>\d{4}))?")


def grid_basis(source: str) -> str:
    """What the grid intensity is, for the statement, from its assumption's source text: the world
    average (and its report's year), a country and its data year, or a cloud region, with the data
    behind it; the text as it is when it has another form."""
    if source == DEFAULT_CARBON_INTENSITY_SOURCE:
        label, rest = source.split(", ", 1)  # "world average", "IEA … 2019 (as shipped by CodeCarbon)"
        return f"the {label}; " + re.sub(r" \((as shipped by CodeCarbon)\)$", r", \1", rest)
    m = _CODECARBON_GRID.fullmatch(source)
    if not m:
        return source
    if m["file"].startswith("cloud/"):
        what = f"the cloud region {m['label']}"
    else:
        what = f"the {m['year']} average for {m['label']}" if m["year"] else f"the average for {m['label']}"
    return f"{what}; {m['origin']}, as shipped with CodeCarbon {m['version']}"


def _borrowed(est: Estimate) -> bool:
    """Whether the fitted utilisation is a neighbouring family's fit (the pooled one, the flat rule) because
    the device has no runs of its own."""
    return est.utilization.borrowed


def _fit_text(est: Estimate, cite: str) -> str:
    """Where the fitted utilisation comes from: its family's runs, or, for a device without runs,
    a neighbouring family's fit (or all runs pooled), widened by the between-family spread, or the
    flat rule, as the fit chose on families held out whole."""
    u = est.utilization
    # the runs: Epoch AI's database and the papers and model cards of estimator/data/published_runs.csv
    runs = f"{u.n_runs} published training runs (from Epoch AI's database{cite} and from papers and model cards)"
    if not _borrowed(est):
        return f", fitted on {runs}"
    # as the table's utilisation line: "no runs on <device>: the H100 family fit (25 runs), widened by …"
    if u.family == RULE:
        flat = latex_escape(f"{RULE_GOODPUT:.0%}")
        why = (f" (its nearest family, the {latex_escape(family_label(u.passed_over))}, is passed over)"
               if u.passed_over else "")
        return (f", taken as a flat {flat} of dense peak: no published runs on {latex_escape(est.hardware_name)} "
                f"are in the data, and with each hardware family of the {runs} held out whole, a flat {flat} "
                "predicted the held-out family's runs better, on average, than a neighbouring family's fit or the "
                f"pooled fit; the interval is calibrated on those held-out families{why}")
    name = latex_escape(family_label(u.family))
    whose, fit = (("the fit pooled over all families", "the fit on all") if u.family == POOLED else
                  ("its chip's family's fit", f"the {name} family's fit (the same chip) on") if u.same_chip else
                  ("a neighbouring family's fit", f"the {name} family's fit on"))
    why = (f" (its nearest family, the {latex_escape(family_label(u.passed_over))}, is passed over: with each fitted "
           "family held out whole, a nearest family's fit predicted it less well than the pooled fit, on average)"
           if u.passed_over else "")
    return (f", from {whose}: no published runs on {latex_escape(est.hardware_name)} are in the data, so it is "
            f"{fit} {runs}, widened by the between-family spread{why}")


BASED_ON = "Based on "  # how api.Result.title names a scenario changed from its preset's run


def _assumed(a) -> str:
    return "the given" if a.origin == "user" else "the assumed"  # a figure the user gave, or a profile's or preset's


def input_label(name: str) -> str:
    """A scenario input as people call it ("grid carbon intensity (g/kWh)", "hardware")."""
    return SCENARIO_BOUNDS[name][0] if name in SCENARIO_BOUNDS else name.replace("_", " ")


def statement(est: Estimate, sources: Mapping[str, Mapping[str, str]], *, version: str, title: str | None = None,
              extra_keys: tuple[str, ...] = (), time_label: str | None = None,
              changed: tuple[str, ...] = ()) -> Statement:
    """The .tex paragraph and its .bib for ``est``.

    ``sources``: key → {cite, bibtex} (estimator/data/sources.toml); ``extra_keys``: more source
    keys to cite (a preset's); ``changed``: the inputs in which the scenario differs from that
    preset's run (then it is "based on" the run, not "follows" it, and a known run's time is what
    the scenario "would take", not what it "took"). The hardware's entry is built from the
    profile's peak source; the PUE's and the price's from where they come from (``figure_citation``).
    ``title``: the preset's (``api.Result.title``: "Based on …" once changed), named as what is trained.
    ``time_label``: what the time is when it is not training (a preset's, "One game")."""
    hardware_bibtex = hardware_entry(est)
    a = {x.name: x for x in est.assumptions}
    time_given = "hours" in a or "device_hours" in a
    measured = time_given and not changed  # the known run as it was: any change is a scenario, not a measurement
    fitted = est.utilization is not None and est.utilization.origin.startswith("fit:")
    grid = grid_keys(a["carbon_intensity_g_per_kwh"].source, sources)
    keys = [TOOL_KEY] + ([EPOCH_KEY] if fitted else []) + grid + [k for k in extra_keys if k in sources]
    figures = {n: figure_citation(est, a[n], sources, extra_keys) for n in FIGURES if n in a and (n == "pue" or est.cost_usd)}
    keys += [k for name_keys, _ in figures.values() for k in name_keys]
    emb = a.get("embodied_kg_co2e_per_device") if est.embodied_co2e_kg is not None else None
    basis = emb.source.split(",", 1)[0] if emb else ""
    if est.memory is not None:
        keys += [ZERO_KEY, ACT_MEM_KEY]
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
            entries[k] = normalize_bibtex(sources[k]["bibtex"].replace("{version}", version))
    if hardware_bibtex:
        entries["HW"] = normalize_bibtex(hardware_bibtex)
    for name, (_, entry) in figures.items():
        if entry:
            entries[FIGURES[name][0]] = normalize_bibtex(entry)
    if stated and not emb_keys:
        # a figure every statement cites: its profile's source text when no sources.toml entry names it
        entries["EMB"] = normalize_bibtex(embodied_entry(est, emb.source))
        emb_keys = ["EMB"]
    bibkeys = {k: bib_key(v) for k, v in entries.items()}
    cite = {k: _cite(bibkeys, [k]) for k in bibkeys}
    said = {name: _cite(bibkeys, [*keys_, FIGURES[name][0]]) for name, (keys_, _) in figures.items()}
    tool = latex_escape(f"Compute Cost Estimator {version}")
    run_name = latex_escape((title or "").removeprefix(BASED_ON))
    what = (r"a variant of \emph{" if changed else r"\emph{") + run_name + "}" if run_name else "the model"
    devices = f"{latex_escape(hz.whole(est.devices))}~$\\times$~{latex_escape(est.hardware_name)}{cite.get('HW', '')}"
    flops = f" ({latex_escape(hz.sci(est.flops))} FLOPs)" if est.flops else ""
    energy = (f"{latex_escape(hz.energy(est.energy_kwh))}{_range(hz.energy, est, 'energy_kwh')} of electricity "
              f"at a PUE of {latex_escape(hz.sig(a['pue'].value))}{said['pue'] or ' (given)'}")
    ci = a["carbon_intensity_g_per_kwh"]
    # named: the world average, a country and its year, a cloud region (CodeCarbon's data), with its citation
    where = (f" ({latex_escape(grid_basis(ci.source))}{_cite(bibkeys, grid)})" if GRID_KEY in grid
             else "".join(cite.get(k, "") for k in grid) if grid else " (given)")
    co2 = (f"{latex_escape(hz.co2e(est.co2e_kg))}{_range(hz.co2e, est, 'co2e_kg')} at a grid carbon intensity of "
           f"{latex_escape(hz.sig(ci.value))}~g\\,CO$_2$e/kWh{where}")
    watts = hz.power(a['power_w'].value).split(" ")  # "734 W", "1.00 MW": the number, then its unit
    power = f"an average of {latex_escape(watts[0])}~{watts[1]} per device"
    doing = (f"training {what}" if not time_label or time_label.lower() == "training time"
             else latex_escape(time_label[:1].lower() + time_label[1:]))
    if measured:
        text = (f"{doing[:1].upper() + doing[1:]}{flops} took {latex_escape(hz.duration(est.wall_clock_s))} on {devices}, "
                f"{latex_escape(hz.device_hours(est.device_hours))}. At {power}, this corresponds to "
                f"{energy}, and to {co2}.")
    elif time_given:  # a known run's time, in a scenario that differs from the run: what it would take
        text = (f"Taking the time from the known run, {doing}{flops} on {devices} would take "
                f"{latex_escape(hz.duration(est.wall_clock_s))}, or {latex_escape(hz.device_hours(est.device_hours))}. "
                f"At {power}, this would use {energy}, and emit {co2}.")
    else:
        u = est.utilization
        model_flops = est.time_flops  # with full recomputation: 6·N·D, what the utilisation counts
        if model_flops is not None:
            # with full recomputation: the FLOPs executed, and the model FLOPs the utilisation counts
            flops = f" ({latex_escape(hz.sci(est.flops))} FLOPs executed, with full activation recomputation)"
        util = (f"a whole-run utilisation of {latex_escape(hz.sig(u.value))} of peak"
                + (f" counted in model FLOPs ({latex_escape('6·N·D = ' + hz.sci(model_flops))}, without the "
                   "recomputation, as the fitted runs count it)" if model_flops is not None else "")
                + (_fit_text(est, cite.get(EPOCH_KEY, "")) if fitted else ""))
        text = (f"We estimate that {doing}{flops} on {devices} would take "
                f"{latex_escape(hz.duration(est.wall_clock_s))}{_range(hz.duration, est, 'wall_clock_s')}, "
                f"or {latex_escape(hz.device_hours(est.device_hours))}, assuming {util}. At {power}, this "
                f"would use {energy}, and emit {co2}.")
    shown = {est.basis(k) for k in SHOWN_RANGES if k in est.range and est.range[k][0] != est.range[k][1]}
    if PREDICTION in shown:
        exact = ", ".join((["the time given"] if time_given else []) + ["the PUE"]
                          + (["the price"] if est.cost_usd is not None else []))
        text += (f" The {_pct(est.level)} ranges are prediction intervals from the tool's fits to published training "
                 f"runs and measured power draws, whose out-of-sample coverage the tool reports; {exact} and grid "
                 "intensity are taken as exact.")
    text += _beyond(est, a, cite, emb, basis, _cite(bibkeys, emb_keys))
    if STATED in shown:  # after the last of them (embodied carbon, water)
        text += " The stated ranges are as their sources state, with no measured coverage."
    presets = [cite[k] for k in extra_keys if k in cite]
    if presets and changed:
        text += (f" The scenario is based on the published run{'s' if len(presets) > 1 else ''}{''.join(presets)}, "
                 f"and differs from it in: {', '.join(latex_escape(input_label(k)) for k in sorted(changed))}.")
    elif presets:
        text += f" The scenario follows the published run{'s' if len(presets) > 1 else ''}{''.join(presets)}."
    if est.cost_usd is not None:
        elec = a.get("electricity_usd_per_kwh")
        cost = f"{latex_escape(hz.money(est.cost_usd))}{_range(hz.money, est, 'cost_usd')}"
        if elec is not None:  # the cost is the electricity alone: nothing for renting or buying the devices
            text += (f" At {_assumed(elec)} electricity price of {latex_escape(hz.money(elec.value))}/kWh"
                     f"{said[elec.name]}, the electricity alone costs about {cost}, with no device rental or purchase.")
        else:
            price = a["price_usd_per_device_hour"]
            text += (f" At {_assumed(price)} price of {latex_escape('$' + hz.sig(price.value))} per device-hour"
                     f"{said[price.name]}, this costs about {cost}.")
    text += f" Figures from {tool}{cite.get(TOOL_KEY, '')}."
    tex = ("% Compute and carbon statement generated by Compute Cost Estimator " + version + ".\n"
           "% \\input this file; cite with the .bib file beside it (\\bibliography{<its name>}).\n" + text + "\n")
    bib = "\n\n".join(entries.values()) + "\n"
    return Statement(tex, bib, tuple(bib_key(v) for v in entries.values()))
