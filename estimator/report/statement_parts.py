r"""Parts of the paper statement (estimator/report/statement.py): the hardware's BibTeX entry (a
vendor's datasheet, or a calibration's own measurement), what a calibrated profile measured, the
figures' citations read from their source texts, and the training-memory sentence. Pure: an
Estimate's assumptions, notes and calibration facts in, text out.

What a calibrated profile measured is read from its ``[calibration]`` table, as the estimate
carries it (``Estimate.calibration``: estimator/core/hardware/calibration_section.py), never from the
profile's free text: a hand-written profile whose sources say "measured on …" is not called
calibrated, and one whose source texts were edited keeps its meter. The throughput is said to be
measured when the utilisation used is the table's (its figure at its precision, or its points'
at another), the power when the power used is the table's mean power. An imported CodeCarbon log
(``calibrate --from-codecarbon``) was measured by CodeCarbon in its run, not on a host this tool
names; no local file path is ever printed (a file name at most).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from estimator.core.base.number_text import gfmt
from estimator.core.hardware.calibration_section import CalibrationFacts
from estimator.core.hardware.profile import alone_words
from estimator.core.training.estimate import Estimate
from estimator.core.training.memory import TIGHT_MEMORY_SHARE, capacity_gb_text, flash_attention_runs_on, gb
from estimator.core.training.plan import NO_LAYOUT_FITS
from estimator.report import humanize as hz
from estimator.report.latex_text import latex_escape
from estimator.report.provenance import TOOL_KEY, TOOL_NAME

GRID_KEY = "CC"
# EPA eGRID, the U.S. states' figures CodeCarbon ships: cited where the grid's source text names it
EGRID_KEY = "EGRID"
# training memory (estimator/core/training/memory.py): ZeRO's states, activation memory, FlashAttention's kernels
ZERO_KEY, ACT_MEM_KEY, FLASH_KEY, MEM_EFFICIENT_KEY = "ZERO20", "KOR22", "FLASH22", "RS21"

DATASHEET_VENDORS = ("NVIDIA", "Google", "AMD", "Intel")  # the first word of the shipped profiles' names

# The meters' labels in words: estimator/device/base.py's, a CodeCarbon log's included (a pure module may not
# import it: tests/test_layers.py).
METERS = {"nvml-energy-counter": "NVML's energy counter", "nvml-power-polling": "NVML's power readings, sampled",
          "codecarbon-rapl": "CodeCarbon's reading of the RAPL energy counters",
          "codecarbon-cpu-load-estimate": "CodeCarbon's CPU-load model",
          "codecarbon-constant-tdp-estimate": "CodeCarbon's constant-TDP model",
          "codecarbon-csv-gpu-nvml": "a CodeCarbon log's GPU energy, read through NVML",
          "codecarbon-csv-cpu-method-not-recorded": "a CodeCarbon log's CPU energy, its method not recorded"}

# A local absolute path ("/home/me/runs/emissions.csv", "~/x.csv", "C:\runs\x.csv"), not a web address's
# ("https://…/co.html": a "/" after ":", "/" or a letter) nor a unit's ("FLOP/s")
_PATH = re.compile(r"(?<![\w:/.~\\-])(?:~|[A-Za-z]:)?[/\\](?:[^\s/\\,;()]+[/\\])*(?P<name>[^\s/\\,;()]+)")
# The same figure, written to a profile and read back
_SAME = 1e-6


def no_paths(text: str) -> str:
    """``text`` with each local absolute path cut to its file name: a paper does not print where its
    author keeps files (a CodeCarbon import's method names the CSV it read)."""
    return _PATH.sub(lambda m: m["name"], text)


# A profile's power from the fit to measured draws (core/hardware/reader.py writes the words): its ratio to the TDP and
# how many runs fitted it.
POWER_FIT = re.compile(r"^average (?P<ratio>[\d.]+) × TDP, \d+% interval [\d.]+–[\d.]+ × TDP, "
                       r"(?:fitted on|the centre fitted on the) (?P<runs>\d+) measured runs(?: on the (?P<on>[^(]+?) \()?")


def _from_profile(a) -> bool:
    return a is not None and a.origin.startswith("profile:")


def measured_throughput(est: Estimate) -> tuple[float, str] | None:
    """(throughput per device, the precision it was measured at) when the utilisation used is the
    calibration's measurement: the profile's own (not given, not a preset's, not the fit's) and the
    ``[calibration]`` table's figure (its utilisation at its precision, or its points' at another precision
    they measured); None otherwise (no table, or a utilisation edited by hand)."""
    cal, util, peak = est.calibration, est.assumption("utilization"), est.assumption("peak_flops_per_s")
    if cal is None or not _from_profile(util) or peak is None:
        return None
    if cal.utilization is not None and math.isclose(util.value, cal.utilization, rel_tol=_SAME):
        if est.precision == cal.precision:
            return util.value * peak.value, est.precision
        # the profile's utilisation, measured at its precision, applied to this precision's peak
        return (cal.achieved_flops_per_s, cal.precision) if cal.achieved_flops_per_s and cal.precision else None
    if est.precision != cal.precision and est.precision in cal.precisions:  # the points at this precision
        return util.value * peak.value, est.precision
    return None


def measured_power(est: Estimate) -> bool:
    """Whether the power used is the calibration's measured mean power (the profile's own, the table's figure)."""
    cal, power = est.calibration, est.assumption("power_w")
    return (cal is not None and cal.mean_power_w is not None and _from_profile(power)
            and math.isclose(power.value, cal.mean_power_w, rel_tol=_SAME))


def meter_words(cal: CalibrationFacts) -> str:
    """The power's meter in words, whether it is an estimate, and what it covers ("the CPU alone, …")."""
    label = cal.power_source or ""
    words = METERS.get(label) or (f"CodeCarbon ({label})" if label.startswith("codecarbon") else
                                  f"NVML ({label})" if label.startswith("nvml") else label or "a meter not recorded")
    if cal.power_is_estimate:
        words += ", an estimate, not a meter reading"
    if not cal.power_includes_host:
        cpu = "cpu" in label or "rapl" in label
        gpu = "nvml" in label or "gpu" in label
        words += "; " + alone_words("cpu" if cpu else "gpu" if gpu else None)
    return words


# researcher audit: device-hours given without --devices read "took 11.4 years on 1 × NVIDIA A100 SXM 80GB": a
# device count and a wall-clock time from the default of one device, which the user never gave
NO_DEVICE_COUNT = "the number of devices was not given, so no wall-clock time is stated"
ONE_DEVICE_ASSUMED = "one device assumed: the number of devices was not given"


def known_time(est: Estimate, devices: str, hardware: str) -> tuple[str, str, str]:
    """A known run's time for the paragraph, LaTeX: (what it ran on, its time, its device-hours or "").
    ``devices``: "8~$\\times$~<hardware>"; ``hardware``: the hardware alone. With the device count the tool's
    default (the devices assumption's origin "default"), device-hours given are the run's time alone (no
    wall clock, no count), and hours given say that one device is assumed (the device-hours follow from it)."""
    time, dev_h = latex_escape(hz.duration(est.wall_clock_s)), latex_escape(hz.device_hours(est.device_hours))
    count = est.assumption("devices")
    if count is None or count.origin != "default":
        return devices, time, dev_h
    if est.assumption("device_hours") is not None:
        return f"{hardware} ({NO_DEVICE_COUNT})", dev_h, ""
    return f"{devices} ({ONE_DEVICE_ASSUMED})", time, dev_h


def measured_date(cal: CalibrationFacts) -> str:
    """The day of the measurement ("2026-11-25", of "2026-11-25T04:40:27Z" or "2026-11-25 04:40:27"), or "" when
    it is not ISO 8601 (issue 55: a log's "'=1+1" reached the paper as the day)."""
    at = (cal.measured_at or "").strip()
    return at[:10] if re.match(r"\d{4}-\d\d-\d\d", at) else ""


def _run(cal: CalibrationFacts) -> str:
    return f"run {cal.run_id[:8]}" if cal.run_id else "its run"


def measured_where(cal: CalibrationFacts, more: str = "") -> str:
    """LaTeX: by whom, where, when and how: "by this tool's calibration on vm on 2026-11-25 (built-in matmul
    …; ``more``)", or, an imported CodeCarbon log, "by CodeCarbon 3.3.2 in an imported run on 2026-11-23 (run
    be849a9d, imported by this tool's calibration; ``more``)", never the host label the import made up.
    ``more`` is LaTeX."""
    when = f" on {latex_escape(measured_date(cal))}" if measured_date(cal) else ""
    if cal.imported_from:
        who = f"by {latex_escape(cal.imported_from)} in an imported run{when}"
        how = f"{latex_escape(_run(cal))}, imported by this tool's calibration"
    else:
        who = "by this tool's calibration" + (f" on {latex_escape(cal.host)}" if cal.host else "") + when
        how = latex_escape(no_paths(cal.method.strip())) if cal.method else ""
    inside = "; ".join(x for x in (how, more) if x)
    return who + (f" ({inside})" if inside else "")


def same_measurement(cal: CalibrationFacts) -> str:
    """What measured the throughput and the power both: "the same calibration", an imported log's "the same run"."""
    return "the same run" if cal.imported_from else "the same calibration"


def _plain(cal: CalibrationFacts, text: str) -> str:
    """A calibrated profile's source text (its peak's, its power's) for the entry: the calibration's own
    "measured on <host> at <time> by <method>" (as estimator/core/calibration/calibrate.py writes it, from the table's
    fields) said as the entry says it, and no local path."""
    if cal.imported_from and cal.host and cal.measured_at and cal.method:
        text = text.replace(f"measured on {cal.host} at {cal.measured_at} by {cal.method}",
                            f"measured by {cal.imported_from} in {_run(cal)} at {cal.measured_at}, imported")
    return no_paths(text)


# The pages a profile's source text names without their address (its words → the address), so that an entry built
# from the text (a datasheet's, a PUE's, a price's) gives a reader somewhere to check it (issue 55: a reviewer sends
# back a reference without a URL, DOI or arXiv id). An address written in the text itself comes first (``address``).
PUBLISHER_PAGES = {
    "NVIDIA H100 datasheet": "https://www.nvidia.com/en-us/data-center/h100/",
    "NVIDIA H200 datasheet": "https://www.nvidia.com/en-us/data-center/h200/",
    "NVIDIA A100 datasheet": "https://www.nvidia.com/en-us/data-center/a100/",
    "NVIDIA A100 80GB datasheet": "https://www.nvidia.com/en-us/data-center/a100/",
    "NVIDIA Tesla V100 datasheet": "https://www.nvidia.com/en-us/data-center/v100/",
    "NVIDIA H100 Tensor Core GPU Architecture whitepaper": "https://resources.nvidia.com/en-us-tensor-core",
    "NVIDIA Developer Blog 'NVIDIA Ampere Architecture In-Depth'":
        "https://developer.nvidia.com/blog/nvidia-ampere-architecture-in-depth/",
    "Google Cloud TPU documentation": "https://cloud.google.com/tpu/docs/system-architecture-tpu-vm",
    "Google Cloud TPU pricing": "https://cloud.google.com/tpu/pricing",
    "AWS EC2 on-demand pricing": "https://aws.amazon.com/ec2/pricing/on-demand/",
    "AWS EC2 on-demand price list": "https://aws.amazon.com/ec2/pricing/on-demand/",
    "Azure virtual machines pricing": "https://azure.microsoft.com/en-us/pricing/details/virtual-machines/linux/",
    "AWS Neuron documentation": "https://awsdocs-neuron.readthedocs-hosted.com/",
    "AMD ROCm documentation": "https://rocm.docs.amd.com/",
    # the PUEs of 1.1 (hyperscale) and 1.25 (other data centres): power_usage_effectiveness() in Epoch AI's code
    "Epoch AI energy.py": "https://github.com/epoch-research/training-cost-trends",
}
_ADDRESS = re.compile(r"https?://[^\s()<>,;'\"]+[^\s()<>,;.'\"]")
_ARXIV = re.compile(r"arXiv:\d{4}\.\d{4,5}")


def written_address(text: str) -> str | None:
    """The first web address a source text writes, or its arXiv id; None when it writes neither."""
    m = _ADDRESS.search(text) or _ARXIV.search(text)
    return m.group(0) if m else None


def address(text: str) -> str | None:
    """Where a reader can check a source text: the first web address it writes, its arXiv id, or the page of a
    publisher it names (``PUBLISHER_PAGES``); None when it names none."""
    if (written := written_address(text)) is not None:
        return written
    return next((url for words, url in PUBLISHER_PAGES.items() if words.lower() in text.lower()), None)


def referenced(text: str, sources: Mapping[str, Mapping[str, str]], skip: frozenset[str] = frozenset()) -> bool:
    """Whether a source text gives a reference a reader can look up: an address (``address``), or one of the tool's
    sources (by title, arXiv id or key). "no data centre: no cooling or power-delivery overhead" gives none: it states
    a setting, which a paper says in its text rather than citing (issue 55)."""
    return address(text) is not None or bool(cited_keys(text, sources) or named_keys(text, sources, skip))


def setting_words(text: str, sources: Mapping[str, Mapping[str, str]], skip: frozenset[str] = frozenset()) -> str:
    """An unreferenced source text (``referenced``) as the paragraph says it, plain (not LaTeX): without the
    parenthesis that ends it, which holds the tool's advice or an aside ("no data-centre cooling overhead … for a
    workstation (assumption: a server room adds a PUE above 1 and cooling water)"), and with no source key."""
    head = re.sub(r"\s*\([^()]*\)\s*$", "", text).strip().rstrip(",;:").strip()
    return unkeyed(head or text.strip(), sources, skip)


def _published(text: str) -> str:
    """The ``howpublished`` field of an entry built from ``text`` (", howpublished={…}"), or "" when it has no address."""
    where = address(text)
    return f", howpublished={{{latex_escape(where)}}}" if where else ""


def device_words(est: Estimate) -> frozenset[str]:
    """The words of the device's own name and id ("NVIDIA", "L4", "24GB"; "l4"): in its profile's source texts such a
    word names the device, never a source key that spells the same ("L4", the Llama 4 model card: the L4's
    datasheet entry read "NVIDIA Meta datasheet" and its statement cited the Llama 4 card)."""
    return frozenset(re.findall(r"[\w.]+", f"{est.hardware_name} {est.hardware_id}"))


def unkeyed(text: str, sources: Mapping[str, Mapping[str, str]], skip: frozenset[str] = frozenset()) -> str:
    """``text`` with each source key it names ("P21 Table 4") written as its citation's authors and year
    ("Patterson et al. 2021 Table 4"): a paper prints no key of this tool's source table. ``skip``: words that
    are not keys in this text (``device_words``)."""
    for key in named_keys(text, sources, skip):
        who = str(sources[key].get("cite", "")).split(",", 1)[0].strip()
        if who:
            text = re.sub(rf"(?<![\w-]){re.escape(key)}(?![\w-])", who, text)
    return text


def _key(est: Estimate, prefix: str) -> str:
    return f"{prefix}-" + re.sub(r"[^a-z0-9]+", "-", est.hardware_id.lower()).strip("-")


def hardware_entry(est: Estimate, sources: Mapping[str, Mapping[str, str]] | None = None) -> str | None:
    """A misc entry for the hardware's figures, from the profile's own source text: its peak's, or,
    for a known run (no peak used), its power's when the power is the profile's (export audit: a
    measured run's "735 W" had no source at all). A calibrated profile's entry (one with a
    ``[calibration]`` table) is its measurement (where, when, how, what it gave), not the vendor's
    datasheet: only its peak is the base's."""
    peak = next((x for x in est.assumptions if x.name == "peak_flops_per_s"), None)
    # the entry's key says which figure its note holds: one key, one content, whichever command wrote it (researcher
    # review 2026-11-28: "hw-a100-sxm-80gb" held the datasheet's peaks in one statement, the power fit in another)
    prefix = "hw"
    if peak is None:
        power = next((x for x in est.assumptions if x.name == "power_w"), None)
        peak, prefix = (power, "hw-power") if _from_profile(power) else (None, prefix)
    if peak is None:
        return None
    if est.calibration is not None:
        return _calibration_entry(est, est.calibration, peak)
    first = est.hardware_name.split()[0] if est.hardware_name.strip() else ""
    # the vendor is the datasheet's author; a reference point (the brain, AlphaGo) or a user's
    # profile has none to name, and ``key`` is what BibTeX styles sort it by; a power the tool fitted to measured
    # draws is not the vendor's either (researcher review 2026-11-29: NVIDIA was the author of the P100/V100 fit)
    fitted = prefix == "hw-power" and POWER_FIT.match(peak.source) is not None
    who = (f"author={{{{{latex_escape(first)}}}}}" if first in DATASHEET_VENDORS and not fitted
           else f"key={{{latex_escape(est.hardware_name)}}}")
    what = ("average power, as the tool fits it to measured draws (its TDP the vendor's)" if fitted
            else "power, as the tool's hardware profile records it" if prefix == "hw-power"
            else "specifications, as the tool's hardware profile records them")
    # the year the device was released: its datasheet's first edition (a later revision may differ)
    year = "" if est.hardware_release_year is None else f", year={{{est.hardware_release_year}}}"
    return (f"@misc{{{_key(est, prefix)}, {who}, "
            # the profile's figures, whose note says where each comes from (researcher review 2026-11-27: the H800's
            # entry read as NVIDIA's H800 datasheet, its figures the H100's taken as the H800's)
            f"title={{{{{latex_escape(est.hardware_name)}: {what}}}}}{_published(peak.source)}, "
            f"note={{{latex_escape(unkeyed(peak.source, sources or {}, device_words(est)))}}}{year}}}")


def _calibration_entry(est: Estimate, cal: CalibrationFacts, figure) -> str:
    """The entry of a calibrated profile: no vendor as author (the user measured it; ``key`` sorts it),
    the measurement's year, and a note with who measured it, where, when and how, the throughput and
    the power it gave when the estimate uses them, and where the peak comes from (the base profile's
    datasheet figure, or one the calibration raised), or the power's source when it is not the measured one."""
    when = f" at {cal.measured_at}" if measured_date(cal) else ""  # a time as the table writes it, when it is one
    if cal.imported_from:
        said = [f"Measured by {cal.imported_from} in {_run(cal)}{when}, imported with the calibration of {TOOL_NAME}"]
    else:
        how = f" by {no_paths(cal.method.strip())}" if cal.method else ""
        said = [f"Measured{' on ' + cal.host if cal.host else ''}{when}{how}, with the calibration of {TOOL_NAME}"]
    throughput = measured_throughput(est)
    if throughput is not None:
        said.append(f"throughput {hz.flops_rate(throughput[0])} per device at {throughput[1]}")
    if measured_power(est):
        said.append(f"mean power {hz.power(cal.mean_power_w)} per device ({meter_words(cal)})")
    if figure.name == "peak_flops_per_s":
        said.append(f"peak{' from the base profile ' + cal.base_profile if cal.base_profile else ''}: "
                    f"{_plain(cal, figure.source)}")
    elif not measured_power(est):
        said.append(f"power: {_plain(cal, figure.source)}")
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


def named_keys(source: str, sources: Mapping[str, object], skip: frozenset[str] = frozenset()) -> list[str]:
    """The source keys a preset's figure names in its source text ("S19: 1.58 …"), but those of ``skip`` (a
    profile's text: the device's own words, ``device_words``)."""
    return [k for k in sources if k not in (GRID_KEY, TOOL_KEY) and k not in skip
            and re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", source)]


def embodied_entry(est: Estimate, source: str, prefix: str = "emb", what: str = "embodied carbon") -> str:
    """A misc entry for an embodied figure whose source is in no sources.toml entry (a user's profile): the
    profile's own source text, as ``hardware_entry`` does for the datasheet (or another figure's: its PUE)."""
    # no author to name: ``key`` is what BibTeX styles sort such an entry by; the latest year the source names (a
    # price "read 2026-11") as its year (researcher review 2026-11-27: the price entries had none)
    years = [int(y) for y in _YEAR.findall(source)]
    year = f", year={{{max(years)}}}" if years else ""
    return (f"@misc{{{_key(est, prefix)}, key={{{latex_escape(est.hardware_name)}}}, "
            f"title={{{{{latex_escape(est.hardware_name)}: {what}}}}}{_published(source)}, "
            f"note={{{latex_escape(source)}}}{year}}}")


# a year 1950–2039: a count of 2,048 GPUs is no year (second code review 2026-11-27)
_YEAR = re.compile(r"(?<![\d.,])((?:19[5-9]|20[0-3])\d)(?![\d.,])")


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


# a shape the catalog lends a model of unknown shape (estimator/services/model_shape.py)
_ASSUMED_SHAPE = re.compile(r"with the (?:shape|width) of (?P<id>\S+) .*?: assumed, (?P<why>the (?:catalog's|nearest in parameter count) [^;]+)")


def no_layout_fits(est: Estimate) -> bool:
    """Whether the planner found no layout of the model that fits the devices (its time then the fitted
    utilisation's, ``services.training.step_setup``'s note): the misfit is said then too, as a layout given is."""
    return any(NO_LAYOUT_FITS in n for n in est.notes)


def before_flash_attention(est: Estimate) -> bool:
    """A GPU older than FlashAttention runs on (``memory.flash_attention_runs_on``): its kept activations are
    memory-efficient attention's, alike in size, other in name and source."""
    return not flash_attention_runs_on(est.hardware_kind, est.hardware_release_year)


def memory_sentence(est: Estimate, cite: Mapping[str, str], measured: bool = False) -> str:
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
    would = "" if measured else "would "  # an estimate's tense (researcher review 2026-11-27: "needs … which fits")
    if m.tight:  # within the last tenth of the device's memory (TIGHT_MEMORY_SHARE): said, as the table's line says it
        fit = (f", which {would}fit" + ("s" if measured else "") + latex_escape(
            f", tightly (above {TIGHT_MEMORY_SHARE:.0%} of the device's memory, where what the memory model leaves out, "
            "the CUDA context, communication buffers and fragmentation, may not fit)"))
    elif m.fits:
        fit = f", which {would}fit" + ("s" if measured else "")
    elif m.published_split_unrecorded:
        fit = (f" under the memory settings assumed here ({strategy}); the published run split its model across "
               "devices in a way the tool does not record (tensor, pipeline or sharded data parallelism), so this says "
               "nothing of whether the run's own setup fitted" + (f"; {fewest}" if fewest else ""))

    elif fewest:
        fit = f", which {'does' if measured else 'would'} not fit with {strategy}; {fewest}"
    else:
        fit = f", which {'does' if measured else 'would'} not fit on any number of them"
    assumed = _ASSUMED_SHAPE.search(m.how or m.shape.source or "")
    shape = (f" (the model's shape assumed from {latex_escape(assumed['id'])}, {latex_escape(assumed['why'].strip())})"
             if assumed else "")
    # rounded as the table's memory line (export.memory_line: memory.gb, and the capacity as number_text.gfmt)
    # the activations FlashAttention keeps (no attention scores stored: Dao et al. 2022), when it is the kernel counted
    # the old kernels said as such: a run before FlashAttention stored the scores (researcher review: BERT-base's 2019
    # run had read "with FlashAttention")
    flash = (" with the attention scores stored" if m.strategy.attention != "flash" else
             f" with memory-efficient attention{cite.get(MEM_EFFICIENT_KEY, '')} (no attention scores stored; "
             "FlashAttention does not run on GPUs before Turing)" if before_flash_attention(est) else
             f" with FlashAttention{cite.get(FLASH_KEY, '')}")
    return (f" Training {'needs' if measured else 'would need'} {latex_escape(gb(m.per_device.total_gb))}~GB per "
            "device for weights, gradients, Adam "
            f"states{cite.get(ZERO_KEY, '')} and activations{cite.get(ACT_MEM_KEY, '')}{flash}{shape} against "
            f"{latex_escape(capacity_gb_text(m.capacity_gb)).replace(' GB', '~GB').replace(' GiB', '~GiB')} of device memory{fit}.")


def whole_run_attention_words(w) -> str:
    """"; those FLOPs count less of the attention … would take 62.1 days": what 6·N·D leaves out of the step's FLOPs at
    this sequence, where it does (``WholeRunFit.attention_left_out``); "" else. The table's and the statement's words."""
    if not w.attention_left_out:
        return ""
    return (f"; those FLOPs count less of the attention than the step does at this sequence (its model FLOPs are "
            f"{gfmt(w.step_flops_ratio, 3)}× them): on the step's FLOPs the same utilisation would take "
            f"{hz.duration(w.wall_clock_s * w.step_flops_ratio)}")
