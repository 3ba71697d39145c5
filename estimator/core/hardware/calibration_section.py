"""A profile's ``[calibration]`` table, checked on load: what was measured, where, when and how.

Pure: the table (from a profile's data) in, the checked table out, or a ProfileError naming the
file, the field and the fix (through the profile reader's ``fail``). A calibrated profile's
throughput and power are read from its ``[utilization]`` and ``[power]`` tables; ``[calibration]``
records the measurement behind them (``estimator/core/calibration/calibrate.py`` writes it), and the pages
and the CLI show it, so a hand-edited value of the wrong type or one that contradicts the power
used is refused here rather than failing where it is shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from estimator.core.base.number_text import gfmt

CALIBRATION_KEYS = {
    "measured_at", "host", "method", "base_profile", "backend", "power_source", "power_is_estimate",
    "device_name", "precision", "achieved_flops_per_s", "utilization", "mean_power_w", "energy_j",
    "duration_s", "peak_raised", "workload_flops", "command", "devices", "imported_at", "details", "points",
    "warnings",
}
CALIBRATION_POINT_KEYS = {"precision", "size", "shape", "reps", "seconds", "flops_per_s", "utilization"}

# The types of the fields the pages and the CLI read (``details`` is the backend's free-form record).
_TEXT = ("measured_at", "host", "method", "base_profile", "backend", "power_source", "device_name", "precision",
         "imported_at")
_POSITIVE = ("achieved_flops_per_s", "utilization", "mean_power_w", "duration_s", "workload_flops", "devices")
_FLAGS = ("power_is_estimate", "peak_raised")
_POINT_POSITIVE = ("size", "reps", "seconds", "flops_per_s", "utilization")

# How the built-in workload's calibrations begin their ``method`` (``monitor/calibration_run.py`` writes it):
# what tells its matrix products from a run of the user's own (a command, a tracked training loop, a log).
BUILTIN_METHOD = "built-in matmul workload"

# How far the recorded mean power may differ from the power the profile uses before the two
# contradict each other: the calibration writes the same number to both (rounding only).
POWER_AGREEMENT = 1e-6


def _number(r, value, where: str, allow_zero: bool = False) -> None:
    r.number({"v": value}, "v", where, allow_zero=allow_zero, hint="write a plain positive number")


# How far the recorded throughput may differ from utilisation × peak: the calibration writes one as
# the other times the peak (rounding only).
THROUGHPUT_AGREEMENT = 1e-6


def read_calibration(r, calibration: Mapping[str, Any] | None, average_w: float,
                     peaks: Mapping[str, float] | None = None) -> dict | None:
    """The checked ``[calibration]`` table (None without one). ``r``: the profile reader (its
    ``fail``, ``number`` and ``known_keys``); ``average_w``: the power the profile uses; ``peaks``:
    the profile's peak FLOP/s by precision (the recorded throughput is its utilisation × one)."""
    if not calibration:
        return None
    if not (isinstance(calibration.get("method"), str) and calibration["method"].strip()):
        # the record of how it was measured is what the pages and the statement cite (calibrate audit: a
        # profile without it validated "ok")
        r.fail("calibration.method", "missing or empty text", 'add method = "..." (how the throughput and power were '
               "measured), or remove the [calibration] table")
    for key in _TEXT:
        if key in calibration and not isinstance(calibration[key], str):
            r.fail(f"calibration.{key}", f"expected text, got {calibration[key]!r}"[:120], "put the value in quotes")
    for key in _POSITIVE:
        if key in calibration:
            _number(r, calibration[key], f"calibration.{key}")
    if "energy_j" in calibration:
        _number(r, calibration["energy_j"], "calibration.energy_j", allow_zero=True)
    for key in _FLAGS:
        if key in calibration and not isinstance(calibration[key], bool):
            r.fail(f"calibration.{key}", f"expected true or false, got {calibration[key]!r}"[:120], "write true or false")
    mean = calibration.get("mean_power_w")
    if mean is not None and not math.isclose(float(mean), average_w, rel_tol=POWER_AGREEMENT):
        r.fail("calibration.mean_power_w", f"{gfmt(float(mean))} W measured, but power.average_w is {gfmt(average_w)} W",
               "make the two agree (the estimate uses power.average_w), or remove mean_power_w")
    achieved, util, precision = (calibration.get(k) for k in ("achieved_flops_per_s", "utilization", "precision"))
    if achieved is not None and util is not None and peaks and precision in peaks:
        expected = float(util) * peaks[precision]
        if not math.isclose(float(achieved), expected, rel_tol=THROUGHPUT_AGREEMENT):
            r.fail("calibration.achieved_flops_per_s",
                   f"{gfmt(float(achieved))} FLOP/s, but calibration.utilization {gfmt(float(util))} × the {precision} "
                   f"peak is {gfmt(expected)} FLOP/s",
                   "make the two agree (the estimate uses the utilisation), or remove achieved_flops_per_s")
    warnings = calibration.get("warnings", [])
    if not (isinstance(warnings, list) and all(isinstance(w, str) and w.strip() for w in warnings)):
        r.fail("calibration.warnings", f"expected a list of texts, got {warnings!r}"[:120],
               'write warnings = ["..."], or remove it')
    points = calibration.get("points", [])
    if not isinstance(points, list):
        r.fail("calibration.points", f"expected an array of tables, got {points!r}"[:120],
               "write each point as [[calibration.points]]")
    for i, point in enumerate(points):
        where = f"calibration.points[{i}]"
        if not isinstance(point, Mapping):
            r.fail(where, "expected a table", "write each point as [[calibration.points]]")
        r.known_keys(point, CALIBRATION_POINT_KEYS, where)
        if "precision" in point and not isinstance(point["precision"], str):
            r.fail(f"{where}.precision", f"expected text, got {point['precision']!r}"[:120], "put the value in quotes")
        for key in _POINT_POSITIVE:
            if key in point:
                _number(r, point[key], f"{where}.{key}")
        shape = point.get("shape")
        if shape is not None:
            if not isinstance(shape, list) or not shape:
                r.fail(f"{where}.shape", f"expected a list of sizes, got {shape!r}"[:120], "write shape = [m, k, n]")
            for j, dim in enumerate(shape):
                _number(r, dim, f"{where}.shape[{j}]")
    return dict(calibration)


def measured_utilization(calibration: Mapping[str, Any] | None, precision: str,
                         peak_flops_per_s: float) -> tuple[float, float, float] | None:
    """(centre, low, high) utilisation measured at ``precision``, when the calibration measured it
    but the profile's own utilisation is another precision's: all its FLOPs over all its time ÷ the
    peak, and the slowest and fastest problem sizes (as ``calibrate`` makes the profile's own). None
    when the profile's utilisation is this precision's, or the calibration has no point at it.
    (Calibrate audit: --precision fp64 took the fp32 utilisation to the fp64 peak, 13.4 GFLOP/s where
    17.1 were measured.)"""
    if not calibration or calibration.get("precision") == precision or not peak_flops_per_s > 0:
        return None
    points = [p for p in calibration.get("points", ()) if isinstance(p, Mapping) and p.get("precision") == precision
              and p.get("flops_per_s") and p.get("seconds")]
    if not points:
        return None
    flops = sum(float(p["flops_per_s"]) * float(p["seconds"]) for p in points)
    centre = flops / sum(float(p["seconds"]) for p in points) / peak_flops_per_s
    each = [float(p["flops_per_s"]) / peak_flops_per_s for p in points]
    return min(centre, 1.0), min(min(each), centre, 1.0), min(max(max(each), centre), 1.0)


# The backend an imported CodeCarbon log's measurement names (estimator/io/calibration_io.py, which a pure
# module may not import): its run was measured on a machine this tool never saw.
CODECARBON_LOG_BACKEND = "codecarbon-csv"


@dataclass(frozen=True)
class CalibrationFacts:
    """A calibrated profile's ``[calibration]`` table as an estimate carries it (``Estimate.calibration``),
    so that what it says of a measurement (the paper statement) is read from the table, never from
    the profile's source texts: where, when and how it measured, the throughput and utilisation
    at ``precision``, the mean power and its meter, and for an imported CodeCarbon log the tool
    that logged the run and the run's id (its "host" is a label this tool made up)."""

    host: str | None = None
    measured_at: str | None = None
    method: str | None = None
    base_profile: str | None = None
    precision: str | None = None                # of the measured throughput and utilisation
    achieved_flops_per_s: float | None = None   # per device
    utilization: float | None = None            # the measured throughput ÷ the ``precision`` peak
    precisions: tuple[str, ...] = ()            # every precision the calibration's points measured
    mean_power_w: float | None = None           # None: no power measured (the base profile's kept)
    power_source: str | None = None             # the meter's label (estimator/device/base.py)
    power_is_estimate: bool = False
    power_includes_host: bool = False           # the profile's power: the device's alone unless true
    peak_raised: bool = False
    imported_from: str | None = None            # "CodeCarbon 3.3.2": a CodeCarbon log imported, else None
    run_id: str | None = None                   # that log's run
    # why the measurement was likely unreliable when it was made (a busy machine, its checks far off):
    # written by a calibration that warned and was kept anyway (``calibrate --force``, the app's Save)
    warnings: tuple[str, ...] = ()
    # the built-in workload (matrix products alone), not a run of the user's own (a command, a training
    # loop that ``track`` measured, an imported CodeCarbon log): its throughput is an upper bound for a run's
    matrix_products_only: bool = False


def calibration_facts(calibration: Mapping[str, Any] | None, includes_host: bool = False) -> CalibrationFacts | None:
    """The facts of a checked ``[calibration]`` table (``read_calibration``); None without one.
    ``includes_host``: whether the profile's power includes its host's share."""
    if not calibration:
        return None
    t = calibration
    details = t.get("details") if isinstance(t.get("details"), Mapping) else {}
    imported = t.get("backend") == CODECARBON_LOG_BACKEND or "imported_at" in t
    version = str(details.get("codecarbon_version") or "").strip()
    points = [p for p in t.get("points") or () if isinstance(p, Mapping) and isinstance(p.get("precision"), str)]
    text = {k: t.get(k) if isinstance(t.get(k), str) else None
            for k in ("host", "measured_at", "method", "base_profile", "precision", "power_source")}
    number = {k: float(t[k]) if isinstance(t.get(k), (int, float)) else None
              for k in ("achieved_flops_per_s", "utilization", "mean_power_w")}
    return CalibrationFacts(
        **text, **number, precisions=tuple(dict.fromkeys(p["precision"] for p in points)),
        power_is_estimate=t.get("power_is_estimate") is True, power_includes_host=bool(includes_host),
        peak_raised=t.get("peak_raised") is True,
        imported_from=(f"CodeCarbon {version}" if version else "CodeCarbon") if imported else None,
        run_id=str(details.get("run_id") or "") or None if imported else None,
        warnings=tuple(w for w in t.get("warnings") or () if isinstance(w, str)),
        # by its method, as the built-in workload writes it (review: "no command" had also caught profiles that
        # ``track`` writes from the user's own training loop)
        matrix_products_only=(not imported and not t.get("command")
                              and str(t.get("method") or "").startswith(BUILTIN_METHOD)))


__all__ = ["BUILTIN_METHOD", "LONGER_RUN_MARKERS", "LONGER_RUN_WORDS", "CALIBRATION_KEYS", "CALIBRATION_POINT_KEYS", "CODECARBON_LOG_BACKEND", "CalibrationFacts",
           "calibration_facts", "measured_utilization", "read_calibration"]


# How a calibration's warning says its windows were too short to measure (monitor/track_energy.py writes it); a profile
# carrying it is answered with a longer run, not an idle machine (core/training/words.py)
LONGER_RUN_WORDS = "measure a longer run"
# and the words profiles written before 2026-11-29 carry (diff review: their warning was no longer recognised)
LONGER_RUN_MARKERS = (LONGER_RUN_WORDS, "(a longer run is)")
