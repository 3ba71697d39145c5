"""Calibration arithmetic (pure): measured throughput and power → a calibrated profile's data.

- achieved FLOP/s = FLOPs ÷ (seconds × devices);
- utilisation = achieved ÷ the base profile's peak for the measured precision, kept in
  (0, 1]: a measurement above the peak raises the peak to the measured value (and says so);
- power.average_w = measured mean power. Without a power reading the base's power is kept only
  where the measured device is the base's own device (a GPU named as the base): a CPU base is a
  whole 450 W server, and its power beside a small machine's measured throughput gave energies
  ~70× too high (track audit), so no such profile is made (``require_power_or_base_device``);
- [calibration] records when, where and how, the throughput per problem size, and the
  backend's details. ``utilization_at_size`` picks the throughput of the nearest size.
No file I/O here: ``calibration_io`` writes the data, the CLI and the app measure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from estimator.core.base import bounds as B
from estimator.core.base import validation as val
from estimator.core.base.bounds import ACHIEVED_FLOPS_PER_S, UTILIZATION
from estimator.core.base.errors import InputError, MeasurementError
from estimator.core.base.number_text import gfmt
from estimator.core.calibration.checks import (  # noqa: F401  the prediction checks, re-exported
    AS_ESTIMATE,
    PredictionCheck,
    clamp_fraction,
    predict_wall_time,
    prediction_check,
    utilization_at_size,
)
from estimator.core.hardware.base_profile import cpu_base_power_words, guess_base_profile, whole_server_price
from estimator.core.hardware.fields import MAX_OVER_TDP
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.hardware.reader import profile_from_dict
from estimator.core.hardware.schema import POWER_W_BOUNDS
from estimator.core.hardware.writer import drop_none, profile_to_dict  # noqa: F401  (re-exported: the CLI and tests read them here)

# How far a measurement may exceed the base profile's datasheet peak before it is taken for a
# mistake (wrong --flops, or a base profile of other hardware) rather than a device a little
# faster than its base (a higher-clocked part, a datasheet peak quoted at base clock): 1.5×.
# A design choice, not a measured figure.
MAX_OVER_PEAK = 1.5
# The same for the measured mean power against the TDP: hardware/fields.MAX_OVER_TDP.


def achieved_flops_per_s(flops: float, seconds: float, devices: int = 1) -> float:
    """FLOP/s per device of ``flops`` done in ``seconds`` on ``devices`` whole devices."""
    val.require_number_in("FLOPs", flops, B.FLOPS, field="flops")
    n = val.require_whole("devices", devices, B.DEVICES)
    if not (seconds > 0 and math.isfinite(seconds)):
        raise MeasurementError(f"the measured run lasted {seconds!r} s; no throughput can be derived")
    return flops / (seconds * n)


@dataclass(frozen=True)
class Throughput:
    """Measured throughput of one problem size and precision (one device)."""

    precision: str
    flops_per_s: float
    size: float | None = None      # (m·k·n)^(1/3); None for a whole user run
    shape: tuple[int, int, int] | None = None
    reps: int | None = None
    seconds: float | None = None


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-.") or "host"


def default_profile_id(base_id: str, host: str) -> str:
    return slug(f"{base_id}-cal-{host}")


def choose_precision(base: HardwareProfile, measured: Sequence[str]) -> str:
    """The base's default precision if it was measured, else the measured one with the highest peak."""
    usable = [p for p in measured if p in base.peak_flops_per_s]
    if not usable:
        raise InputError(f"none of the measured precisions ({', '.join(measured)}) has a peak in {base.id}; "
                         f"it has: {', '.join(base.peak_flops_per_s)}", field="precision")
    if base.default_precision in usable:
        return base.default_precision
    return max(usable, key=base.peak)


def combined_flops_per_s(points: Sequence[Throughput], precision: str) -> float:
    """One figure for a precision: all its FLOPs ÷ all its (median-based) time."""
    pts = [t for t in points if t.precision == precision]
    if not pts:
        raise InputError(f"no measurement at {precision}")
    if any(t.reps is None for t in pts):
        return pts[0].flops_per_s
    flops = sum(t.flops_per_s * t.seconds for t in pts)
    return flops / sum(t.seconds for t in pts)


def _tdp(base, details: Mapping[str, Any], measured_w: float, estimate: bool = False) -> tuple[float, str]:
    """(tdp_w, where it came from) for a calibrated profile.

    - A GPU: NVML's default power limit, the board's rated power (an administrator's cap, the
      enforced limit, is not the device's TDP: a capped H100 would scale every power from 300 W;
      measure audit), else the enforced limit, else the base profile's.
    - A CPU: the measured draw. The CPU base is a whole dual-socket server (450 W): inference
      scales its power from the TDP, and gave a 2-vCPU VM that drew 7.5 W 268 W (measure audit).
      The draw measured on this machine's CPUs during the workload is the best figure for its own (the
      built-in benchmark's load is full; a command's may not be, and its throughput check says so)."""
    if base.kind == "cpu":
        # "estimated" where no meter read it (measuring engineer's review 2026-11-27: CodeCarbon's model called measured)
        # during the workload measured, not "at full load": a command given to calibrate may be light (engineer review
        # 2026-11-28: a `sleep 3` wrote 3.24 W "at full load")
        drawn = ("the draw during the measured workload as CodeCarbon estimated it" if estimate
                 else "the measured draw during the measured workload")
        return measured_w, f"{drawn} (the base profile {base.id} {cpu_base_power_words(base)})"
    if details.get("default_power_limit_w"):
        return float(details["default_power_limit_w"]), "NVML's default power limit (the board's rated power)"
    if details.get("power_limit_w"):
        return float(details["power_limit_w"]), "NVML's enforced power limit (the default limit was not readable)"
    return base.power.tdp_w, f"the base profile's ({base.id})"


def require_power_or_base_device(base: HardwareProfile, device_name: str | None, why: str | None = None) -> None:
    """Refuse a calibration that measured no power unless the base's power is that device's own.

    A calibrated profile pairs the measured throughput with a power; with no power reading the
    only power left is the base profile's, which is right only for the base's own device:
    - a CPU base is a whole dual-socket server (450 W), never the machine measured (a 2-vCPU VM
      drew 7.9 W), so a CPU calibration needs a power reading (track audit: 813 Wh for 11.5 Wh);
    - another base (a GPU) keeps its power only where the measured device is named as the base
      (``guess_base_profile``), e.g. an "NVIDIA H100 80GB HBM3" on h100-sxm.
    MeasurementError, naming why no power was read, otherwise."""
    why_text = f": {why}" if why else ""
    if base.kind == "cpu":
        raise MeasurementError(
            f"no power was measured{why_text}; a CPU calibration without a power reading cannot make a profile whose "
            f"energy is right, since the base profile {base.id} {cpu_base_power_words(base)}, not the machine "
            "measured now: measure the CPU's power with CodeCarbon, or import a CodeCarbon log of the run; "
            "no profile written")
    try:
        same = bool(device_name) and guess_base_profile(str(device_name), "gpu") == base.id
    except InputError:
        same = False
    if not same:
        raise MeasurementError(
            f"no power was measured{why_text}; the device measured ({device_name or 'not known'}) is not the base "
            f"profile's {base.name}, so the base's power would be another device's: measure the device's power "
            "(NVML for an NVIDIA GPU), or choose the base profile of the device measured; no profile written")


def calibrated_profile_data(base: HardwareProfile, points: Sequence[Throughput], measurement, *, host: str,
                            measured_at: str, method: str, profile_id: str | None = None,
                            extra: Mapping[str, Any] | None = None, machine: str | None = None) -> tuple[dict, list[str]]:
    """(profile data, notes for the user): the base profile with measured throughput and power.

    ``measurement`` is a :class:`estimator.device.base.Measurement` (or anything with its fields).
    ``points`` have ``seconds`` = the robust time of their FLOPs (median per product × reps).
    ``host``: the label the profile id is made from; ``machine``: the measured machine in words
    (default the host name; an imported log's "the machine of CodeCarbon run …", whose host is unknown).
    """
    machine = machine or host
    if not points:
        raise MeasurementError("no throughput was measured")
    precision = choose_precision(base, sorted({t.precision for t in points}))
    how = f"measured on {machine} at {measured_at} by {method}"
    data = profile_to_dict(base, snapshot=True)
    data.pop("calibration", None)
    notes: list[str] = []

    peaks = dict(base.peak_flops_per_s)
    raised = []
    for prec in sorted({t.precision for t in points}):
        if prec not in peaks:
            continue
        fastest = max(t.flops_per_s for t in points if t.precision == prec)
        if not math.isfinite(fastest):
            raise InputError(f"the measured throughput at {prec} is not a finite number: the run's duration is too "
                             "short for its FLOPs; check the FLOPs given and the duration measured",
                             field=("flops", "base"))
        if fastest > MAX_OVER_PEAK * peaks[prec]:
            raise InputError(
                f"measured {gfmt(fastest, 3)} FLOP/s at {prec} is {gfmt(fastest / peaks[prec], 3)}× the peak of {base.id} "
                f"({gfmt(peaks[prec], 3)} FLOP/s): check the FLOPs given, or choose a base profile that "
                f"matches the measured device", field=("flops", "base"))
        if fastest > peaks[prec]:
            raised.append(f"{prec} {gfmt(peaks[prec], 3)} → {gfmt(fastest, 3)}")
            peaks[prec] = fastest
    peak_tbl = {k: v for k, v in peaks.items()}
    peak_tbl["source"] = base.peak_source
    if base.peak_range_flops_per_s is not None and base.peak_range_flops_per_s[0] <= peaks[base.default_precision] \
            <= base.peak_range_flops_per_s[1]:
        peak_tbl["range"] = list(base.peak_range_flops_per_s)
    if raised:
        msg = (f"the measured throughput exceeded the base profile's peak, so the peak was raised to the measured "
               f"value ({'; '.join(raised)} FLOP/s)")
        peak_tbl["source"] = f"{base.peak_source}; {msg}, {how}"
        notes.append(msg)
    data["peak_flops_per_s"] = peak_tbl

    achieved = combined_flops_per_s(points, precision)
    if not ACHIEVED_FLOPS_PER_S.low <= achieved <= ACHIEVED_FLOPS_PER_S.high:
        raise InputError(f"the measured throughput, {gfmt(achieved, 3)} FLOP/s, is not plausible for a device "
                         f"({ACHIEVED_FLOPS_PER_S.source}): check the FLOPs given; no profile written")
    peak = peaks[precision]
    util = clamp_fraction(achieved / peak)
    per_size = [clamp_fraction(t.flops_per_s / peak) for t in points if t.precision == precision]
    u_low, u_high = min(per_size + [util]), max(per_size + [util])
    if u_low < UTILIZATION.low:  # the profile's own check would name a field the user never wrote (calibrate audit)
        raise InputError(f"the measured throughput is {gfmt(u_low, 3)} of the {precision} peak of {base.id} "
                         f"({gfmt(peak, 3)} FLOP/s), below the {gfmt(UTILIZATION.low)} of peak a profile holds: check the "
                         "FLOPs given, or choose the base profile of the measured device; no profile written",
                         field=("flops", "base"))
    data["default_precision"] = precision
    data["utilization"] = {
        "default": util, "range": [u_low, u_high],
        # one workload (a tracked loop, a command, an imported run) has no problem sizes: said as one figure
        # (measuring engineer's review 2026-11-28: its basis named sizes and points it did not have)
        "basis": (f"measured throughput ÷ {precision} peak ({gfmt(peak, 4)} FLOP/s); "
                  + ("range = slowest and fastest measured problem size; per-size figures in [calibration.points]"
                     if len(per_size) > 1 else "one measured workload, so no range")),
        "source": how,
    }

    if measurement.mean_power_w is not None:
        p_w = float(measurement.mean_power_w)
        # a run shorter than the meter's own power sampling has no power reading, inside the bounds or not, as
        # track() refuses it (measuring engineer's review 2026-11-30: 0.77 s under 1-s sampling wrote a TDP of 3.98 W
        # where 3–5 s runs read 7.6–7.8 W; review 2026-11-29: 13 ms read 0.628 W)
        sampling_s = (measurement.details or {}).get("power_sampling_s")
        if sampling_s and measurement.duration_s < sampling_s:
            # the cause first, the reading that follows from it after (measuring engineer's review 2026-11-29:
            # the error led with "0.00406 W", not a reading at all)
            raise MeasurementError(
                f"the run lasted {gfmt(measurement.duration_s, 2)} s, shorter than the meter's {gfmt(sampling_s, 2)}-s "
                f"power sampling, so its power ({gfmt(p_w, 3)} W) is no reading: measure a longer run "
                f"({measurement.power_source}); no profile written")
        if not POWER_W_BOUNDS[0] <= p_w <= POWER_W_BOUNDS[1]:
            raise MeasurementError(f"the measured mean power, {gfmt(p_w, 3)} W, is outside what a profile accepts "
                                   f"({gfmt(POWER_W_BOUNDS[0])} to {gfmt(POWER_W_BOUNDS[1])} W): was the device idle "
                                   f"during the run? ({measurement.power_source}); no profile written")
        estimate_word = " (an estimate, not a meter reading)" if measurement.power_is_estimate else ""
        tdp, tdp_how = _tdp(base, measurement.details or {}, p_w, bool(measurement.power_is_estimate))
        # the sanity check against the rated power: a CPU's new TDP is its own draw, so it is held to
        # the base server's (review: a 20 kW "CPU" had passed)
        limit = base.power.tdp_w if base.kind == "cpu" else tdp
        if limit and p_w > MAX_OVER_TDP * limit:
            raise InputError(f"the measured mean power, {gfmt(p_w, 3)} W per device, is {gfmt(p_w / limit, 3)}× the {gfmt(limit, 3)} W TDP of "
                             f"{base.id}: check the number of devices the measurement covers (a CodeCarbon log's "
                             "gpu_count) and its energy, or choose a base profile that matches the measured device; "
                             "no profile written", field=("base",))
        data["power"] = drop_none({
            "tdp_w": tdp, "average_w": p_w, "average_range_w": [p_w, p_w], "includes_host": False,
            "source": f"{measurement.power_source}{estimate_word}, {how}; the device only, host not included; "
                      f"one measurement, so no range; tdp_w = {tdp_how}",
        })
        if measurement.power_is_estimate:
            notes.append(f"power is an estimate ({measurement.power_source}): "
                         + str((measurement.details or {}).get("estimate_note", "not read from a meter")))
    else:
        why = (measurement.details or {}).get("why_no_power", "no power meter")
        require_power_or_base_device(base, measurement.device_name, why)
        data["power"]["source"] = (f"{base.power.source} (base profile's, the device measured being {base.id}; "
                                   f"power not measured: {why})")
        notes.append(f"power was not measured ({why}); the base profile's power is kept, the device measured being "
                     f"{base.id}")

    pid = profile_id or default_profile_id(base.id, host)
    data["id"] = pid
    # when, to the minute, so that two calibrations of one machine read apart in a list and a headline
    # (measuring-engineer review 2026-11-29: the built-in workload's, a command's and a tracked loop's read the same)
    # (a log's own timestamp, CodeCarbon's without a zone; none where the time is the import's: final review 2026-11-29)
    stamp = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d+)?)?(Z?)", measured_at or "")
    imported_now = bool(extra) and extra.get("imported_at") == measured_at
    when = ("" if stamp is None or imported_now else
            f" at {stamp[1]} {stamp[2]}{' UTC' if stamp[5] else ''}")
    # an id of the user's own named too: two calibrations of one machine in one minute (the built-in workload's and a
    # tracked loop's, 4.3x apart in utilisation) read the same in lists and titles (measuring engineer's review
    # 2026-11-30); the default id is the machine's, which one file at a time holds
    own_id = f", id {pid}" if profile_id is not None and pid != default_profile_id(base.id, host) else ""
    data["name"] = f"{measurement.device_name or base.name} (calibrated on {machine}{when}, base {base.id}{own_id})"
    ram_gb = (measurement.details or {}).get("ram_total_gb")
    if base.kind == "cpu" and isinstance(ram_gb, (int, float)) and math.isfinite(ram_gb) and ram_gb > 0:
        # the machine measured, not the base server's 412 GB (measure audit): CodeCarbon's ram_total_size
        data["memory"] = {**data["memory"], "capacity_gb": float(ram_gb),
                          "source": f"the measured machine's RAM as CodeCarbon recorded it (ram_total_size, {how}); bandwidth "
                                    f"the base profile's ({base.id})"}
    if whole_server_price(base):
        # the CPU base is a whole 96-core server: its server-hour price says nothing of the machine measured
        # (a 2-vCPU VM costs 1/96 of it; a laptop nothing by the hour), so a cost needs the user's own price
        data["price"] = {"basis": f"none: the base profile's price ({base.id}, {base.price.basis}) is for a whole server, "
                                  "not the machine measured; give a price per device-hour or an electricity price",
                         "source": f"calibration ({how}): the base's price left out"}
        kept = ("PUE and memory bandwidth are the base profile's (memory capacity too where CodeCarbon gave no RAM "
                "size); its price is left out (a whole server's), and the TDP is the measured draw where power was "
                "measured")
    else:
        kept = "Memory, price and PUE are the base profile's"
    what = ("throughput and power" if measurement.mean_power_w is not None
            else "throughput (power not measured: the base profile's)")
    # a CPU base's "one device = one dual-socket server" is the base's, not the machine measured (exports audit)
    base_notes = "One device = the machine measured." if base.kind == "cpu" else base.notes
    data["notes"] = f"Calibrated profile: {what} {how}. {kept} ({base.id}). {base_notes}".strip()
    calibration = {
        "measured_at": measured_at, "host": host, "method": method, "base_profile": base.id,
        "backend": measurement.backend, "power_source": measurement.power_source,
        "power_is_estimate": bool(measurement.power_is_estimate), "device_name": measurement.device_name,
        "precision": precision, "achieved_flops_per_s": achieved, "utilization": util,
        "mean_power_w": measurement.mean_power_w, "energy_j": measurement.energy_j,
        "duration_s": measurement.duration_s, "peak_raised": bool(raised),
        **(dict(extra) if extra else {}),
        "details": _plain(measurement.details or {}),
        "points": [drop_none({"precision": t.precision, "size": t.size,
                              "shape": list(t.shape) if t.shape else None, "reps": t.reps,
                              "seconds": t.seconds, "flops_per_s": t.flops_per_s,
                              "utilization": t.flops_per_s / peaks[t.precision] if t.precision in peaks else None})
                   for t in points],
    }
    data["calibration"] = drop_none(calibration)
    profile_from_dict(data, f"calibrated profile {pid}")  # never hand out data the loader would refuse
    return data, notes


def _plain(details: Mapping[str, Any]) -> dict:
    """Details as TOML-writable values (numbers, text, booleans)."""
    out = {}
    for k, v in details.items():
        if isinstance(v, bool) or isinstance(v, (int, str)):
            out[k] = v
        elif isinstance(v, float) and math.isfinite(v):
            out[k] = v
        elif v is not None:
            out[k] = str(v)
    return out
