r"""Parts of the paper statement (estimator/report/statement.py): the hardware's BibTeX entry (a
vendor's datasheet, or a calibration's own measurement), what a calibrated profile measured, the
figures' citations read from their source texts, and the training-memory sentence. Pure: an
Estimate's assumptions and notes in, text out.

A calibrated profile (``python -m estimator calibrate``) states its measurement in its source
texts, as estimator/core/calibrate.py writes them: "measured on <host> at <time> by <method>" in
the utilisation's and the power's, the power's meter first ("codecarbon-rapl, measured on …").
The statement reads them there, as it reads the grid's data from its source text, so that it says
the figures were measured by the user's calibration, not taken from the vendor's datasheet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from estimator.core.estimate import Estimate
from estimator.core.memory import gb
from estimator.report import humanize as hz
from estimator.report.latex_text import latex_escape

TOOL_KEY, GRID_KEY = "TOOL", "CC"
# training memory (estimator/core/memory.py): ZeRO's states, activation memory
ZERO_KEY, ACT_MEM_KEY = "ZERO20", "KOR22"

DATASHEET_VENDORS = ("NVIDIA", "Google", "AMD", "Intel")  # the first word of the shipped profiles' names

# estimator/core/calibrate.py: how = f"measured on {host} at {measured_at} by {method}", followed by "; …" or the
# end; a method's command in backquotes may hold a ";" of its own
_HOW = re.compile(r"measured on (?P<host>\S+) at (?P<at>\S+) by (?P<method>(?:`[^`]*`|[^`;])+)")
# the measured power's source: its meter's label, " (an estimate, not a meter reading)" when it is one, then the how
_POWER = re.compile(r"(?P<label>[a-z0-9-]+)(?P<estimate> \(an estimate, not a meter reading\))?, measured on ")
# the utilisation's basis: "measured throughput ÷ fp32 peak (7.066e+12 FLOP/s)" (or "measured fp64 throughput ÷ …")
_BASIS = re.compile(r"measured (?:\S+ )?throughput ÷ (?P<precision>\S+) peak \((?P<peak>[0-9.e+-]+) FLOP/s\)")
# the name calibrate gives: "<device> (calibrated on <host>, base <profile id>)"
_NAME = re.compile(r"\(calibrated on [^,()]+, base (?P<base>[^()]+)\)$")

# The meters' labels in words: estimator/measure/base.py's (a pure module may not import it: tests/test_layers.py)
# and a CodeCarbon log's (estimator/io/calibration_io.py).
METERS = {"nvml-energy-counter": "NVML's energy counter", "nvml-power-polling": "NVML's power readings, sampled",
          "codecarbon-rapl": "CodeCarbon's reading of the RAPL energy counters",
          "codecarbon-cpu-load-estimate": "CodeCarbon's CPU-load model",
          "codecarbon-constant-tdp-estimate": "CodeCarbon's constant-TDP model",
          "codecarbon-csv-gpu-nvml": "a CodeCarbon log's GPU energy, read through NVML",
          "codecarbon-csv-cpu-method-not-recorded": "a CodeCarbon log's CPU energy, its method not recorded"}


@dataclass(frozen=True)
class Calibration:
    """What a calibrated profile measured, as the estimate uses it: the throughput (when the
    utilisation is the calibration's) and the mean power (when the power is)."""
    host: str | None
    measured_at: str | None
    method: str | None
    base: str | None                    # the base profile's id, from the name calibrate gives
    throughput_flops_per_s: float | None  # per device: the utilisation × the peak it was measured against
    measured_precision: str | None      # the precision of that peak
    power_w: float | None
    meter: str | None                   # the power's meter, in words, with what it covers

    @property
    def date(self) -> str:
        """The day of the measurement ("2026-11-25"), or its time as written when it is not ISO 8601."""
        at = self.measured_at or ""
        return at[:10] if re.match(r"\d{4}-\d\d-\d\d", at) else at

    def where(self, more: str = "") -> str:
        """"on vm on 2026-11-25 (built-in matmul workload …)", escaped for LaTeX; ``more`` (LaTeX) after the
        method, in its parentheses; only ``more`` when the measurement's source text is not found."""
        if not self.host:
            return f"({more})" if more else ""
        method = latex_escape(self.method.strip()) + (f"; {more}" if more else "")
        return f"on {latex_escape(self.host)} on {latex_escape(self.date)} ({method})"


def _from_profile(a) -> bool:
    return a is not None and a.origin.startswith("profile:")


def meter_words(label: str, estimate: bool, source: str) -> str:
    """The power's meter in words, what it covers ("the CPU alone, …") and whether it is an estimate."""
    words = METERS.get(label) or (f"CodeCarbon ({label})" if label.startswith("codecarbon") else
                                  f"NVML ({label})" if label.startswith("nvml") else label)
    if estimate:
        words += ", an estimate, not a meter reading"
    if "host not included" in source:
        cpu = "cpu" in label or "rapl" in label
        gpu = "nvml" in label or "gpu" in label
        words += ("; the CPU alone, not memory or the rest of the machine" if cpu else
                  "; the GPU alone, not its host" if gpu else "; the device alone, not its host")
    return words


def calibration_of(est: Estimate) -> Calibration | None:
    """What the estimate takes from a calibration, read from its assumptions' source texts; None
    for a profile that is not calibrated."""
    a = {x.name: x for x in est.assumptions}
    util, power, peak = a.get("utilization"), a.get("power_w"), a.get("peak_flops_per_s")
    u_how = _HOW.search(util.source) if _from_profile(util) else None
    p_meter = _POWER.match(power.source) if _from_profile(power) else None
    p_how = _HOW.search(power.source) if p_meter else None
    peak_how = _HOW.search(peak.source) if _from_profile(peak) else None  # a peak raised to the measured throughput
    name = _NAME.search(est.hardware_name)
    how = u_how or p_how or peak_how
    if how is None and name is None:
        return None
    throughput = precision = None
    if u_how:
        basis = _BASIS.search(util.source)
        precision = basis["precision"] if basis else est.precision
        throughput = util.value * (float(basis["peak"]) if basis else peak.value)
    return Calibration(
        how["host"] if how else None, how["at"] if how else None, how["method"] if how else None,
        name["base"].strip() if name else None, throughput, precision,
        power.value if p_how else None,
        meter_words(p_meter["label"], bool(p_meter["estimate"]), power.source) if p_how else None)


def _key(est: Estimate, prefix: str) -> str:
    return f"{prefix}-" + re.sub(r"[^a-z0-9]+", "-", est.hardware_id.lower()).strip("-")


def hardware_entry(est: Estimate) -> str | None:
    """A misc entry for the hardware's figures, from the profile's own source text: its peak's, or,
    for a known run (no peak used), its power's when the power is the profile's (export audit: a
    measured run's "735 W" had no source at all). A calibrated profile's entry is its measurement
    (where, when, how, what it gave), not the vendor's datasheet: only its peak is the base's."""
    peak = next((x for x in est.assumptions if x.name == "peak_flops_per_s"), None)
    if peak is None:
        power = next((x for x in est.assumptions if x.name == "power_w"), None)
        peak = power if _from_profile(power) else None
    if peak is None:
        return None
    cal = calibration_of(est)
    if cal is not None:
        return _calibration_entry(est, cal, peak)
    first = est.hardware_name.split()[0] if est.hardware_name.strip() else ""
    # the vendor is the datasheet's author; a reference point (the brain, AlphaGo) or a user's
    # profile has none to name, and ``key`` is what BibTeX styles sort it by
    who = (f"author={{{{{latex_escape(first)}}}}}" if first in DATASHEET_VENDORS
           else f"key={{{latex_escape(est.hardware_name)}}}")
    # the year the device was released: its datasheet's first edition (a later revision may differ)
    year = "" if est.hardware_release_year is None else f", year={{{est.hardware_release_year}}}"
    return (f"@misc{{{_key(est, 'hw')}, {who}, "
            f"title={{{{{latex_escape(est.hardware_name)}: specifications}}}}, note={{{latex_escape(peak.source)}}}{year}}}")


def _calibration_entry(est: Estimate, cal: Calibration, figure) -> str:
    """The entry of a calibrated profile: no vendor as author (the user measured it; ``key`` sorts it),
    the measurement's year, and a note with its host, time, method, throughput and power, and where
    the peak comes from (the base profile's datasheet figure, or one the calibration raised)."""
    said = []
    if cal.host:
        said.append(f"Measured on {cal.host} at {cal.measured_at} by {cal.method.strip()}, with the calibration of "
                    "Compute Cost Estimator")
    if cal.throughput_flops_per_s is not None:
        said.append(f"throughput {hz.flops_rate(cal.throughput_flops_per_s)} per device at {cal.measured_precision}")
    if cal.power_w is not None:
        said.append(f"mean power {hz.power(cal.power_w)} per device ({cal.meter})")
    if figure.name == "peak_flops_per_s":
        said.append(f"peak{' from the base profile ' + cal.base if cal.base else ''}: {figure.source}")
    else:
        said.append(f"power: {figure.source}")
    year = f", year={{{cal.measured_at[:4]}}}" if re.match(r"\d{4}", cal.measured_at or "") else ""
    name = latex_escape(est.hardware_name)
    return (f"@misc{{{_key(est, 'hw')}, key={{{name}}}, title={{{{{name}: calibration measurement}}}}, "
            f"note={{{latex_escape('; '.join(said))}}}{year}}}")


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


def named_keys(source: str, sources: Mapping[str, object]) -> list[str]:
    """The source keys a preset's figure names in its source text ("S19: 1.58 …")."""
    return [k for k in sources if k not in (GRID_KEY, TOOL_KEY) and re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", source)]


def embodied_entry(est: Estimate, source: str, prefix: str = "emb", what: str = "embodied carbon") -> str:
    """A misc entry for an embodied figure whose source is in no sources.toml entry (a user's profile): the
    profile's own source text, as ``hardware_entry`` does for the datasheet (or another figure's: its PUE)."""
    # no author to name: ``key`` is what BibTeX styles sort such an entry by
    return (f"@misc{{{_key(est, prefix)}, key={{{latex_escape(est.hardware_name)}}}, "
            f"title={{{{{latex_escape(est.hardware_name)}: {what}}}}}, note={{{latex_escape(source)}}}}}")


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


# api.run's note on a published run whose memory "does not fit" only as set here (estimator/services/api.py):
# the preset does not record how the run split its model
UNRECORDED_SPLIT = re.compile(r"memory: \S+ is a published run: it split its model across devices in a way the preset "
                              r"does not record")
# a shape the catalog lends a model of unknown shape (estimator/services/model_shape.py)
_ASSUMED_SHAPE = re.compile(r"with the (?:shape|width) of (?P<id>\S+) .*?: assumed, (?P<why>the catalog's [^;]+)")


def memory_sentence(est: Estimate, cite: Mapping[str, str]) -> str:
    """" Training needs … GB per device …", the fit verdict as the table's memory line gives it (its
    GB rounded as there), or, for a published run whose split the preset does not record, its
    figures said to be of the settings assumed here, not of the run, as the table's note says."""
    m = est.memory
    if m is None:
        return ""
    need, how = ((m.min_devices, m.strategy) if m.min_devices is not None else (m.best_devices, m.best_strategy))
    strategy = latex_escape(m.strategy.describe())
    fewest = (f"the fewest devices that hold it are {latex_escape(hz.whole(need))} with {latex_escape(how.describe())}"
              if need is not None else "")
    if m.fits:
        fit = ", which fits"
    elif any(UNRECORDED_SPLIT.match(n) for n in est.notes):
        fit = (f" under the memory settings assumed here ({strategy}); the published run split its model across "
               "devices in a way the tool does not record (tensor, pipeline or sharded data parallelism), so this says "
               "nothing of whether the run's own setup fitted" + (f"; {fewest}" if fewest else ""))
    elif fewest:
        fit = f", which does not fit with {strategy}; {fewest}"
    else:
        fit = ", which does not fit on any number of them"
    assumed = _ASSUMED_SHAPE.search(m.how or m.shape.source or "")
    shape = (f" (the model's shape assumed from {latex_escape(assumed['id'])}, {latex_escape(assumed['why'].strip())})"
             if assumed else "")
    # rounded as the table's memory line (export.memory_line: memory.gb, and the capacity as :g)
    return (f" Training needs {latex_escape(gb(m.per_device.total_gb))}~GB per device for weights, gradients, Adam "
            f"states{cite.get(ZERO_KEY, '')} and activations{cite.get(ACT_MEM_KEY, '')}{shape} against "
            f"{latex_escape(f'{m.capacity_gb:g}')}~GB of device memory{fit}.")
