"""The sidebar's hardware sections: the hardware profile and the device count (in the page's controls in
lecture mode), then "Hardware use": utilisation, year, precision, power and PUE. An empty field takes the
preset's value or the profile's, and its placeholder says which (``placeholders``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from app_pages.inputs import declared as d
from app_pages.inputs.defaults import DEFAULT_HARDWARE
from app_pages.inputs.placeholders import PresetInputs, utilization_placeholder
from app_pages.inputs.workload import WorkloadChoice
from app_pages.ui import common as c
from estimator.core.hardware.profile import PRECISION_ALIASES
from estimator.core.training.utilization_choice import depends_on, year_words
from estimator.core.workload.scenario import Scenario
from estimator.services import api
from estimator.services import inputs as I


def hardware_select(preset_hardware: str | None, where: Any = st.sidebar, *, only_preset: bool = False) -> str | None:
    """The hardware selectbox (URL key ``hardware``); None means the preset's or the default.
    ``only_preset``: the preset gives only a time on its own hardware (``api.time_only``), which says
    nothing about another device, so the picker offers that hardware alone."""
    ids = [preset_hardware] if only_preset and preset_hardware else c.hardware_ids()
    c.check_profile_link("hardware", ids)  # a broken profile's load error, not "unknown value"; a name mended to its id
    return d.select(I.HARDWARE, ids, where=where, placeholder=f"{preset_hardware or DEFAULT_HARDWARE} "
                    f"({'preset' if preset_hardware else 'default'})", any_case=True)  # as the CLI reads an id


@dataclass(frozen=True)
class HardwareChoice:
    """The hardware drawn: its id, its profile (None for an unknown id), the preset's inputs that apply on
    it and the device count (``kwargs``, for ``api.run``)."""

    hardware: str
    profile: Any  # estimator.core.hardware.profile.HardwareProfile, or None
    shown: PresetInputs
    kwargs: dict[str, Any]


def draw_hardware(choice: WorkloadChoice, top: Any) -> HardwareChoice:
    """The hardware profile (the preset's alone when the preset gives only a time) and the device count,
    both in ``top``."""
    preset = choice.preset
    only_preset = preset is not None and api.time_only(preset, choice.kwargs)
    hardware = hardware_select(preset.hardware if preset else None, where=top, only_preset=only_preset) or (
        preset.hardware if preset else DEFAULT_HARDWARE)
    profile = c.profiles().profiles.get(hardware)
    shown = PresetInputs.applying(preset, hardware)
    devices = d.number(I.DEVICES, placeholder=shown.placeholder("devices") if "devices" in shown
                       else f"{Scenario.devices} (default)", where=top)
    return HardwareChoice(hardware, profile, shown, {"devices": devices})


@dataclass(frozen=True)
class HardwareUse:
    """The "Hardware use" inputs (``kwargs``, for ``api.run``) and the preset's inputs that still apply
    (those tied to its power go when another power is given)."""

    kwargs: dict[str, Any]
    shown: PresetInputs


def draw_hardware_use(side: Any, preset: Any, hw: HardwareChoice) -> HardwareUse:
    """The "Hardware use" subsection: utilisation, year, precision, power per device and PUE."""
    profile, shown = hw.profile, hw.shown
    side.subheader("Hardware use")
    kwargs: dict[str, Any] = {}
    kwargs["utilization"] = d.number(
        I.UTILIZATION, fmt="%.3f", step=0.01, placeholder=utilization_placeholder(shown, profile), where=side,
        help="Model-FLOPs utilisation over the whole run; empty: the preset's value, or the profile's fit "
             f"for this run's {depends_on(profile.utilization.model if profile else None) or 'figures'} (shown with "
             "the result; hardware without runs takes the centre chosen for such devices, the same for every run). "
             "Empty, it is a share of the 16-bit peak, which at fp8 or fp4 the run takes as the step model's share of "
             "their peak (shown with the result); a figure typed is a share of the chosen precision's peak")
    kwargs["year"] = d.number(
        I.YEAR, placeholder=f"{shown['year']} (preset)" if "year" in shown else "unknown (averaged)",
        where=side, help=year_words(profile))
    kwargs["precision"] = d.select(  # a link's "BF16" or "MXFP8" as `--precision` takes it
        I.PRECISION, list(profile.peak_flops_per_s) if profile else [], where=side, any_case=True,
        renamed=PRECISION_ALIASES,
        placeholder=f"{shown.get('precision') or (profile.default_precision if profile else '')} (default)")
    kwargs["power_w"] = d.number(  # whole watts a click (browser review 2026-11-27: "+" stepped 0.01 W)
        I.POWER, fmt="%.4g", step=1.0, placeholder=shown.placeholder("power_w", profile.power.average_w if profile else None),
        where=side)
    if preset and preset.other_power(kwargs["power_w"]):  # another power: the inputs tied to it go, as the service drops them
        shown = shown.without(preset.dropped_inputs(other_hardware=False, power_given=True))
    kwargs["pue"] = d.number(
        I.PUE, fmt="%.2f", step=0.01, placeholder=shown.placeholder("pue", profile.pue if profile else None),
        where=side)
    return HardwareUse(kwargs, shown)
