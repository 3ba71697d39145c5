"""The chip draw this project measured in training steps on a device (NVML, ``estimator/data/measured_training_steps.csv``,
never fitted) beside the chip's part of its profile's fitted power: a note where the fit leaves the chip far less.

Edge module: reads the measured steps (``estimator.io.measured_steps``); ``estimate`` (``services.api``) and ``plan``
(``services.training.step_setup``) add its note. Apart from ``services.training.measured_steps``, which predicts the same rows with the step
model and so imports the planner.
"""

from __future__ import annotations

import statistics
from dataclasses import replace

from estimator.core.base.interval import LEVEL
from estimator.core.hardware.power_ratio import NODE_MEASURED_SOURCE, NODE_MEASURED_W_PER_GPU
from estimator.core.training.result import ChipDraw
from estimator.io.measured_steps import MEASURED_STEPS_PATH, load_measured_steps
from estimator.report import humanize as hz

# Where the chip's part of a profile's fitted power (its average less its host's share) lies this far below what this
# project measured at the chip alone in training steps on that device, it is said: a reporting threshold (a design
# choice, not a fitted figure), well above the configurations' own spread (±5% about their median, but for the two
# launch-bound ones a device).
CHIP_DRAW_SAID_ABOVE = 1.25
# The profiles whose chip is the measured H100 node's (``NODE_MEASURED_SOURCE``): its figure is said beside theirs only
H100_NODE_DEVICES = ("h100-sxm",)



def measured_chip_draw(est, profile) -> ChipDraw | None:
    """The chip's draw this project measured in training steps on the estimate's device (NVML, never fitted; a
    calibrated profile's base device) beside the chip's part of the profile's fitted average, where that part is
    ``CHIP_DRAW_SAID_ABOVE`` × or more below it (researcher review 2026-11-29: the H100's 695 W with its host's 294 W
    left 401 W at the chip, where 19 configurations drew a median 684 W at the chip alone); None where the power is
    not the profile's fit, or no step was measured on its device."""
    p = profile.power
    power = est.assumption("power_w")
    if (p is None or p.fit_group is None or not p.includes_host or power is None
            or not power.origin.startswith("profile:")):
        return None
    device = (profile.calibration or {}).get("base_profile") or profile.id  # a calibration keeps its base's power fit
    draws_w = [m.power_w for m in load_measured_steps() if m.hardware_id == device]
    if not draws_w:
        return None
    chip_w = p.average_w - p.host_share_w
    measured_w = statistics.median(draws_w)
    if measured_w < CHIP_DRAW_SAID_ABOVE * chip_w:
        return None
    on = profile.name if device == profile.id else f"its base device ({device})"
    return ChipDraw(chip_w=chip_w, measured_w=measured_w, device=on, configurations=len(draws_w),
                    host_w=p.host_share_w, node_w=NODE_MEASURED_W_PER_GPU if device in H100_NODE_DEVICES else None)


def measured_tdp_share() -> tuple[float, tuple[str, ...]] | None:
    """The median share of its TDP a busy chip drew in this project's measured training steps (each device's median
    draw ÷ its profile's TDP), and the devices' names; None where none was measured."""
    from estimator.io.datafiles import default_profiles  # the measured devices' TDPs: only when asked
    profiles = default_profiles().profiles
    by_device: dict[str, list[float]] = {}
    for m in load_measured_steps():
        by_device.setdefault(m.hardware_id, []).append(m.power_w)
    shares, names = [], []
    for device, draws in sorted(by_device.items()):
        p = profiles.get(device)
        if p is None or p.power is None or not p.power.tdp_w:
            continue
        shares.append(statistics.median(draws) / p.power.tdp_w)
        names.append(p.name)
    return (statistics.median(shares), tuple(names)) if shares else None


def unmeasured_chip_draw(est, profile) -> ChipDraw | None:
    """Where no step was measured on the device (a GB200, a B200) and its fitted power, less its host's share, leaves
    the chip ``CHIP_DRAW_SAID_ABOVE`` × or more below the share of TDP the measured chips drew: that share of its TDP
    (``ChipDraw.tdp_share``), a caveat, not a figure the estimate takes (researcher review 2026-11-29: a GB200's
    1,192 W left 687 W for a 1,200 W chip, without a word where the H100's measured draw had one)."""
    p = profile.power
    power = est.assumption("power_w")
    if (p is None or p.fit_group is None or not p.includes_host or not p.tdp_w or power is None
            or not power.origin.startswith("profile:") or profile.kind != "gpu"):
        return None
    device = (profile.calibration or {}).get("base_profile") or profile.id
    if any(m.hardware_id == device for m in load_measured_steps()):
        return None
    measured = measured_tdp_share()
    if measured is None:
        return None
    share, names = measured
    chip_w, expected_w = p.average_w - p.host_share_w, share * p.tdp_w
    if expected_w < CHIP_DRAW_SAID_ABOVE * chip_w:
        return None
    return ChipDraw(chip_w=chip_w, measured_w=expected_w, device=" and ".join(names), configurations=0,
                    host_w=p.host_share_w, tdp_share=share)


def with_energy(chip: ChipDraw, est) -> ChipDraw:
    """``chip`` with the estimate's energy at its implied draw a device (the energy is the device-hours × the power ×
    the PUE: it scales with the power) and the top of the estimate's 80% energy range."""
    power = est.assumption("power_w")
    if power is None or not power.value or est.energy_kwh is None:
        return chip
    top = est.range.get("energy_kwh", (None, None))[1]
    return replace(chip, energy_kwh=est.energy_kwh * chip.implied_w / float(power.value), energy_top_kwh=top)


def energy_words(chip: ChipDraw) -> str:
    """"; at 979 W a device the energy would be 4.75 GWh, above the top of its 80% range (4.51 GWh)": the measured
    draw's energy beside the range (the time's and the fitted power's spread together), or "" where there is none."""
    if chip.energy_kwh is None:
        return ""
    # the range is the time's and the fitted power's together (diff review 2026-12-01: "the power fit's" alone)
    where = ("" if chip.above_range is None else
             f", above the top of its {LEVEL:.0%} range ({hz.energy(chip.energy_top_kwh)})"
             if chip.above_range else
             f", inside its {LEVEL:.0%} range (top {hz.energy(chip.energy_top_kwh)})")
    return f"; at {chip.implied_w:,.0f} W a device the energy would be {hz.energy(chip.energy_kwh)}{where}"


def unmeasured_chip_note(chip: ChipDraw, profile) -> str:
    """``unmeasured_chip_draw``'s caveat in words."""
    p = profile.power
    return (f"power: the fitted {p.average_w:,.0f} W a device includes {p.host_share_w:,.0f} W for its host, leaving "
            f"{chip.chip_w:,.0f} W for the chip, {chip.chip_w / p.tdp_w:.0%} of its {p.tdp_w:,.0f} W TDP; no training "
            f"step was measured on it, but busy chips on the {chip.device} drew a median {chip.tdp_share:.0%} of their "
            f"TDP (estimator/data/{MEASURED_STEPS_PATH.name}, NVML, never fitted), {chip.measured_w:,.0f} W here, "
            f"{chip.implied_w:,.0f} W a device with its host's share: the fit may give too little energy"
            f"{energy_words(chip)}; give the power your servers draw a device to set it")


def with_chip_draw(est, profile):
    """``est`` with the measured chip draw (``measured_chip_draw``) as data and its note, whose words the statement says
    too (``report.statement``); where the device was never measured, the caveat of ``unmeasured_chip_draw``, as data
    and note alike (researcher review 2026-11-30: an A100's or a B200's statement had left out the note's "may give
    too little energy"); as it was where there is neither."""
    chip = measured_chip_draw(est, profile)
    if chip is None:
        unmeasured = unmeasured_chip_draw(est, profile)
        if unmeasured is None:
            return est
        unmeasured = with_energy(unmeasured, est)
        return replace(est, chip_draw=unmeasured, notes=est.notes + (unmeasured_chip_note(unmeasured, profile),))
    chip = with_energy(chip, est)
    p = profile.power
    # the H100 node's measured draw beside the H100's own figures only (diff review 2026-11-30: beside an A100's or a
    # B200's it read as their source)
    node = f" ({NODE_MEASURED_SOURCE})" if chip.node_w is not None else ""
    note = (f"power: the fitted {p.average_w:,.0f} W a device includes {p.host_share_w:,.0f} W for its host, leaving "
            f"{chip.chip_w:,.0f} W for the chip; this project measured {chip.measured_w:,.0f} W at the chip alone on "
            f"{chip.device} (the median of {chip.configurations} configurations, each the mean over its timed training "
            f"steps, NVML; estimator/data/{MEASURED_STEPS_PATH.name}, never fitted), {chip.implied_w:,.0f} W a device "
            f"with its host's share{node}: a busy chip draws near its TDP, and the fit, measured on "
            f"older servers, may give too little energy here{energy_words(chip)}; give the power your servers draw a "
            "device to set it")
    return replace(est, chip_draw=chip, notes=est.notes + (note,))


__all__ = ["CHIP_DRAW_SAID_ABOVE", "measured_chip_draw", "measured_tdp_share", "unmeasured_chip_draw", "unmeasured_chip_note",
           "with_chip_draw"]
