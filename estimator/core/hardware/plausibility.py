"""Plausibility limits of a hardware profile by kind of device, and the checks of its price's date
and its name (pure).

A number outside its kind's limits is almost surely a typo (a unit, an exponent, a whole cluster
written as one device). Each limit is generous, about 10 × the largest device of its kind that is
shipped or announced or more, so that a real new device passes; the reason is beside each. The
accelerators' peak and bandwidth are the exception: they keep the shared bounds, 8 × the wafer-scale
WSE-3's quoted sparse peak and below its on-chip SRAM's 21 PB/s (see below). The brain and
whole systems (AlphaGo's ≈ 1 MW) keep the shared wide bounds of ``estimator.core.base.bounds``, as does
a profile whose kind is not known. ``estimator.core.hardware.reader`` applies them on load.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

from estimator.core.base import bounds as B
from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.hardware.fields import MAX_OVER_TDP
from estimator.core.hardware.schema import BANDWIDTH_GB_PER_S_BOUNDS


@dataclass(frozen=True)
class KindLimits:
    """(low, high) of each figure a profile of one kind states, and why."""

    peak_flops_per_s: tuple[float, float]
    power_w: tuple[float, float]            # tdp_w, average_w and average_range_w
    memory_gb: tuple[float, float]
    bandwidth_gb_per_s: tuple[float, float]
    price_usd_per_hour: tuple[float, float]
    source: str


# The shared bounds: the brain, a whole system, and a kind not known (the bandwidth's: core.hardware.fields).
WIDE = KindLimits(
    (B.PEAK_FLOPS_PER_S.low, B.PEAK_FLOPS_PER_S.high), (B.POWER_W.low, B.POWER_W.high),
    (B.MEMORY_GB.low, B.MEMORY_GB.high), BANDWIDTH_GB_PER_S_BOUNDS,
    (B.PRICE_USD_PER_DEVICE_HOUR.low, B.PRICE_USD_PER_DEVICE_HOUR.high),
    "the shared bounds (estimator/core/base/bounds.py): one device can be a whole system, AlphaGo's ≈ 1 MW")

KIND_LIMITS = {
    # Largest bundled: the GB300 (profiles/gb300.toml): fp4 1.5e16 FLOP/s dense, 1,400 W, 298 GB (as it reports it), 8 TB/s;
    # the B200 (profiles/b200.toml): $14.24 an hour. All still ≥ 10 × below the limits. The low power: under half the 5 W mode of the smallest CUDA
    # module (NVIDIA Jetson Nano datasheet: 5 W / 10 W modes): 1 W is a typo, not a GPU. The low memory and bandwidth: a
    # quarter of the GeForce 8800 GT's 512 MB and a sixth of its 57.6 GB/s (2007, the first CUDA GPUs one would
    # train on; display cards such as the 8400 GS, 6.4 GB/s, are not), so a TB/s figure typed as GB/s (4.0)
    # or, for a device under 128 GB, TB typed as GB (0.096) is refused (profile audit).
    "gpu": KindLimits(
        (B.PEAK_FLOPS_PER_S.low, 2e17), (2.0, 2e4), (0.128, 1e4), (9.6, 2e5), (0.0, 1e3),
        "13 × the GB300's 1.5e16 FLOP/s fp4, 14 × its 1,400 W, ~34 × its 298 GB, 25 × its 8 TB/s "
        "(profiles/gb300.toml) and 70 × the B200's $14.24 an hour (profiles/b200.toml); at least 2 W: under half "
        "the Jetson Nano's 5 W mode; a quarter of the GeForce 8800 GT's 512 MB and a sixth of its 57.6 GB/s (2007)"),
    # Largest: Ironwood (Google Cloud blog "Ironwood: the first Google TPU for the age of inference", 9
    # April 2025): 4,614 TFLOP/s fp8, 192 GB HBM, 7.37 TB/s a chip; Google publishes no per-chip power
    # past TPU v3's 450 W (profiles/tpu-v3.toml), so the GPUs' limit. Price: profiles/tpu-v5p.toml.
    # The low memory and bandwidth: under a tenth of the first TPU's 8 GiB and 34 GB/s (Jouppi et al. 2017,
    # "In-Datacenter Performance Analysis of a Tensor Processing Unit", Table 2).
    "tpu": KindLimits(
        (B.PEAK_FLOPS_PER_S.low, 1e17), (B.POWER_W.low, 2e4), (0.5, 1e4), (3.0, 2e5), (0.0, 1e3),
        "~22 × Ironwood's 4.6e15 FLOP/s, ~50 × its 192 GB and ~27 × its 7.37 TB/s (Google, April 2025); 44 × "
        "TPU v3's 450 W; ~240 × TPU v5p's $4.20 an hour; under a tenth of TPU v1's 8 GiB and 34 GB/s"),
    # Gaudi, Trainium and the like; the largest chip built is wafer-scale: Cerebras WSE-3 (press release,
    # 13 March 2024: 125 PFLOP/s peak AI, a sparse figure; 44 GB of on-chip SRAM; the CS-3 system
    # ~23 kW). Its peak keeps the shared limit (8 × the sparse figure); its SRAM's 21 PB/s is beyond the
    # shared bandwidth limit, which stays: a profile states the memory a model's weights stream from.
    "accelerator": KindLimits(
        (B.PEAK_FLOPS_PER_S.low, B.PEAK_FLOPS_PER_S.high), (B.POWER_W.low, 3e5), (B.MEMORY_GB.low, 1e4),
        WIDE.bandwidth_gb_per_s, (0.0, 1e4),
        "the shared peak (8 × the wafer-scale WSE-3's quoted 125 PFLOP/s), 13 × its CS-3 system's ~23 kW, "
        "73 × Gaudi 3's 137 GB (profiles/gaudi3.toml), ~700 × a B200's $14.24 an hour"),
    # One CPU or one server of them (profiles/cpu-server-2s-epyc.toml is a dual-socket server). The
    # largest: 8 × Intel Xeon Platinum 8490H (Intel ARK: 60 cores, 1.9 GHz, 350 W, 8 sockets, up to 4 TB
    # each), with AMX's 2,048 int8 operations a cycle a core (Intel AMX overview): 1.9e15 OP/s, 2.8 kW,
    # 32 TB; 8 DDR5-4800 channels a socket: 2.5 TB/s.
    "cpu": KindLimits(
        (B.PEAK_FLOPS_PER_S.low, 2e16), (B.POWER_W.low, 5e4), (B.MEMORY_GB.low, 5e5), (1.0, 1e5), (0.0, 1e4),
        "~10 × an 8-socket Xeon 8490H server's 1.9e15 int8 OP/s with AMX, 18 × its 2.8 kW of CPUs, ~15 × its "
        "32 TB and 40 × its 2.5 TB/s (Intel ARK); ~1,400 × the dual-socket server's $7.34 an hour"),
}


# The most FLOP/s a device may state per watt of its power (its TDP, else its chip's average draw): ~18 × the
# most efficient bundled figure, TPU v6e's int8 1,836 TOP/s at an assumed 340 W (5.4e12 FLOP/J;
# profiles/tpu-v6e.toml), ~22 × the most efficient with a stated power, the B200's fp8 4.5e15 FLOP/s at 1,000 W. Every figure of a profile can lie
# inside its kind's limits while the pair is absurd (profile audit: 1e18 FLOP/s at 1 W timed 1e23 FLOPs on
# 8 devices at 111 Wh, 10⁶ × an H100's efficiency). The brain and whole systems are not held to it.
MAX_FLOPS_PER_J = 1e14


def efficiency_problem(kind: str, peaks: dict[str, float], power_w: float | None) -> tuple[str, str] | None:
    """(problem, fix) where a device's highest peak per watt of ``power_w`` is above ``MAX_FLOPS_PER_J``; None
    where it is not, for the brain and whole systems, and without a power."""
    if kind not in KIND_LIMITS or not power_w or not peaks:
        return None
    precision, peak = max(peaks.items(), key=lambda kv: kv[1])
    if peak / power_w <= MAX_FLOPS_PER_J:
        return None
    return (f"{gfmt(peak, 3)} FLOP/s ({precision}) at {gfmt(power_w, 3)} W is {gfmt(peak / power_w, 2)} FLOP/J, above "
            f"{gfmt(MAX_FLOPS_PER_J)} (~22 × the B200's fp8 per watt)",
            "check the units: the peaks in FLOP/s per device (989 TFLOP/s is 9.89e14), the power in W (not kW)")


def limits_for(kind: str) -> KindLimits:
    """The limits of a kind of device (``profile.KINDS``): the brain, a system or an unknown kind: WIDE."""
    return KIND_LIMITS.get(kind, WIDE)


def require_power_for_kind(power_w: float, kind: str, device: str, peaks: dict[str, float] | None = None) -> None:
    """A power per device given for a scenario inside what a device of ``kind`` may state (CLI audit: 100 MW on
    one H100 priced 249 GWh, and 1 W a token at 27 mJ): the bounds a profile of that kind must meet, and, with the
    device's ``peaks``, the peak per watt a profile must stay under (``efficiency_problem``; input fuzz 2026-12-01:
    2 W on a B200, 4 × 10¹⁴ FLOP/J, was taken where a profile stating it is refused)."""
    low, high = limits_for(kind).power_w
    if not low <= power_w <= high:
        # a kind as people write it: "a GPU", "a TPU", "an accelerator" (browser review 2026-11-29: "a gpu")
        said = kind.upper() if kind in ("gpu", "tpu", "cpu") else kind
        article = "an" if said[:1].lower() in "aeiou" else "a"
        raise InputError(f"power per device {gfmt(power_w)} W is outside what {article} {said} may draw ({gfmt(low)}–{gfmt(high)} W per "
                         f"device, the limits its profiles meet) for {device}", field="power_w")
    if peaks and (problem := efficiency_problem(kind, peaks, power_w)) is not None:
        raise InputError(f"power per device {gfmt(power_w)} W for {device}: {problem[0]}: give the power each device "
                         "draws, in W", field="power_w")


# The least a device's average power (the low end of its range) may be of its TDP: even idle, a GPU
# draws 11–16% of it (Splitwise, Patel et al. 2024, arXiv:2311.18677, power model: A100-80GB idle 63 W
# of 400 W, H100 75 W of 700 W; estimator/core/serving/step.py). 0.05, half the lowest, is a design choice:
# below it the figure is another unit (kW for W) or another device's TDP, not a device at work.
MIN_OF_TDP = 0.05


# The most a device's own draw reaches, a share of its TDP: the TDP is its default power limit (NVIDIA's nvidia-smi
# reports it as the default "Power Limit"; a device held to its limit draws at most it, the serving model's own bound)
OWN_DRAW_OVER_TDP = 1.0


# How a power given out of a device's range ends its note: the pages raise such a note above their figures (serving
# review 2026-11-28: 5 kW an H100 was said only in the Inference page's closed notes)
POWER_UNIT_CHECK = "check the unit (W, not kW)"


def power_over_tdp_note(power_w: float, tdp_w: float | None, device: str, what: str = "TDP",
                        devices_only: bool = False) -> str | None:
    """A note when a power per device given for a scenario is above ``MAX_OVER_TDP`` × the device's TDP
    (inference audit: 5 kW on one A100, 12.5× its 400 W, was used without a word), or below ``MIN_OF_TDP`` ×
    it (scaling audit: 2.5 W on an H100, 0.4% of its TDP, passed silently, where a profile's own power
    that low is refused). Not refused: a whole server's draw shared out per device (its CPUs, memory,
    fans) can be several times a small GPU's TDP, and a thought experiment may ask for any draw; but a
    device's own draw stays under its power limit and above its idle, so the figure counts more or less
    than the device, or is in the wrong unit. ``devices_only``: the figure is the devices' own draw (serving counts no
    host), so any draw above the TDP is said (serving review 2026-11-29: 900 W an H100 passed without a word)."""
    # a device's own draw stays under its TDP (its default power limit); a chip draw standing in for a TDP (TPUs) is
    # an average, which a TDP is at least, so only the general bound holds there (diff review 2026-11-29)
    most = OWN_DRAW_OVER_TDP if devices_only and what == "TDP" else MAX_OVER_TDP
    if tdp_w is None or not tdp_w > 0 or MIN_OF_TDP * tdp_w <= power_w <= most * tdp_w:
        return None
    if power_w < MIN_OF_TDP * tdp_w:
        return (f"power {gfmt(power_w, 3)} W per device is {gfmt(100 * power_w / tdp_w, 2)}% of {device}'s {what} "
                f"({gfmt(tdp_w, 3)} W), below what the device draws even idle (11–16% of {'its' if what == 'TDP' else 'a'} TDP): "
                f"{POWER_UNIT_CHECK} and that it is the device's")
    if devices_only and what == "TDP":
        return (f"power {gfmt(power_w, 3)} W per device is {gfmt(power_w / tdp_w, 3)}× {device}'s {what} "
                f"({gfmt(tdp_w, 3)} W), which a device's own draw stays under, and the serving energy counts the "
                f"devices alone (no host): {POWER_UNIT_CHECK} and that it is the device's own")
    return (f"power {gfmt(power_w, 3)} W per device is {gfmt(power_w / tdp_w, 3)}× {device}'s {what} ({gfmt(tdp_w, 3)} W), "
            "which a device's own draw stays under: right only for a whole server's draw shared out per device; "
            f"{POWER_UNIT_CHECK} and that it is per device")


def price_date_problem(date: str, today: datetime.date | None = None,
                       release_year: int | None = None) -> tuple[str, str] | None:
    """(problem, fix) with a price's date, or None where it is good: "YYYY", "YYYY-MM" or "YYYY-MM-DD",
    a real calendar day, not after ``today`` (None: not checked; the core reads no clock, the loader
    gives it) and not before the device's ``release_year`` (a price is of a device that exists).
    The trend of costs starts from it (audit: "2100-12" started a trend in 2100)."""
    form = ('write the price\'s date as "YYYY", "YYYY-MM" or "YYYY-MM-DD", e.g. "2024-06", from '
            f"{gfmt(B.YEAR.low)} to {gfmt(B.YEAR.high)}")
    parts = date.split("-")
    if not (0 < len(parts) <= 3 and len(parts[0]) == 4 and all(len(x) == 2 for x in parts[1:])
            and all(x.isascii() and x.isdigit() for x in parts) and B.YEAR.low <= int(parts[0]) <= B.YEAR.high
            and (len(parts) < 2 or 1 <= int(parts[1]) <= 12) and (len(parts) < 3 or 1 <= int(parts[2]) <= 31)):
        return f"'{date[:40]}' is not a date (a year, or a year and month)", form
    year, month, day = (int(x) for x in parts + ["1"] * (3 - len(parts)))
    try:
        first_day = datetime.date(year, month, day)  # the first day the date covers
    except ValueError:
        return f"'{date}' is not a day of the calendar", "write a day that month has, or the year and month alone"
    if today is not None and first_day > today:
        return (f"'{date}' is after today ({today.isoformat()}): a price is read on a day that has passed",
                "write the date the price was read, or leave the price out")
    if release_year is not None and year < release_year:
        return (f"'{date}' is before the device's release_year ({release_year})",
                f"write the date the price was read, {release_year} or later, or correct release_year")
    return None


def text_problem(text: str) -> str | None:
    """Why one-line text (a profile's name) cannot be shown on one row, or None: control or format
    characters (a newline, a tab, a bidirectional override) or a line separator."""
    bad = [c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]
    if bad:
        return f"{text[:40]!r} holds control characters ({', '.join(sorted({repr(c) for c in bad}))[:60]})"
    return None


__all__ = ["KIND_LIMITS", "MAX_FLOPS_PER_J", "MIN_OF_TDP", "efficiency_problem", "WIDE", "KindLimits", "limits_for", "price_date_problem", "text_problem"]
