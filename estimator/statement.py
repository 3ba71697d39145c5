r"""A compute and carbon statement a researcher can paste into a paper: a ``.tex`` paragraph and
the ``.bib`` file it cites. Pure: an Estimate and the citations in, two texts out.

The paragraph is worded as an estimate ("We estimate that training … would take …") unless the
run's time was given (a measured run: "Training took …"). It says what the ranges mean in one
sentence, and cites the tool with its version, the utilisation fit and its data (Epoch AI) when
the fit was used, the hardware's datasheet, and the grid data (CodeCarbon and its source).

BibTeX: only entry types that standard BibTeX styles define (article, inproceedings, misc),
every title in double braces so that a style's lower-casing keeps "GPT-3" and "NVIDIA" as they
are, and web addresses as plain text (a \\url command would need a package the paper may not load).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from . import humanize as hz
from .estimate import Estimate

# BibTeX entry types every standard style (plain, unsrt, alpha, abbrv) defines: anything else
# (biblatex's @software, @online) makes BibTeX warn "entry type … isn't style-file defined".
STANDARD_TYPES = ("article", "book", "inproceedings", "incollection", "misc", "techreport", "phdthesis")
TOOL_KEY, EPOCH_KEY, GRID_KEY = "TOOL", "EPOCH", "CC"

_LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                  "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
                  "₂": r"$_2$", "×": r"$\times$", "–": "--", "≈": r"$\approx$", "·": r"$\cdot$", "÷": r"$\div$",
                  "⁰": "", "¹": "", "²": "", "³": "", "⁴": "", "⁵": "", "⁶": "", "⁷": "", "⁸": "", "⁹": "", "⁻": ""}
_SUPER = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-"}


def latex_escape(text: str) -> str:
    """Plain text for LaTeX: special characters escaped, '× 10²³' as $\\times 10^{23}$."""
    text = re.sub(r"× 10([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)", lambda m: "×10^{" + "".join(_SUPER[c] for c in m.group(1)) + "}", str(text))
    out = []
    for part in re.split(r"(×10\^\{-?\d+\})", text):
        if part.startswith("×10^{"):
            out.append(r"$\times 10" + part[3:] + "$")
        else:
            out.append("".join(_LATEX_SPECIAL.get(ch, ch) for ch in part))
    return "".join(out)


def bib_key(bibtex: str) -> str:
    return bibtex.split("{", 1)[1].split(",", 1)[0].strip()


def normalize_bibtex(bibtex: str) -> str:
    """One entry, with a standard type (an unknown type becomes misc) and its title protected."""
    m = re.match(r"\s*@(\w+)\s*\{", bibtex)
    if not m:
        raise ValueError(f"not a BibTeX entry: {bibtex[:40]!r}")
    kind = m.group(1).lower()
    entry = bibtex if kind in STANDARD_TYPES else "@misc{" + bibtex[m.end():]
    # \url needs the url package, which the paper may not load: write addresses as plain text
    entry = re.sub(r"\\url\{([^{}]*)\}", lambda u: latex_escape(u.group(1)), entry)

    def protect(t):
        value = t.group(2)
        if value.startswith("{") and value.endswith("}"):
            return t.group(0)
        return f"{t.group(1)}{{{{{value}}}}}"
    # title={...}: wrap the value in one more pair of braces (nested braces allowed one level deep)
    entry = re.sub(r"(\btitle\s*=\s*)\{((?:[^{}]|\{[^{}]*\})*)\}", protect, entry, count=1)
    return entry.strip()


@dataclass(frozen=True)
class Statement:
    tex: str
    bib: str
    keys: tuple[str, ...]


def _range(fmt, est: Estimate, key: str) -> str:
    low, high = est.range[key]
    if low is None or low == high:
        return ""
    return f" ({_pct(est.level)} range {latex_escape(fmt(low))}--{latex_escape(fmt(high))})"


def _pct(x: float) -> str:
    return latex_escape(f"{x:.0%}")


def hardware_entry(est: Estimate) -> str | None:
    """A misc entry for the hardware's figures, from the profile's own source text."""
    peak = next((x for x in est.assumptions if x.name == "peak_flops_per_s"), None)
    if peak is None:
        return None
    key = "hw-" + re.sub(r"[^a-z0-9]+", "-", est.hardware_id.lower()).strip("-")
    vendor = est.hardware_name.split()[0] if est.hardware_name.strip() else "Vendor"  # NVIDIA, Google, AMD, Intel
    return (f"@misc{{{key}, author={{{{{latex_escape(vendor)}}}}}, "
            f"title={{{{{latex_escape(est.hardware_name)}: specifications}}}}, note={{{latex_escape(peak.source)}}}}}")


def statement(est: Estimate, sources: Mapping[str, Mapping[str, str]], *, version: str, title: str | None = None,
              extra_keys: tuple[str, ...] = ()) -> Statement:
    """The .tex paragraph and its .bib for ``est``.

    ``sources``: key → {cite, bibtex} (estimator/data/sources.toml); ``extra_keys``: more source
    keys to cite (a preset's). The hardware's entry is built from the profile's peak source."""
    hardware_bibtex = hardware_entry(est)
    a = {x.name: x for x in est.assumptions}
    measured = "hours" in a or "device_hours" in a
    fitted = est.utilization is not None and est.utilization.origin.startswith("fit:")
    keys = [TOOL_KEY] + ([EPOCH_KEY] if fitted else []) + [GRID_KEY] + [k for k in extra_keys if k in sources]
    entries = {}
    for k in dict.fromkeys(keys):
        if k in sources:
            entries[k] = normalize_bibtex(sources[k]["bibtex"].replace("{version}", version))
    if hardware_bibtex:
        entries["HW"] = normalize_bibtex(hardware_bibtex)
    cite = {k: r"~\cite{" + bib_key(v) + "}" for k, v in entries.items()}
    tool = latex_escape(f"Compute Cost Estimator {version}")
    what = "the model" if not title else latex_escape(title)
    devices = f"{latex_escape(hz.count(est.devices))}~$\\times$~{latex_escape(est.hardware_name)}{cite.get('HW', '')}"
    flops = f" ({latex_escape(hz.sci(est.flops))} FLOPs)" if est.flops else ""
    energy = (f"{latex_escape(hz.energy(est.energy_kwh))}{_range(hz.energy, est, 'energy_kwh')} of electricity "
              f"at a PUE of {latex_escape(hz.sig(a['pue'].value))}")
    co2 = (f"{latex_escape(hz.co2e(est.co2e_kg))}{_range(hz.co2e, est, 'co2e_kg')} at a grid carbon intensity of "
           f"{latex_escape(hz.sig(a['carbon_intensity_g_per_kwh'].value))}~g\\,CO$_2$e/kWh{cite.get(GRID_KEY, '')}")
    power = f"an average of {latex_escape(hz.sig(a['power_w'].value))}~W per device"
    if measured:
        text = (f"Training {what}{flops} took {latex_escape(hz.duration(est.wall_clock_s))} on {devices}, "
                f"{latex_escape(hz.count(est.device_hours))} device-hours. At {power}, this corresponds to "
                f"{energy}, and to {co2}.")
    else:
        u = est.utilization
        util = (f"a whole-run utilisation of {latex_escape(hz.sig(u.value))} of peak"
                + (f", fitted on {u.n_runs} published training runs{cite.get(EPOCH_KEY, '')}" if fitted else ""))
        text = (f"We estimate that training {what}{flops} on {devices} would take "
                f"{latex_escape(hz.duration(est.wall_clock_s))}{_range(hz.duration, est, 'wall_clock_s')}, "
                f"or {latex_escape(hz.count(est.device_hours))} device-hours, assuming {util}. At {power}, this "
                f"would use {energy}, and emit {co2}.")
        text += (f" The ranges are {_pct(est.level)} prediction intervals: about {_pct(est.level)} of comparable "
                 "published runs fall inside them; the PUE and grid intensity are taken as exact.")
    presets = [cite[k] for k in extra_keys if k in cite]
    if presets:
        text += f" The scenario follows the published run{'s' if len(presets) > 1 else ''}{''.join(presets)}."
    if est.cost_usd is not None:
        text += f" At the assumed prices this costs about {latex_escape(hz.money(est.cost_usd))}."
    text += f" Figures from {tool}{cite.get(TOOL_KEY, '')}."
    tex = ("% Compute and carbon statement generated by Compute Cost Estimator " + version + ".\n"
           "% \\input this file; cite with the .bib file beside it (\\bibliography{<its name>}).\n" + text + "\n")
    bib = "\n\n".join(entries.values()) + "\n"
    return Statement(tex, bib, tuple(bib_key(v) for v in entries.values()))
