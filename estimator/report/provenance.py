"""What a reader needs to trace an export's figures to where they come from: the tool's name and
version, the inputs behind the numbers (grid and where it is, PUE, power, utilisation, peak, price,
water factors) as columns a CSV repeats on each row, the words for a figure with no range because
it rests on one measurement, and what the statement reads from the assumptions' source texts (the
water factor's fallback, a power that includes its host). Pure: an Estimate in, plain values out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from estimator.core.estimate import Estimate
from estimator.core.interval import STATED
from estimator.core.profile import Price
from estimator.report.latex_text import bib_key

# The tool's name, as its citation (estimator/data/sources.toml, [TOOL]) and the statement give it; its version
# is estimator.__version__, the one place the version lives.
TOOL_NAME = "Compute Cost Estimator"
TOOL_KEY = "TOOL"  # the tool's citation in estimator/data/sources.toml

# A figure whose range has no width because it rests on one measurement (a calibration from one run: a
# CodeCarbon log, an own command): the app's caption, the table's and Markdown's range cell, the statement.
ONE_FIGURE = "one measured figure: no range"

# The training-memory inputs (estimator/services/training_memory.MEMORY_KEYS, which a pure module may not import;
# tests/test_researcher_exports.py keeps the two equal): a statement states the memory verdict of a user's own
# run only when one of them was given, never of settings and a shape the user did not choose.
MEMORY_INPUTS = ("micro_batch", "seq_len", "zero", "activation_recompute", "tp", "pp", "model", "layers", "d_model",
                 "heads", "vocab")

# A grid intensity from CodeCarbon's data, as estimator/services/api.py labels it: "France (FRA): CodeCarbon
# 3.3.2 global_energy_mix.json (Our World in Data / Ember), 2023" or "gcp:europe-west1 (St. Ghislain,
# Belgium): CodeCarbon 3.3.2 cloud/impact.csv (provider's published region figures)".
CODECARBON_GRID = re.compile(r"(?P<label>.+?): CodeCarbon (?P<version>\S+) (?P<file>\S+) \((?P<origin>[^()]*)\)"
                             r"(?:, (?P<year>\d{4}))?")
_COUNTRY = re.compile(r"\((?P<code>[A-Z]{3})\)$")  # "France (FRA)"
# estimator/core/water.py's words when Li et al. give no figure for the grid's country
_WATER_FALLBACK = re.compile(r"no figure for (?P<code>\S+) there, so the U\.S\. average")
_US_AVERAGE = "U.S. average"  # the off-site factor's source text names it (estimator/core/water.py, EWIF_SOURCE)
# estimator/core/estimate.py's mark on a profile's power: whether it includes the device's share of its host
_HOST = re.compile(r"\(includes host share: (?P<yes>yes|no)\)$")


def tool_version() -> str:
    from estimator import __version__  # the package's own version (pyproject.toml reads it)
    return __version__


def tool_info() -> dict[str, str]:
    """The tool's name and version, as every export carries them (JSON's ``tool``)."""
    return {"name": TOOL_NAME, "version": tool_version()}


def tool_line(sources: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """ "Figures from Compute Cost Estimator 0.10.0; cite it with the BibTeX entry computecostestimator
    (the BibTeX export)." The entry's key is read from ``sources`` (estimator/data/sources.toml) when given."""
    entry = (sources or {}).get(TOOL_KEY)
    cite = f"; cite it with the BibTeX entry {bib_key(entry['bibtex'])} (the BibTeX export)" if entry else ""
    return f"Figures from {TOOL_NAME} {tool_version()}{cite}."


def one_figure(est: Estimate, key: str) -> bool:
    """Whether ``key`` rests on one measured figure: a stated range of no width (``Estimate.basis``)."""
    low, high = est.range.get(key, (None, None))
    return est.basis(key) == STATED and low is not None and low == high


def grid_place(source: str) -> tuple[str | None, str | None]:
    """(country code, cloud region) of a grid intensity from CodeCarbon's data, read from its source text:
    ("FRA", None), (None, "gcp:europe-west1"); (None, None) for the world average, a preset's or a given figure."""
    m = CODECARBON_GRID.fullmatch(source)
    if not m:
        return None, None
    if m["file"].startswith("cloud/"):
        return None, m["label"].split(" ", 1)[0]
    country = _COUNTRY.search(m["label"])
    return (country["code"] if country else None), None


def water_fallback(est: Estimate) -> str | None:
    """The grid's country when the off-site water factor is the U.S. average because Li et al. give no
    figure for it ("FRA"); None otherwise."""
    a = est.assumption("ewif_l_per_kwh")
    m = _WATER_FALLBACK.search(a.source) if a is not None else None
    return m["code"] if m else None


def water_is_us_average(est: Estimate) -> bool:
    """Whether the off-site water factor is the U.S. average (the default, or the fallback for a country
    Li et al. give no figure for)."""
    a = est.assumption("ewif_l_per_kwh")
    return a is not None and a.origin != "user" and _US_AVERAGE in a.source.split(";", 1)[0]


def power_includes_host(est: Estimate) -> bool | None:
    """Whether the power per device includes the device's share of its host (CPU, memory, network), as the
    profile says; None when the power is not a profile's (given, a preset's)."""
    a = est.assumption("power_w")
    m = _HOST.search(a.source) if a is not None else None
    return None if m is None else m["yes"] == "yes"


def price_basis(est: Estimate) -> str:
    """How the cost was priced: "electricity" (the user's price per kWh), "given" (a price per device-hour
    given), "preset", or the profile's price kind (on-demand, reserved, spot, other; "none" without one),
    as estimator/services/rows.price_basis says it for a comparison."""
    if est.assumption("electricity_usd_per_kwh") is not None:
        return "electricity"
    a = est.assumption("price_usd_per_device_hour")
    if a is None or a.value is None:
        return "none"
    if a.origin.startswith("profile:"):
        return Price(a.value, "", a.source, "").kind  # the kind read from its basis text, as the profile's
    return "preset" if a.origin.startswith("preset:") else "given"


# The context columns of a CSV (to_csv, compare_csv), the same on each row of an estimate: what the numbers were
# computed from, numbers unformatted in the units their names say, empty where the estimate has no such input.
CONTEXT_COLUMNS = ("hardware_name", "peak_flops_per_s", "utilization", "utilization_origin", "power_w", "power_origin",
                   "power_includes_host", "pue", "pue_origin", "region", "cloud", "carbon_intensity_g_per_kwh",
                   "carbon_intensity_source", "price_basis", "price_usd_per_device_hour", "electricity_usd_per_kwh",
                   "wue_l_per_kwh", "ewif_l_per_kwh", "tool", "tool_version")
# Those of them that hold text (an origin, a source, a place, a yes/no as true/false); the others hold numbers.
TEXT_COLUMNS = ("hardware_name", "utilization_origin", "power_origin", "power_includes_host", "pue_origin", "region",
                "cloud", "carbon_intensity_source", "price_basis", "tool", "tool_version")


def context(est: Estimate) -> dict[str, object]:
    """The values of ``CONTEXT_COLUMNS`` for ``est``: numbers as numbers, text as text, None where missing."""
    def value(name):
        a = est.assumption(name)
        return None if a is None else a.value

    def origin(name):
        a = est.assumption(name)
        return None if a is None else a.origin

    ci = est.assumption("carbon_intensity_g_per_kwh")
    region, cloud = grid_place(ci.source) if ci is not None else (None, None)
    util = est.utilization.value if est.utilization is not None else value("utilization")
    return {"hardware_name": est.hardware_name, "peak_flops_per_s": value("peak_flops_per_s"), "utilization": util,
            "utilization_origin": est.utilization.origin if est.utilization is not None else origin("utilization"),
            "power_w": value("power_w"), "power_origin": origin("power_w"), "power_includes_host": power_includes_host(est),
            "pue": value("pue"), "pue_origin": origin("pue"), "region": region, "cloud": cloud,
            "carbon_intensity_g_per_kwh": value("carbon_intensity_g_per_kwh"),
            "carbon_intensity_source": None if ci is None else ci.source, "price_basis": price_basis(est),
            "price_usd_per_device_hour": value("price_usd_per_device_hour"),
            "electricity_usd_per_kwh": value("electricity_usd_per_kwh"), "wue_l_per_kwh": value("wue_l_per_kwh"),
            "ewif_l_per_kwh": value("ewif_l_per_kwh"), "tool": TOOL_NAME, "tool_version": tool_version()}


def memory_given(scenario: Mapping | None) -> bool:
    """Whether the inputs (``scenario``, as the CLI and the app echo them) set one of the training-memory inputs."""
    return any((scenario or {}).get(k) is not None for k in MEMORY_INPUTS)
