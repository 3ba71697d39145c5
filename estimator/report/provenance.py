"""What a reader needs to trace an export's figures to where they come from: the tool's name and
version, the inputs behind the numbers (grid and where it is, PUE, power, utilisation, peak, price,
water factors) as columns a CSV repeats on each row, and the words for a figure with no range because
it rests on one measurement. The facts come as data on the Estimate, set where the estimate decides them
(``Estimate.grid``, ``price_basis``, ``power_includes_host``, ``ewif_country``, ``ewif_fallback_country``):
no source text is read back. Pure: an Estimate in, plain values out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import urlsplit, urlunsplit

from estimator.core.base.interval import ONE_ESTIMATED_FIGURE, ONE_FIGURE, STATED
from estimator.core.base.tool import TOOL_NAME
from estimator.core.training.estimate import Estimate
from estimator.core.training.memory import PLAN_INPUTS
from estimator.report.latex_text import bib_key

TOOL_KEY = "TOOL"  # the tool's citation in estimator/data/sources.toml
# Where this tool is published, when its deployment says so: the same setting the Lecture page's share box starts
# from (app_pages/pages/lecture.py); the tool's own BibTeX entry gives it as its address (read at the edges:
# estimator.io.paths.tool_public_url). The project
# has no public address of its own, so the entry has none while it is unset.
PUBLIC_URL_ENV = "ESTIMATOR_PUBLIC_URL"


def tool_version() -> str:
    from estimator.core.base.tool import __version__  # the package's own version (pyproject.toml reads it)
    return __version__


def public_url(environ: Mapping[str, str]) -> str | None:
    """The tool's public address from ``environ``'s ``PUBLIC_URL_ENV``: an http(s) address with a host, its trailing
    slash, query and fragment dropped (as the share box checks a base URL); None when it is unset, empty or not
    such an address (then no entry names one)."""
    parts = urlsplit((environ.get(PUBLIC_URL_ENV) or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def tool_info() -> dict[str, str]:
    """The tool's name and version, as every export carries them (JSON's ``tool``)."""
    return {"name": TOOL_NAME, "version": tool_version()}


def figures_from(version: str, cite: str = "", escape: Callable[[str], str] = str) -> str:
    """The sentence that names the tool behind the figures, in Markdown and in the statement: "Figures from
    Compute Cost Estimator 0.10.0" and ``cite`` (the statement's \\cite, or where to find the BibTeX entry),
    the name and version passed through ``escape`` (the statement's LaTeX escaping)."""
    return f"Figures from {escape(f'{TOOL_NAME} {version}')}{cite}."


def tool_line(sources: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """ "Figures from Compute Cost Estimator 0.10.0; cite it with the BibTeX entry computecostestimator
    (the BibTeX export)." The entry's key is read from ``sources`` (estimator/data/sources.toml) when given."""
    entry = (sources or {}).get(TOOL_KEY)
    cite = f"; cite it with the BibTeX entry {bib_key(entry['bibtex'])} (the BibTeX export)" if entry else ""
    return figures_from(tool_version(), cite)


def one_figure(est: Estimate, key: str) -> bool:
    """Whether ``key`` rests on one measured figure: a stated range of no width (``Estimate.basis``)."""
    low, high = est.range.get(key, (None, None))
    return est.basis(key) == STATED and low is not None and low == high


# The training time beside device-hours given without a device count: one device's, the tool's default (researcher
# review 2026-12-01: the table printed "Training time 1.14 years" where the statement states no wall clock)
ONE_DEVICE_TIME = "on one device: no device count given"


def one_device_time(est: Estimate, key: str) -> bool:
    """Whether ``key`` is the training time of device-hours given without a device count (the count the default)."""
    count = est.assumption("devices")
    return (key == "wall_clock_s" and count is not None and count.origin == "default"
            and est.assumption("device_hours") is not None)


# The figures that rest on the power as well as the time: their one figure is the power's kind's (the cost where it is
# priced per kWh: ``rests_on_power``)
POWER_FIGURES = frozenset({"energy_kwh", "co2e_kg", "water_l", "cost_usd"})


def rests_on_power(est: Estimate, key: str) -> bool:
    """Whether ``key`` follows the power as well as the time: the energy and what follows it, the cost where it is
    priced per kWh."""
    return key in POWER_FIGURES and (key != "cost_usd" or est.assumption("electricity_usd_per_kwh") is not None)


def power_estimated(est: Estimate) -> bool:
    """Whether the estimate's power is a calibration's modelled one, not a meter's reading."""
    cal = getattr(est, "calibration", None)
    return bool(cal is not None and cal.power_is_estimate)


def one_figure_words(est: Estimate, key: str) -> str:
    """What a figure on one measurement is called (``one_figure``): ``ONE_FIGURE``, or ``ONE_ESTIMATED_FIGURE`` for one
    that rests on a power modelled, not metered."""
    return ONE_ESTIMATED_FIGURE if rests_on_power(est, key) and power_estimated(est) else ONE_FIGURE


# The context columns of a CSV (to_csv, compare_csv), the same on each row of an estimate: what the numbers were
# computed from, numbers unformatted in the units their names say, empty where the estimate has no such input.
CONTEXT_COLUMNS = ("hardware_name", "peak_flops_per_s", "utilization", "utilization_origin", "power_w", "power_origin",
                   "power_includes_host", "pue", "pue_origin", "region", "cloud", "carbon_intensity_g_per_kwh",
                   "carbon_intensity_source", "price_basis", "price_usd_per_device_hour", "electricity_usd_per_kwh",
                   "wue_l_per_kwh", "ewif_l_per_kwh", "embodied_kg_co2e_per_device", "lifetime_years", "notes",
                   "tool", "tool_version")
# Those of CONTEXT_COLUMNS that hold text (an origin, a source, a place, a yes/no as true/false); the others hold numbers.
CONTEXT_TEXT_COLUMNS = ("hardware_name", "utilization_origin", "power_origin", "power_includes_host", "pue_origin",
                        "region", "cloud", "carbon_intensity_source", "price_basis", "notes", "tool", "tool_version")
# Between an estimate's notes in its one ``notes`` cell (a note may hold "; " itself).
NOTES_SEPARATOR = " | "


def context(est: Estimate) -> dict[str, object]:
    """The values of ``CONTEXT_COLUMNS`` for ``est``: numbers as numbers, text as text, None where missing."""
    def value(name):
        a = est.assumption(name)
        return None if a is None else a.value

    def origin(name):
        a = est.assumption(name)
        return None if a is None else a.origin

    ci = est.assumption("carbon_intensity_g_per_kwh")
    grid = est.grid
    cloud = grid.cloud_region if grid is not None else None
    # a country given, not a cloud's; with a region inside it as country:region, as `--region` takes it (researcher
    # review 2026-11-28: California's intensity beside region "USA")
    region = (None if grid is None or cloud is not None else
              f"{grid.country}:{grid.region}" if grid.region else grid.country)
    util = est.utilization.value if est.utilization is not None else value("utilization")
    return {"hardware_name": est.hardware_name, "peak_flops_per_s": value("peak_flops_per_s"), "utilization": util,
            "utilization_origin": est.utilization.origin if est.utilization is not None else origin("utilization"),
            "power_w": value("power_w"), "power_origin": origin("power_w"), "power_includes_host": est.power_includes_host,
            "pue": value("pue"), "pue_origin": origin("pue"), "region": region, "cloud": cloud,
            "carbon_intensity_g_per_kwh": value("carbon_intensity_g_per_kwh"),
            "carbon_intensity_source": None if ci is None else ci.source, "price_basis": est.price_basis,
            "price_usd_per_device_hour": value("price_usd_per_device_hour"),
            "electricity_usd_per_kwh": value("electricity_usd_per_kwh"), "wue_l_per_kwh": value("wue_l_per_kwh"),
            "ewif_l_per_kwh": value("ewif_l_per_kwh"),
            # the embodied CO₂e's inputs and the estimate's caveats (researcher audit: a CSV alone lost them)
            "embodied_kg_co2e_per_device": value("embodied_kg_co2e_per_device") if est.embodied_co2e_kg is not None else None,
            "lifetime_years": value("lifetime_years") if est.embodied_co2e_kg is not None else None,
            "notes": NOTES_SEPARATOR.join(est.notes) or None, "tool": TOOL_NAME, "tool_version": tool_version()}


def memory_given(scenario: Mapping | None) -> bool:
    """Whether the inputs (``scenario``, as the CLI and the app echo them) say how the run's memory is split: one of the
    parallel plan's inputs (``PLAN_INPUTS``: ZeRO, recomputation, the parallel degrees, the attention kernel). A model,
    a micro-batch or a sequence alone leave the split to the planner (where the step model times the run, its layout)
    or to defaults nobody chose (researcher review 2026-11-27: "took 5.00 days", then "needs 139 GB … which does not
    fit with no ZeRO sharding"; code review: a micro-batch alone had counted as a split)."""
    return any((scenario or {}).get(k) is not None for k in PLAN_INPUTS)
